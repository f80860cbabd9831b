//go:build linux

package main

/*
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// rethink_tfenv runs from the executable's .preinit_array, before the dynamic loader runs the
// initializers of any shared library: before libtensorflow's, which log as they load (the oneDNN
// banner) and read TF_ENABLE_ONEDNN_OPTS, and before libc's, which would undo a setenv made
// here. When a variable of tfgraph.LoadEnv (tfgraph/env.go) is unset, it re-executes the program in place with
// it set (and, LANG=en_US.UTF-8 when the locale is C, which Fyne cannot
// parse): the first image never initializes TensorFlow, so it logs nothing. If the exec
// fails, the program goes on and tfgraph.ReexecWithLoadEnv tries again.
static void rethink_tfenv(int argc, char **argv, char **envp) {
	static const char *want[][2] = {{"TF_ENABLE_ONEDNN_OPTS", "1"}, {"TF_CPP_MIN_LOG_LEVEL", "2"}};
	const char *add[4];
	int nadd = 0, n = 0, c_locale = 1;
	if (argv == NULL || envp == NULL) return;
	for (int i = 0; i < 2; i++) {
		size_t k = strlen(want[i][0]);
		int found = 0;
		for (char **e = envp; *e; e++) {
			if (strncmp(*e, want[i][0], k) == 0 && (*e)[k] == '=') found = 1;
		}
		if (!found) add[nadd++] = i == 0 ? "TF_ENABLE_ONEDNN_OPTS=1" : "TF_CPP_MIN_LOG_LEVEL=2";
	}
	if (nadd == 0) return;
	for (char **e = envp; *e; e++) {
		n++;
		if (strncmp(*e, "LC_ALL=", 7) == 0 && (*e)[7] != 0) c_locale = 0;
		if (strncmp(*e, "LANG=", 5) == 0) {
			const char *v = *e + 5;
			if (!(v[0] == 0 || strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0 || strncmp(v, "C.", 2) == 0)) c_locale = 0;
		}
	}
	char **env = malloc((n + nadd + 2) * sizeof(char *));
	if (env == NULL) return;
	int j = 0;
	for (char **e = envp; *e; e++) {
		if (c_locale && strncmp(*e, "LANG=", 5) == 0) continue;
		env[j++] = *e;
	}
	for (int i = 0; i < nadd; i++) env[j++] = (char *)add[i];
	if (c_locale) env[j++] = "LANG=en_US.UTF-8";
	env[j] = NULL;
	execve("/proc/self/exe", argv, env);
	free(env); // exec failed: go on
}

__attribute__((section(".preinit_array"), used)) static void (*rethink_tfenv_preinit)(int, char **, char **) = rethink_tfenv;
*/
import "C"
