//go:build linux

package main

/*
#cgo CFLAGS: -I${SRCDIR}
#define _GNU_SOURCE
#include "tfgraph/quiet/preinit.h"

// bin/rethink: TensorFlow's environment and the stderr filter (see preinit.h); the locale is
// the app's business (launch.go sets LANG for it).
static void rethink_tfenv(int argc, char **argv, char **envp) { rethink_preinit(argc, argv, envp, 0); }

__attribute__((section(".preinit_array"), used)) static void (*rethink_tfenv_preinit)(int, char **, char **) = rethink_tfenv;
*/
import "C"

// stopStderrFilter puts the real stderr back and waits for the filter to pass on every line it
// holds (see rethink_quiet_stop); safe to call more than once.
func stopStderrFilter() { C.rethink_quiet_stop() }
