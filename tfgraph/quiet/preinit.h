// preinit.h: what bin/rethink and bin/rethink-app run before any shared library initializes
// (tfenv_preinit_linux.go in each main package): TensorFlow's load-time environment, the
// locale Fyne can parse (the app), and the stderr filter of noise.h. Included by one file of
// each program; everything here is static.

#ifndef RETHINK_QUIET_PREINIT_H
#define RETHINK_QUIET_PREINIT_H

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "noise.h"

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

// rethink_fyne_locale is the index in envp of the variable Fyne takes its locale from (the
// first set of LC_ALL, LC_MESSAGES and LANG, as github.com/jeandeaual/go-locale reads them) when
// its value is one Fyne cannot parse and complains of at start-up ("Error parsing user locale
// C": C.UTF-8, POSIX.UTF-8, ...), else -1. Plain C, POSIX and no locale at all pass quietly.
static int rethink_fyne_locale(char **envp) {
	static const char *vars[] = {"LC_ALL=", "LC_MESSAGES=", "LANG="};
	for (int i = 0; envp[i]; i++) { // a set LANGUAGE comes first (getenv is not ready yet)
		if (strncmp(envp[i], "LANGUAGE=", 9) == 0 && envp[i][9] != 0) return -1;
	}
	for (int v = 0; v < 3; v++) {
		size_t k = strlen(vars[v]);
		for (int i = 0; envp[i]; i++) {
			if (strncmp(envp[i], vars[v], k) != 0 || envp[i][k] == 0) continue;
			const char *val = envp[i] + k;
			return strncmp(val, "C.", 2) == 0 || strncmp(val, "POSIX.", 6) == 0 ? i : -1;
		}
	}
	return -1;
}

// rethink_preinit runs from the executable's .preinit_array, before the dynamic loader runs the
// initializers of any shared library: before libtensorflow's, which log as they load (the oneDNN
// banner) and read TF_ENABLE_ONEDNN_OPTS, and before libc's, which would undo a setenv made
// here. When a variable of tfgraph.LoadEnv (tfgraph/env.go) is unset, it re-executes the program
// in place with it set (and LANG=en_US.UTF-8 when LANG is C), and so does it when fix_locale is
// set (the desktop app) and the locale is one Fyne cannot parse (rethink_fyne_locale), with that
// variable set to en_US.UTF-8: the first image never initializes TensorFlow or Fyne, so it logs
// nothing. Else it starts the stderr filter. If the exec fails, the program goes on and
// tfgraph.ReexecWithLoadEnv tries again.
static void rethink_preinit(int argc, char **argv, char **envp, int fix_locale) {
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
	int fyne = fix_locale ? rethink_fyne_locale(envp) : -1;
	if (nadd == 0 && fyne < 0) {
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
	if (fyne >= 0 && strncmp(envp[fyne], "LANG=", 5) == 0) c_locale = 1;
	char **env = malloc((n + nadd + 3) * sizeof(char *));
	if (env == NULL) return;
	int j = 0;
	for (int i = 0; envp[i]; i++) {
		if (c_locale && strncmp(envp[i], "LANG=", 5) == 0) continue;
		if (i == fyne && strncmp(envp[i], "LANG=", 5) != 0) {
			env[j++] = strncmp(envp[i], "LC_ALL=", 7) == 0 ? "LC_ALL=en_US.UTF-8" : "LC_MESSAGES=en_US.UTF-8";
			continue;
		}
		env[j++] = envp[i];
	}
	for (int i = 0; i < nadd; i++) env[j++] = (char *)add[i];
	if (c_locale) env[j++] = "LANG=en_US.UTF-8";
	env[j] = NULL;
	execve("/proc/self/exe", argv, env);
	free(env); // exec failed: go on (tfgraph.ReexecWithLoadEnv tries again, then filters)
}

#endif
