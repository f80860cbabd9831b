/* A stand-in for the NVIDIA driver library, libcuda.so.1, for machines without a GPU: it
 * answers cuInit, cuDriverGetVersion and the device and context queries a CUDA program makes at
 * start-up for one device (a compute capability 8.0 GPU with 1 GiB), so that TensorFlow's CUDA
 * build goes past driver initialisation. It runs no kernels and allocates nothing: every other
 * entry point (cuGetProcAddress, which libcudart uses, among them) fails.
 *
 * Built by the tfgraph tests and by make check-gpu:
 *   gcc -shared -fPIC -o libcuda.so.1 -Wl,-soname,libcuda.so.1 fakecuda.c
 * Environment: FAKE_CUDA_DRIVER_VERSION (default 12050, i.e. CUDA 12.5), FAKE_CUDA_INIT_RESULT
 * (cuInit's result, default 0), FAKE_CUDA_DEVICES (default 1). FAKE_CUDA_TRACE=1 prints each call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void* CUcontext;

static int env_int(const char* name, int def) {
	const char* v = getenv(name);
	return v && *v ? atoi(v) : def;
}

static void trace(const char* fn) {
	if (env_int("FAKE_CUDA_TRACE", 0)) fprintf(stderr, "fakecuda: %s\n", fn);
}

static int inited;
static char ctx_storage[64];
static CUcontext current;

CUresult cuDriverGetVersion(int* v) { trace(__func__); if (!v) return 1; *v = env_int("FAKE_CUDA_DRIVER_VERSION", 12050); return 0; }
CUresult cuInit(unsigned flags) {
	(void)flags;
	trace(__func__);
	int r = env_int("FAKE_CUDA_INIT_RESULT", 0);
	inited = r == 0;
	return r;
}
CUresult cuDeviceGetCount(int* n) { trace(__func__); if (!inited) return 3; *n = env_int("FAKE_CUDA_DEVICES", 1); return 0; }
CUresult cuDeviceGet(CUdevice* d, int ordinal) {
	trace(__func__);
	if (!inited) return 3;
	if (ordinal < 0 || ordinal >= env_int("FAKE_CUDA_DEVICES", 1)) return 101; /* CUDA_ERROR_INVALID_DEVICE */
	*d = ordinal;
	return 0;
}
CUresult cuDeviceGetName(char* name, int len, CUdevice d) { (void)d; trace(__func__); snprintf(name, len, "rethink stand-in GPU"); return 0; }
CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice d) { (void)d; trace(__func__); *bytes = (size_t)1 << 30; return 0; }
CUresult cuDeviceTotalMem(size_t* bytes, CUdevice d) { return cuDeviceTotalMem_v2(bytes, d); }
CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice d) { (void)d; trace(__func__); *major = 8; *minor = 0; return 0; }
CUresult cuDeviceGetPCIBusId(char* id, int len, CUdevice d) { trace(__func__); snprintf(id, len, "0000:%02x:00.0", d + 1); return 0; }
CUresult cuDeviceGetUuid(char* uuid, CUdevice d) { trace(__func__); memset(uuid, 0, 16); uuid[0] = (char)(d + 1); return 0; }
CUresult cuDeviceGetUuid_v2(char* uuid, CUdevice d) { return cuDeviceGetUuid(uuid, d); }
CUresult cuDeviceCanAccessPeer(int* can, CUdevice a, CUdevice b) { (void)a; (void)b; trace(__func__); *can = 0; return 0; }

CUresult cuDeviceGetAttribute(int* v, int attr, CUdevice d) {
	(void)d;
	trace(__func__);
	switch (attr) {
	case 1: *v = 1024; break;                 /* max threads per block */
	case 2: case 3: *v = 1024; break;         /* max block dim x, y */
	case 4: *v = 64; break;                   /* max block dim z */
	case 5: *v = 2147483647; break;           /* max grid dim x */
	case 6: case 7: *v = 65535; break;        /* max grid dim y, z */
	case 8: *v = 49152; break;                /* shared memory per block */
	case 9: *v = 65536; break;                /* total constant memory */
	case 10: *v = 32; break;                  /* warp size */
	case 12: *v = 65536; break;               /* registers per block */
	case 13: *v = 1410000; break;             /* clock rate, kHz */
	case 16: *v = 1; break;                   /* multiprocessors */
	case 36: *v = 1215000; break;             /* memory clock, kHz */
	case 37: *v = 5120; break;                /* memory bus width, bits */
	case 38: *v = 40 << 20; break;            /* L2 cache */
	case 39: *v = 2048; break;                /* max threads per multiprocessor */
	case 75: *v = 8; break;                   /* compute capability major */
	case 76: *v = 0; break;                   /* compute capability minor */
	case 81: *v = 167936; break;              /* shared memory per multiprocessor */
	case 82: *v = 65536; break;               /* registers per multiprocessor */
	case 97: *v = 166912; break;              /* shared memory per block, opt-in */
	default: *v = 0;
	}
	return 0;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* c, CUdevice d) { (void)d; trace(__func__); *c = ctx_storage; return 0; }
CUresult cuDevicePrimaryCtxRelease(CUdevice d) { (void)d; trace(__func__); return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) { return cuDevicePrimaryCtxRelease(d); }
CUresult cuDevicePrimaryCtxGetState(CUdevice d, unsigned* flags, int* active) { (void)d; trace(__func__); *flags = 0; *active = current != NULL; return 0; }
CUresult cuDevicePrimaryCtxSetFlags(CUdevice d, unsigned flags) { (void)d; (void)flags; trace(__func__); return 0; }
CUresult cuDevicePrimaryCtxSetFlags_v2(CUdevice d, unsigned flags) { return cuDevicePrimaryCtxSetFlags(d, flags); }
CUresult cuCtxSetCurrent(CUcontext c) { trace(__func__); current = c; return 0; }
CUresult cuCtxGetCurrent(CUcontext* c) { trace(__func__); *c = current; return 0; }
CUresult cuCtxPushCurrent(CUcontext c) { trace(__func__); current = c; return 0; }
CUresult cuCtxPushCurrent_v2(CUcontext c) { return cuCtxPushCurrent(c); }
CUresult cuCtxPopCurrent(CUcontext* c) { trace(__func__); if (c) *c = current; return 0; }
CUresult cuCtxPopCurrent_v2(CUcontext* c) { return cuCtxPopCurrent(c); }
CUresult cuCtxGetDevice(CUdevice* d) { trace(__func__); *d = 0; return 0; }
CUresult cuCtxGetFlags(unsigned* f) { trace(__func__); *f = 0; return 0; }
CUresult cuCtxSynchronize(void) { trace(__func__); return 0; }
CUresult cuCtxGetApiVersion(CUcontext c, unsigned* v) { (void)c; trace(__func__); *v = 3020; return 0; }
CUresult cuMemGetInfo(size_t* free_, size_t* total) { trace(__func__); *free_ = (size_t)1 << 29; *total = (size_t)1 << 30; return 0; }
CUresult cuMemGetInfo_v2(size_t* free_, size_t* total) { return cuMemGetInfo(free_, total); }

/* libcudart looks up every driver entry point through cuGetProcAddress; the stand-in has none
 * to give, so the runtime API cannot start (CUDA_ERROR_NOT_FOUND). */
CUresult cuGetProcAddress(const char* sym, void** fn, int v, unsigned long long flags) { (void)v; (void)flags; trace(__func__); if (getenv("FAKE_CUDA_TRACE")) fprintf(stderr, "fakecuda:   %s\n", sym); *fn = NULL; return 500; }
CUresult cuGetProcAddress_v2(const char* sym, void** fn, int v, unsigned long long flags, int* status) { if (status) *status = 1; return cuGetProcAddress(sym, fn, v, flags); }
CUresult cuGetExportTable(const void** table, const void* id) { (void)id; trace(__func__); *table = NULL; return 500; }

CUresult cuGetErrorName(CUresult e, const char** s) {
	switch (e) {
	case 0: *s = "CUDA_SUCCESS"; break;
	case 3: *s = "CUDA_ERROR_NOT_INITIALIZED"; break;
	case 100: *s = "CUDA_ERROR_NO_DEVICE"; break;
	case 101: *s = "CUDA_ERROR_INVALID_DEVICE"; break;
	case 500: *s = "CUDA_ERROR_NOT_FOUND"; break;
	case 804: *s = "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"; break;
	case 999: *s = "CUDA_ERROR_UNKNOWN"; break;
	default: *s = "CUDA_ERROR_UNKNOWN"; return 1;
	}
	return 0;
}
CUresult cuGetErrorString(CUresult e, const char** s) { return cuGetErrorName(e, s); }
