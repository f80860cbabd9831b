// Package quiet holds the list of known library noise that bin/rethink keeps off stderr
// (noise.h) and its filter, in C: bin/rethink forks the filter before the Go runtime and
// TensorFlow start (tfenv_preinit_linux.go), so that every line written to stderr, by Go or by
// TensorFlow's C++, passes through it, and none is lost however the program ends. Add a pattern
// in noise.h.
package quiet

/*
#include <stdlib.h>
#include "noise.h"

static int rethink_noise_count(void) { return sizeof rethink_noise / sizeof rethink_noise[0]; }
static const char *rethink_noise_why(int i) { return rethink_noise[i].why; }
*/
import "C"

import "unsafe"

// IsNoise reports whether line (without its newline) is known noise, by the filter's own rule.
func IsNoise(line string) bool {
	s := C.CString(line)
	defer C.free(unsafe.Pointer(s))
	return C.rethink_is_noise(s, C.size_t(len(line))) != 0
}

// Why says, for each pattern of the list, what the noise is and why it is dropped.
func Why() []string {
	var out []string
	for i := range int(C.rethink_noise_count()) {
		out = append(out, C.GoString(C.rethink_noise_why(C.int(i))))
	}
	return out
}

// Filter copies the lines read from in to out, less the noise, until the end of in: the
// filter bin/rethink runs (exposed for tests).
func Filter(in, out int) { C.rethink_filter(C.int(in), C.int(out)) }
