package tfgraph

/*
#cgo LDFLAGS: -ltensorflow -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <tensorflow/c/c_api.h>

// rethink_tf_path is the file TF_Version was loaded from: the libtensorflow_cc.so.2 in use.
static const char* rethink_tf_path(void) {
	Dl_info info;
	if (dladdr((void*)TF_Version, &info) && info.dli_fname) return info.dli_fname;
	return "";
}

// rethink_kernels serializes the KernelList of the kernels registered for op; *len gets its size.
static void* rethink_kernels(const char* op, size_t* len, char** err) {
	TF_Status* st = TF_NewStatus();
	TF_Buffer* buf = TF_GetRegisteredKernelsForOp(op, st);
	void* out = NULL;
	*len = 0;
	*err = NULL;
	if (TF_GetCode(st) != TF_OK) {
		const char* m = TF_Message(st);
		*err = malloc(strlen(m) + 1);
		strcpy(*err, m);
	} else if (buf) {
		out = malloc(buf->length ? buf->length : 1);
		memcpy(out, buf->data, buf->length);
		*len = buf->length;
	}
	if (buf) TF_DeleteBuffer(buf);
	TF_DeleteStatus(st);
	return out;
}
*/
import "C"

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unsafe"

	kpb "github.com/wamuir/graft/tensorflow/core/framework/kernel_def_go_proto"
	"google.golang.org/protobuf/proto"
)

// Build says which TensorFlow library this process loaded.
type Build struct {
	Version string // TensorFlow's version, e.g. "2.18.1"
	// CUDA is true for the CUDA build: GPU kernels are registered for MatMul. The CPU build
	// registers CPU kernels only. It says nothing about whether a GPU can be used.
	CUDA bool
	// LibDir is the folder of the libtensorflow_cc.so.2 in use (resolved through symlinks);
	// TensorFlow's loader also looks there for the CUDA libraries.
	LibDir string
	// From <LibDir>/../BUILD_INFO.py, the wheel's build_info that scripts/setup keeps: the CUDA
	// and cuDNN versions the build was made for, and the GPU architectures it carries compiled
	// code (sm_XX) or PTX (compute_XX) for. Empty when the file is not there.
	CUDAVersion, CuDNNVersion string
	ComputeCapabilities       []string
}

// LoadedBuild inspects the TensorFlow library in this process. It is cheap (no session, no GPU).
func LoadedBuild() (Build, error) {
	b := Build{Version: Version()}
	if p := C.GoString(C.rethink_tf_path()); p != "" {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		b.LibDir = filepath.Dir(p)
	}
	devs, err := kernelDevices("MatMul")
	if err != nil {
		return b, err
	}
	for _, d := range devs {
		if d == "GPU" {
			b.CUDA = true
		}
	}
	if b.LibDir != "" {
		if text, err := os.ReadFile(filepath.Join(b.LibDir, "..", "BUILD_INFO.py")); err == nil {
			b.CUDAVersion, b.CuDNNVersion, b.ComputeCapabilities = parseBuildInfo(string(text))
		}
	}
	return b, nil
}

// kernelDevices lists the device types (CPU, GPU, ...) of the kernels registered for op.
func kernelDevices(op string) ([]string, error) {
	cop := C.CString(op)
	defer C.free(unsafe.Pointer(cop))
	var n C.size_t
	var cerr *C.char
	data := C.rethink_kernels(cop, &n, &cerr)
	if cerr != nil {
		defer C.free(unsafe.Pointer(cerr))
		return nil, fmt.Errorf("tfgraph: kernels of %s: %s", op, C.GoString(cerr))
	}
	if data == nil {
		return nil, nil
	}
	defer C.free(data)
	var list kpb.KernelList
	if err := proto.Unmarshal(C.GoBytes(data, C.int(n)), &list); err != nil {
		return nil, fmt.Errorf("tfgraph: kernels of %s: %w", op, err)
	}
	var out []string
	seen := map[string]bool{}
	for _, k := range list.Kernel {
		if !seen[k.DeviceType] {
			seen[k.DeviceType] = true
			out = append(out, k.DeviceType)
		}
	}
	return out, nil
}

var (
	buildInfoString = regexp.MustCompile(`\('(cuda_version|cudnn_version)',\s*'([^']*)'\)`)
	buildInfoCaps   = regexp.MustCompile(`\('cuda_compute_capabilities',\s*\[([^\]]*)\]\)`)
)

// parseBuildInfo reads the versions and architectures out of a wheel's build_info.py.
func parseBuildInfo(text string) (cuda, cudnn string, caps []string) {
	for _, m := range buildInfoString.FindAllStringSubmatch(text, -1) {
		if m[1] == "cuda_version" {
			cuda = m[2]
		} else {
			cudnn = m[2]
		}
	}
	if m := buildInfoCaps.FindStringSubmatch(text); m != nil {
		for _, c := range strings.Split(m[1], ",") {
			if c = strings.Trim(strings.TrimSpace(c), `'"`); c != "" {
				caps = append(caps, c)
			}
		}
	}
	return cuda, cudnn, caps
}

// String is one line for `rethink version`, e.g. "TensorFlow 2.18.1, CPU build" or
// "TensorFlow 2.18.1, CUDA build for CUDA 12.5.1 and cuDNN 9 (code for sm_60 ...)".
func (b Build) String() string {
	if !b.CUDA {
		return fmt.Sprintf("TensorFlow %s, CPU build", b.Version)
	}
	s := fmt.Sprintf("TensorFlow %s, CUDA build", b.Version)
	if b.CUDAVersion != "" {
		s += fmt.Sprintf(" for CUDA %s and cuDNN %s", b.CUDAVersion, b.CuDNNVersion)
	}
	if len(b.ComputeCapabilities) > 0 {
		s += " (GPU code for " + strings.Join(b.ComputeCapabilities, " ") + ")"
	}
	return s
}
