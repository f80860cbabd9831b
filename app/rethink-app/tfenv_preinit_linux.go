//go:build linux

package main

/*
#cgo CFLAGS: -I${SRCDIR}/../..
#define _GNU_SOURCE
#include "tfgraph/quiet/preinit.h"

// bin/rethink-app: TensorFlow's environment, a locale Fyne can parse and the stderr filter, all
// before any library initializes (see preinit.h), so that a plain start prints nothing but
// real errors: not TensorFlow's oneDNN notice as it loads, not Fyne's "Error parsing user
// locale" from its Go init, not Abseil's and MLIR's lines at the first run.
static void rethink_app_preinit(int argc, char **argv, char **envp) { rethink_preinit(argc, argv, envp, 1); }

__attribute__((section(".preinit_array"), used)) static void (*rethink_app_preinit_fn)(int, char **, char **) = rethink_app_preinit;
*/
import "C"

// stopStderrFilter puts the real stderr back and waits for the filter to pass on every line it
// holds (see rethink_quiet_stop); safe to call more than once.
func stopStderrFilter() { C.rethink_quiet_stop() }
