// noise.h: the lines of library noise that bin/rethink keeps off stderr, and the filter that
// drops them. It is C so that the filter can run in a process forked before the Go runtime and
// TensorFlow start (tfenv_preinit_linux.go); rethink/tfgraph/quiet reads the same list from Go.
// Keep the list short and precise: a line is dropped only when it starts with prefix and ends
// with suffix, and nothing a user needs may match.

#ifndef RETHINK_QUIET_NOISE_H
#define RETHINK_QUIET_NOISE_H

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *prefix, *suffix, *why;
} rethink_noise[] = {
	{"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR", "",
	 "Abseil's note, printed by a private copy of Abseil inside libtensorflow_cc before TensorFlow's "
	 "first log line; TF_CPP_MIN_LOG_LEVEL does not reach it"},
	{"I", "] MLIR V1 optimization pass is not enabled",
	 "an informational line of TensorFlow's graph optimizer (mlir_graph_optimization_pass.cc) at the "
	 "first session run, logged through the same private Abseil"},
	{"E", "when one has already been registered",
	 "TensorFlow's CUDA build: its two libraries each register the cuFFT, cuDNN and cuBLAS plugins "
	 "from static initializers (\"Unable to register cuFFT factory: ...\"), six lines on every start"},
	{"I", "To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
	 "TensorFlow's notice that its oneDNN kernels are on, which rethink turns on on purpose "
	 "(tfgraph.LoadEnv)"},
};

// rethink_is_noise reports whether the line s of n bytes (without its newline) is noise.
static int rethink_is_noise(const char *s, size_t n) {
	if (n > 0 && s[n - 1] == '\r') n--;
	for (size_t i = 0; i < sizeof rethink_noise / sizeof rethink_noise[0]; i++) {
		size_t p = strlen(rethink_noise[i].prefix), q = strlen(rethink_noise[i].suffix);
		if (n >= p + q && memcmp(s, rethink_noise[i].prefix, p) == 0 && memcmp(s + n - q, rethink_noise[i].suffix, q) == 0) {
			if (q == 0 && n != p) continue; // no suffix: the whole line is the prefix
			return 1;
		}
	}
	return 0;
}

static void rethink_write_all(int fd, const char *s, size_t n) {
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return;
		s += w;
		n -= (size_t)w;
	}
}

// rethink_filter copies the lines read from in to out, less the noise, until the end of in. A
// piece of a line without its newline is passed on as it is after 100 ms without more, and a
// line longer than the buffer in pieces, so that nothing waits long or is lost.
static void rethink_filter(int in, int out) {
	static char buf[1 << 16];
	size_t have = 0;
	for (;;) {
		if (have > 0) {
			struct pollfd pfd = {.fd = in, .events = POLLIN};
			int r = poll(&pfd, 1, 100);
			if (r < 0 && errno == EINTR) continue;
			if (r == 0) {
				rethink_write_all(out, buf, have);
				have = 0;
				continue;
			}
		}
		ssize_t n = read(in, buf + have, sizeof buf - have);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) {
			if (have > 0 && !rethink_is_noise(buf, have)) rethink_write_all(out, buf, have);
			return;
		}
		have += (size_t)n;
		size_t start = 0;
		for (size_t i = 0; i < have; i++) {
			if (buf[i] != '\n') continue;
			if (!rethink_is_noise(buf + start, i - start)) rethink_write_all(out, buf + start, i + 1 - start);
			start = i + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == sizeof buf) {
			rethink_write_all(out, buf, have);
			have = 0;
		}
	}
}

#endif
