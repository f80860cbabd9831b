//go:build linux

package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tfgraph/quiet/noise.h"

// The stderr filter: a process forked here, before the Go runtime and TensorFlow start, reads
// what this program writes to stderr (file descriptor 2, now a pipe) and copies it to the real
// stderr less the known noise of tfgraph/quiet/noise.h. Being another process, it passes on
// every line even when this one dies abruptly (a panic, an abort in TensorFlow, SIGKILL): it
// ends when the pipe has no writer left. It ignores the terminal's signals (Ctrl-C reaches the
// whole process group) and ends with the pipe. RETHINK_STDERR=raw turns it off.
static int rethink_real_stderr = -1;
static pid_t rethink_filter_pid = -1;

static void rethink_quiet_start(char **envp) {
	for (char **e = envp; *e; e++) {
		if (strcmp(*e, "RETHINK_STDERR=raw") == 0) return;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) return;
	int real = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (real < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		close(real);
		return;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		close(p[1]);
		close(real);
		rethink_filter(p[0], 2);
		_exit(0);
	}
	close(p[0]);
	if (dup2(p[1], 2) < 0) { // stderr stays as it was; the filter ends with the pipe
		close(p[1]);
		close(real);
		return;
	}
	close(p[1]);
	rethink_real_stderr = real;
	rethink_filter_pid = pid;
}

// rethink_quiet_stop puts the real stderr back on file descriptor 2, which closes this
// program's end of the pipe, and waits (at most 2 s) for the filter to pass on what it holds.
// The program calls it before it exits or execs another program.
static void rethink_quiet_stop(void) {
	if (rethink_filter_pid <= 0) return;
	dup2(rethink_real_stderr, 2);
	for (int i = 0; i < 200; i++) {
		if (waitpid(rethink_filter_pid, NULL, WNOHANG) != 0) break;
		usleep(10000);
	}
	rethink_filter_pid = -1;
}

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
	if (nadd == 0) {
		rethink_quiet_start(envp);
		return;
	}
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
	free(env); // exec failed: go on (tfgraph.ReexecWithLoadEnv tries again, then filters)
}

__attribute__((section(".preinit_array"), used)) static void (*rethink_tfenv_preinit)(int, char **, char **) = rethink_tfenv;
*/
import "C"

// stopStderrFilter puts the real stderr back and waits for the filter to pass on every line it
// holds (see rethink_quiet_stop); safe to call more than once.
func stopStderrFilter() { C.rethink_quiet_stop() }
