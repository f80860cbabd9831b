package tfgraph

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	int opened;          // the driver library was found
	char err[512];       // dlerror when it was not
	int driver_version;  // cuDriverGetVersion: 1000*major + 10*minor
	int init_result;     // cuInit's result; -1 when not called
	char init_name[64];  // its name (cuGetErrorName)
	int count;           // cuDeviceGetCount
	char names[4][128];  // cuDeviceGetName of the first four
	int major[4], minor[4];
} rethink_cuda_probe;

// rethink_probe_driver opens the driver library lib and asks it what a CUDA program would:
// its version, then (when init) cuInit and the devices. It leaves the library loaded.
static void rethink_probe_driver(const char* lib, int init, rethink_cuda_probe* p) {
	memset(p, 0, sizeof *p);
	p->init_result = -1;
	void* h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(p->err, sizeof p->err, "%s", dlerror());
		return;
	}
	p->opened = 1;
	int (*version)(int*) = (int (*)(int*))dlsym(h, "cuDriverGetVersion");
	if (version) version(&p->driver_version);
	if (!init) return;
	int (*cu_init)(unsigned) = (int (*)(unsigned))dlsym(h, "cuInit");
	if (!cu_init) {
		snprintf(p->err, sizeof p->err, "%s has no cuInit", lib);
		return;
	}
	p->init_result = cu_init(0);
	if (p->init_result != 0) {
		int (*name)(int, const char**) = (int (*)(int, const char**))dlsym(h, "cuGetErrorName");
		const char* s = NULL;
		if (name && name(p->init_result, &s) == 0 && s) snprintf(p->init_name, sizeof p->init_name, "%s", s);
		else snprintf(p->init_name, sizeof p->init_name, "CUDA error %d", p->init_result);
		return;
	}
	int (*count)(int*) = (int (*)(int*))dlsym(h, "cuDeviceGetCount");
	int (*get)(int*, int) = (int (*)(int*, int))dlsym(h, "cuDeviceGet");
	int (*dname)(char*, int, int) = (int (*)(char*, int, int))dlsym(h, "cuDeviceGetName");
	int (*attr)(int*, int, int) = (int (*)(int*, int, int))dlsym(h, "cuDeviceGetAttribute");
	if (!count || count(&p->count) != 0) p->count = 0;
	for (int i = 0; i < p->count && i < 4; i++) {
		int d = 0;
		if (!get || get(&d, i) != 0) continue;
		if (dname) dname(p->names[i], sizeof p->names[i], d);
		if (attr) {
			attr(&p->major[i], 75, d);  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
			attr(&p->minor[i], 76, d);  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
		}
	}
}

// rethink_open opens name as TensorFlow's loader would (the library search path, which includes
// the RUNPATH of the binary), then as dir/name (libtensorflow's $ORIGIN). It returns the handle,
// or NULL with dlerror's message in err.
static void* rethink_open(const char* name, const char* dir, char* err, int n) {
	void* h = dlopen(name, RTLD_LAZY | RTLD_LOCAL);
	if (!h && dir[0]) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, name);
		h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	}
	if (!h) snprintf(err, n, "%s", dlerror());
	return h;
}

// rethink_lib_version opens name and calls its version function sym: int sym(int*) when
// by_pointer, size_t sym(void) otherwise. 0 when either is missing.
static long rethink_lib_version(const char* name, const char* dir, const char* sym, int by_pointer) {
	char err[512];
	void* h = rethink_open(name, dir, err, sizeof err);
	if (!h) return 0;
	long v = 0;
	void* f = dlsym(h, sym);
	if (f && by_pointer) {
		int x = 0;
		if (((int (*)(int*))f)(&x) == 0) v = x;
	} else if (f) {
		v = (long)((size_t (*)(void))f)();
	}
	dlclose(h);
	return v;
}

static int rethink_check_lib(const char* name, const char* dir, char* err, int n) {
	void* h = rethink_open(name, dir, err, n);
	if (!h) return 0;
	dlclose(h);
	return 1;
}
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// CUDALibraries are the sonames the CUDA build of TensorFlow 2.18 opens (its loader,
// xla/tsl/platform/default/dso_loader.cc: cudart, cuBLAS and cuBLASLt, cuFFT, cuSOLVER, cuSPARSE,
// CUPTI, cuDNN, NCCL), the ones those need (nvJitLink), cuDNN 9's sub-libraries, and the rest of
// the and-cuda extra (cuRAND, NVRTC). scripts/setup installs the same list (CUDA_SONAMES; a test
// keeps the two equal). The driver, libcuda.so.1, is not among them: it comes with the system.
var CUDALibraries = []string{
	"libcudart.so.12", "libcublas.so.12", "libcublasLt.so.12", "libcufft.so.11", "libcusolver.so.11",
	"libcusparse.so.12", "libcurand.so.10", "libcupti.so.12", "libnvrtc.so.12", "libnvJitLink.so.12",
	"libnccl.so.2", "libcudnn.so.9", "libcudnn_graph.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9",
	"libcudnn_adv.so.9", "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9",
	"libcudnn_heuristic.so.9",
}

// MinDriverCUDA is the CUDA version a driver must support for this build, as cuDriverGetVersion
// reports it (1000*major + 10*minor): CUDA 12.0, that is NVIDIA driver 525.60.13 or newer on Linux.
const MinDriverCUDA = 12000

// GPUProblem is why the CUDA build sees no GPU, checked in this order.
type GPUProblem int

const (
	GPUUsable            GPUProblem = iota // driver, libraries and a device answer
	NoDriver                               // libcuda.so.1 is not on the system
	DriverTooOld                           // the driver supports a CUDA older than 12.0
	CUDALibrariesMissing                   // some of CUDALibraries cannot be opened
	NoGPU                                  // the driver is there but reports no device
	GPUUnusable                            // a device is there but cuInit or its queries fail
)

// GPUDevice is a GPU as the driver reports it.
type GPUDevice struct {
	Name         string
	Major, Minor int // compute capability
}

// MissingLibrary is a CUDA library that could not be opened, with dlerror's reason.
type MissingLibrary struct{ Soname, Err string }

// GPUStatus is what the driver and the CUDA libraries answer in this process, independent of
// TensorFlow: it says why TensorFlow's CUDA build registered no GPU, as far as can be told.
type GPUStatus struct {
	Problem     GPUProblem
	DriverError string // dlerror when the driver library was not found
	// DriverCUDA is the CUDA version the driver supports, 1000*major + 10*minor; 0 when unknown.
	DriverCUDA int
	Missing    []MissingLibrary
	InitError  string // the name of cuInit's error, e.g. CUDA_ERROR_NO_DEVICE; "" when it succeeded
	Devices    []GPUDevice
	// RuntimeVersion (cudaRuntimeGetVersion, 1000*major + 10*minor) and CuDNNVersion
	// (cudnnGetVersion, e.g. 90300) of the libraries found; 0 when not found.
	RuntimeVersion, CuDNNVersion int
	LibDir                       string // where the libraries were looked for after the search path
}

// ProbeGPU asks the NVIDIA driver (libcuda.so.1) and the CUDA libraries TensorFlow opens, looked
// up as TensorFlow's loader does with libDir (Build.LibDir) as its $ORIGIN, what a CUDA program
// would see. It calls cuInit. Safe to call more than once; not concurrently with itself.
func ProbeGPU(libDir string) GPUStatus {
	return probeGPU("libcuda.so.1", libDir, CUDALibraries)
}

// probeGPU is ProbeGPU with the driver library and the sonames as arguments, for tests.
func probeGPU(driver, libDir string, sonames []string) GPUStatus {
	st := GPUStatus{LibDir: libDir}
	cdir := C.CString(libDir)
	defer C.free(unsafe.Pointer(cdir))
	var errbuf [512]C.char
	for _, name := range sonames {
		cname := C.CString(name)
		if C.rethink_check_lib(cname, cdir, &errbuf[0], C.int(len(errbuf))) == 0 {
			st.Missing = append(st.Missing, MissingLibrary{name, C.GoString(&errbuf[0])})
		}
		C.free(unsafe.Pointer(cname))
	}
	st.RuntimeVersion = libVersion("libcudart.so.12", cdir, "cudaRuntimeGetVersion", true)
	st.CuDNNVersion = libVersion("libcudnn.so.9", cdir, "cudnnGetVersion", false)

	var p C.rethink_cuda_probe
	cdriver := C.CString(driver)
	defer C.free(unsafe.Pointer(cdriver))
	C.rethink_probe_driver(cdriver, 0, &p)
	st.DriverCUDA = int(p.driver_version)
	switch {
	case p.opened == 0:
		st.Problem, st.DriverError = NoDriver, C.GoString(&p.err[0])
		return st
	case st.DriverCUDA < MinDriverCUDA:
		st.Problem = DriverTooOld
		return st
	}
	C.rethink_probe_driver(cdriver, 1, &p)
	for i := 0; i < int(p.count) && i < len(p.names); i++ {
		st.Devices = append(st.Devices, GPUDevice{C.GoString(&p.names[i][0]), int(p.major[i]), int(p.minor[i])})
	}
	switch {
	case len(st.Missing) > 0:
		st.Problem = CUDALibrariesMissing
	case p.init_result == 100: // CUDA_ERROR_NO_DEVICE
		st.Problem, st.InitError = NoGPU, C.GoString(&p.init_name[0])
	case p.init_result != 0:
		st.Problem, st.InitError = GPUUnusable, C.GoString(&p.init_name[0])
		if st.InitError == "" {
			st.InitError = C.GoString(&p.err[0])
		}
	case p.count == 0:
		st.Problem = NoGPU
	}
	return st
}

func libVersion(name string, dir *C.char, sym string, byPointer bool) int {
	cname, csym := C.CString(name), C.CString(sym)
	defer C.free(unsafe.Pointer(cname))
	defer C.free(unsafe.Pointer(csym))
	bp := C.int(0)
	if byPointer {
		bp = 1
	}
	return int(C.rethink_lib_version(cname, dir, csym, bp))
}

// cudaVersion formats 1000*major + 10*minor as "major.minor".
func cudaVersion(v int) string { return fmt.Sprintf("%d.%d", v/1000, v%1000/10) }

// cudnnVersion formats cudnnGetVersion's 10000*major + 100*minor + patch (cuDNN 9) as "9.3.0".
func cudnnVersion(v int) string { return fmt.Sprintf("%d.%d.%d", v/10000, v%10000/100, v%100) }

const cpuFix = "to run on the CPU meanwhile, add --set device=cpu to the command (or choose device cpu in the app), or switch to the CPU build: scripts/setup --cpu && make build"

// Explain says, for a build that registered no GPU, why, and what fixes it: one paragraph.
func (s GPUStatus) Explain(b Build) string {
	switch s.Problem {
	case NoDriver:
		return fmt.Sprintf("the CUDA build of TensorFlow sees no GPU: there is no NVIDIA driver (libcuda.so.1 not found: %s). Fix: install the NVIDIA driver, %s or newer, and reboot; %s.", s.DriverError, minDriver, cpuFix)
	case DriverTooOld:
		return fmt.Sprintf("the CUDA build of TensorFlow sees no GPU: the NVIDIA driver supports CUDA %s only, and this build needs CUDA 12 (driver %s or newer). Fix: update the NVIDIA driver; %s.", cudaVersion(s.DriverCUDA), minDriver, cpuFix)
	case CUDALibrariesMissing:
		names := make([]string, len(s.Missing))
		for i, m := range s.Missing {
			names[i] = m.Soname
		}
		first := s.Missing[0]
		return fmt.Sprintf("the CUDA build of TensorFlow sees no GPU: CUDA libraries are missing: %s (looked for on the library path, then in %s; %s: %s). Fix: scripts/setup --gpu repairs the install; if LD_LIBRARY_PATH points at a system CUDA, it is used first and must be complete; %s.", strings.Join(names, ", "), s.LibDir, first.Soname, first.Err, cpuFix)
	case NoGPU:
		why := "the NVIDIA driver is loaded but reports no GPU"
		if s.InitError != "" {
			why += " (cuInit: " + s.InitError + ")"
		}
		if v, set := os.LookupEnv("CUDA_VISIBLE_DEVICES"); set {
			why += "; CUDA_VISIBLE_DEVICES=" + strconv.Quote(v) + " hides GPUs"
		}
		return fmt.Sprintf("the CUDA build of TensorFlow sees no GPU: %s. Fix: check that nvidia-smi lists a GPU (in a container, pass it through, e.g. docker --gpus all); %s.", why, cpuFix)
	case GPUUnusable:
		return fmt.Sprintf("the CUDA build of TensorFlow sees no GPU: a GPU is there but cannot be used (cuInit: %s). Fix: check nvidia-smi; after a driver update, reboot so that the kernel module matches the driver library; check the permissions of /dev/nvidia*; %s.", s.InitError, cpuFix)
	}
	if old := s.unsupported(b); old != "" {
		return fmt.Sprintf("the CUDA build of TensorFlow sees no GPU: %s, and this build carries GPU code for %s only. Fix: %s.", old, strings.Join(b.ComputeCapabilities, " "), cpuFix)
	}
	return fmt.Sprintf("the CUDA build of TensorFlow registered no GPU although the driver (CUDA %s), the CUDA libraries and %d GPU(s) answer; TensorFlow's own log lines above say why (run with TF_CPP_MIN_LOG_LEVEL=0 for more). Fix: %s.", cudaVersion(s.DriverCUDA), len(s.Devices), cpuFix)
}

// unsupported names the first device whose compute capability is older than the oldest the
// build has code for, or "".
func (s GPUStatus) unsupported(b Build) string {
	oldest := 0
	for _, c := range b.ComputeCapabilities {
		num := strings.TrimPrefix(strings.TrimPrefix(c, "sm_"), "compute_")
		if v, err := strconv.Atoi(num); err == nil && (oldest == 0 || v < oldest) {
			oldest = v
		}
	}
	for _, d := range s.Devices {
		if oldest > 0 && d.Major*10+d.Minor < oldest {
			return fmt.Sprintf("%s has compute capability %d.%d", d.Name, d.Major, d.Minor)
		}
	}
	return ""
}

const minDriver = "525.60.13"

// Summary is one line about the GPU side for `rethink devices`: the driver and the libraries
// found, and the devices the driver reports.
func (s GPUStatus) Summary() string {
	var parts []string
	if s.DriverCUDA > 0 {
		parts = append(parts, "driver supports CUDA "+cudaVersion(s.DriverCUDA))
	}
	if s.RuntimeVersion > 0 {
		parts = append(parts, "cudart "+cudaVersion(s.RuntimeVersion))
	}
	if s.CuDNNVersion > 0 {
		parts = append(parts, "cuDNN "+cudnnVersion(s.CuDNNVersion))
	}
	for _, d := range s.Devices {
		parts = append(parts, fmt.Sprintf("%s (compute capability %d.%d)", d.Name, d.Major, d.Minor))
	}
	return strings.Join(parts, ", ")
}

// WhyNoGPU explains, for `rethink devices` and for a run that wanted a GPU, why TensorFlow lists
// none, with the fixes. It probes the driver (ProbeGPU) only for the CUDA build.
func WhyNoGPU() string {
	b, err := LoadedBuild()
	if err != nil {
		return "cannot tell which TensorFlow build is loaded: " + err.Error()
	}
	if !b.CUDA {
		return "this is the CPU build of TensorFlow: it never uses a GPU. On Linux with an NVIDIA GPU, scripts/setup --gpu installs the CUDA build (then make build)."
	}
	st := ProbeGPU(b.LibDir)
	if err := gpuStartError(); err != nil && st.Problem == GPUUsable {
		return st.startFailed(err)
	}
	return st.Explain(b)
}

var startErr struct {
	sync.Mutex
	err error
}

// noteGPUStartError keeps the error of a session that failed to start on the GPU, for WhyNoGPU.
func noteGPUStartError(err error) {
	startErr.Lock()
	startErr.err = err
	startErr.Unlock()
}

func gpuStartError() error {
	startErr.Lock()
	defer startErr.Unlock()
	return startErr.err
}

// startFailed explains a GPU that the driver reports but on which TensorFlow could not start.
func (s GPUStatus) startFailed(err error) string {
	var devs []string
	for _, d := range s.Devices {
		devs = append(devs, fmt.Sprintf("%s (compute capability %d.%d)", d.Name, d.Major, d.Minor))
	}
	return fmt.Sprintf("the driver (CUDA %s) reports %s, but TensorFlow's CUDA build could not start on it (%v). Fix: update the NVIDIA driver (%s or newer; the CUDA runtime here is %s), check that nvidia-smi works and that no other program holds the GPU exclusively; %s.",
		cudaVersion(s.DriverCUDA), strings.Join(devs, ", "), err, minDriver, cudaVersion(s.RuntimeVersion), cpuFix)
}

// BuildReport is what `rethink version` and `rethink devices` say about the library: the build
// (CPU or CUDA, and the CUDA and cuDNN versions it was made for), where it was loaded from, and
// for the CUDA build the versions of the CUDA runtime, cuDNN and driver found (without cuInit).
func BuildReport() string {
	b, err := LoadedBuild()
	if err != nil {
		return fmt.Sprintf("TensorFlow %s (build unknown: %v)", Version(), err)
	}
	s := b.String() + "\nlibrary: " + b.LibDir
	if !b.CUDA {
		return s
	}
	cdir := C.CString(b.LibDir)
	defer C.free(unsafe.Pointer(cdir))
	found := "found: cudart "
	if v := libVersion("libcudart.so.12", cdir, "cudaRuntimeGetVersion", true); v > 0 {
		found += cudaVersion(v)
	} else {
		found += "none"
	}
	found += ", cuDNN "
	if v := libVersion("libcudnn.so.9", cdir, "cudnnGetVersion", false); v > 0 {
		found += cudnnVersion(v)
	} else {
		found += "none"
	}
	var p C.rethink_cuda_probe
	cdriver := C.CString("libcuda.so.1")
	defer C.free(unsafe.Pointer(cdriver))
	C.rethink_probe_driver(cdriver, 0, &p)
	switch {
	case p.opened == 0:
		found += ", NVIDIA driver none (no libcuda.so.1)"
	default:
		found += ", NVIDIA driver for CUDA " + cudaVersion(int(p.driver_version))
	}
	return s + "\n" + found
}
