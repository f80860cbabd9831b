package tfgraph

/*
#cgo LDFLAGS: -ldl
// No <sys/socket.h> here: its bind would clash with the exported one's Go-made signature.
void rethink_set_loopback_only(int on);
int rethink_bind(int fd, const void *addr, unsigned int len);
*/
import "C"

import (
	"sync"
	"unsafe"
)

// bind replaces libc's bind(2) in this program (see loopback.c): TensorFlow's gRPC server
// binds "0.0.0.0:port" whatever host it is given, and withLoopbackOnly makes that 127.0.0.1.
//
//export bind
func bind(fd C.int, addr unsafe.Pointer, length C.uint) C.int {
	return C.rethink_bind(fd, addr, length)
}

var loopbackMu sync.Mutex

// withLoopbackOnly runs f, which creates a TensorFlow server, with wildcard binds turned into
// loopback ones when on.
func withLoopbackOnly(on bool, f func()) {
	if !on {
		f()
		return
	}
	loopbackMu.Lock()
	defer loopbackMu.Unlock()
	C.rethink_set_loopback_only(1)
	defer C.rethink_set_loopback_only(0)
	f()
}
