package main

// Mesa's drivers and libtensorflow in one process.
//
// libtensorflow exports its own copy of LLVM (about 3,600 llvm:: symbols, a newer LLVM than
// the system's). Mesa's llvmpipe software renderer, and its hardware drivers that compile
// shaders with LLVM, link the system's libLLVM; loaded into this process, their calls and
// libLLVM's own data references bind first to libtensorflow's exports, of another version,
// and the first draw crashes (SIGSEGV in glDrawArrays under Xvfb). The dlopen below is found
// before libc's by every library of the process (the executable is first in the global
// scope: -rdynamic puts it in the dynamic symbol table), and it opens Mesa's drivers
// (*_dri.so, which Mesa's GLX loader dlopens) with RTLD_DEEPBIND: a driver and its libLLVM
// bind to their own symbols before the global ones, so both LLVMs live side by side.
// Every other dlopen is passed on unchanged. Without it the app had to fall back to
// softpipe, an interpreter that drew each frame of this window 10 times slower.

/*
#cgo LDFLAGS: -rdynamic
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

void *dlopen(const char *file, int mode) {
	static void *(*next)(const char *, int);
	if (!next) next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	if (file && strstr(file, "_dri.so")) mode |= RTLD_DEEPBIND;
	return next(file, mode);
}
*/
import "C"
