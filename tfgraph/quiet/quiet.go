// Package quiet keeps the lines TensorFlow and Fyne print while the program loads, and that
// mean nothing to a user, off the terminal, while every other line still shows.
//
// TensorFlow's CUDA build logs six "Unable to register cuFFT/cuDNN/cuBLAS factory" errors from
// its static initializers (its two libraries each register the same plugins), before main and
// before TF_CPP_MIN_LOG_LEVEL can matter; Fyne reports a C locale it cannot parse. To catch
// them, a function in the executable's .preinit_array, which the dynamic loader runs before the
// initializer of any shared library, points file descriptor 2 at an in-memory file and keeps the
// real stderr aside. Release, called first thing in main, puts stderr back and copies what was
// written meanwhile, without the lines Noise matches.
//
// Only a binary that imports this package is affected, and it must call Release early: until
// then nothing it writes to stderr appears (a crash inside a library's initializer loses its
// message). RETHINK_TF_NOISE=1 turns the capture off.
package quiet

/*
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int rethink_saved_stderr = -1;  // the real stderr while captured, else -1
static int rethink_capture = -1;       // the in-memory file fd 2 points at

// rethink_load_env re-executes the program in place when a variable TensorFlow reads as its
// library loads (tfgraph.LoadEnv: TF_ENABLE_ONEDNN_OPTS=1, TF_CPP_MIN_LOG_LEVEL=2) is unset,
// with it set, and with LANG=en_US.UTF-8 when the locale is C or POSIX (which Fyne cannot
// parse). Running from .preinit_array, before any shared library's initializer, the first image
// never initializes TensorFlow, so it logs nothing. If the exec fails the program goes on and
// tfgraph.ReexecWithLoadEnv tries again from main.
static void rethink_load_env(char** argv, char** envp) {
	static const char* want[2] = {"TF_ENABLE_ONEDNN_OPTS=1", "TF_CPP_MIN_LOG_LEVEL=2"};
	const char* add[2];
	int nadd = 0, n = 0, c_locale = 1;
	if (argv == NULL || envp == NULL) return;
	for (int i = 0; i < 2; i++) {
		size_t k = strchr(want[i], '=') - want[i] + 1;
		int found = 0;
		for (char** e = envp; *e; e++) {
			if (strncmp(*e, want[i], k) == 0) found = 1;
		}
		if (!found) add[nadd++] = want[i];
	}
	if (nadd == 0) return;
	for (char** e = envp; *e; e++) {
		n++;
		if (strncmp(*e, "LC_ALL=", 7) == 0 && (*e)[7] != 0) c_locale = 0;
		if (strncmp(*e, "LANG=", 5) == 0) {
			const char* v = *e + 5;
			if (!(v[0] == 0 || strcmp(v, "C") == 0 || strcmp(v, "POSIX") == 0 || strncmp(v, "C.", 2) == 0)) c_locale = 0;
		}
	}
	char** env = malloc((n + nadd + 2) * sizeof(char*));
	if (env == NULL) return;
	int j = 0;
	for (char** e = envp; *e; e++) {
		if (c_locale && strncmp(*e, "LANG=", 5) == 0) continue;
		env[j++] = *e;
	}
	for (int i = 0; i < nadd; i++) env[j++] = (char*)add[i];
	if (c_locale) env[j++] = "LANG=en_US.UTF-8";
	env[j] = NULL;
	execve("/proc/self/exe", argv, env);
	free(env); // the exec failed: go on
}

// rethink_quiet_start runs from the executable's .preinit_array: first the restart with
// TensorFlow's load-time environment (before the capture, so that the new image starts with the
// real stderr), then the capture of fd 2.
static void rethink_quiet_start(int argc, char** argv, char** envp) {
	(void)argc;
	rethink_load_env(argv, envp);
	for (char** e = envp; e && *e; e++) {
		if (strcmp(*e, "RETHINK_TF_NOISE=1") == 0) return;
	}
	int mem = memfd_create("rethink-stderr", MFD_CLOEXEC);
	if (mem < 0) return;
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (saved < 0 || dup2(mem, 2) < 0) {
		if (saved >= 0) close(saved);
		close(mem);
		return;
	}
	rethink_saved_stderr = saved;
	rethink_capture = mem;
}

__attribute__((section(".preinit_array"), used))
static void (*rethink_quiet_preinit)(int, char**, char**) = rethink_quiet_start;

// rethink_quiet_stop puts the real stderr back on fd 2 and returns the in-memory file, rewound,
// or -1 when nothing was captured.
static int rethink_quiet_stop(void) {
	if (rethink_saved_stderr < 0) return -1;
	dup2(rethink_saved_stderr, 2);
	close(rethink_saved_stderr);
	rethink_saved_stderr = -1;
	int mem = rethink_capture;
	rethink_capture = -1;
	lseek(mem, 0, SEEK_SET);
	return mem;
}
*/
import "C"

import (
	"bufio"
	"io"
	"os"
	"regexp"
	"sync"
)

// Noise matches the lines Release drops: each is printed on every start and says nothing about
// this run. Errors that matter (a failed cuInit, a missing library, anything else) do not match.
var Noise = []*regexp.Regexp{
	// TensorFlow's CUDA build: the same plugins registered by both of its libraries.
	regexp.MustCompile(`Unable to register (cuFFT|cuDNN|cuBLAS) factory: Attempting to register factory for plugin \S+ when one has already been registered`),
	regexp.MustCompile(`^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$`),
	// TensorFlow's notice that oneDNN is on, which rethink turns on on purpose (tfgraph.LoadEnv).
	regexp.MustCompile(`I .*port\.cc:\d+\] oneDNN custom operations are on\.`),
	// Fyne on a C or POSIX locale, which rethink replaces before restarting itself (tfgraph.LoadEnv).
	regexp.MustCompile(`Fyne error:  Error parsing user locale (C|POSIX)`),
	regexp.MustCompile(`^\S+ \S+\s+Cause: language: tag is not well-formed$`),
	regexp.MustCompile(`^\S+ \S+\s+At: \S+/fyne/v2@\S+/lang/locale\.go:\d+$`),
}

var once sync.Once

// Release ends the capture: stderr is the real one again, and what was written to it since the
// program started is copied there, less the lines Noise matches. Later calls do nothing.
func Release() {
	once.Do(func() {
		fd := int(C.rethink_quiet_stop())
		if fd < 0 {
			return
		}
		f := os.NewFile(uintptr(fd), "captured stderr")
		defer f.Close()
		Filter(f, os.Stderr)
	})
}

// Filter copies r to w line by line, dropping the lines Noise matches.
func Filter(r io.Reader, w io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	for sc.Scan() {
		line := sc.Text()
		if isNoise(line) {
			continue
		}
		bw.WriteString(line)
		bw.WriteByte('\n')
	}
}

func isNoise(line string) bool {
	for _, re := range Noise {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}
