// TensorFlow's gRPC server listens on "0.0.0.0:port" whatever host its cluster names. The Go
// function bind (loopback.go), exported by the executable, comes before libc's bind for the
// TensorFlow library; it calls rethink_bind, which turns a wildcard address into the loopback
// one (127.0.0.1, or ::ffff:127.0.0.1 on a dual-stack IPv6 socket) while loopback_only is set,
// and leaves every other bind to libc.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static int loopback_only = 0;

void rethink_set_loopback_only(int on) { __atomic_store_n(&loopback_only, on, __ATOMIC_SEQ_CST); }

int rethink_bind(int fd, const void *p, unsigned int len) {
	const struct sockaddr *addr = p;
	static int (*real)(int, const struct sockaddr *, socklen_t);
	if (!real) {
		real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
	}
	if (__atomic_load_n(&loopback_only, __ATOMIC_SEQ_CST) && addr != NULL) {
		if (addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
			struct sockaddr_in a;
			memcpy(&a, addr, sizeof a);
			if (a.sin_addr.s_addr == htonl(INADDR_ANY)) {
				a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
				return real(fd, (const struct sockaddr *)&a, sizeof a);
			}
		} else if (addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
			struct sockaddr_in6 a;
			memcpy(&a, addr, sizeof a);
			if (IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr)) {
				static const unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
				memcpy(&a.sin6_addr, mapped, 16);
				return real(fd, (const struct sockaddr *)&a, sizeof a);
			}
		}
	}
	return real(fd, addr, len);
}
