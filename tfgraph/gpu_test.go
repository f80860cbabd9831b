package tfgraph

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	pb "github.com/wamuir/graft/tensorflow/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// fakeDriver builds testdata/fakecuda.c, the stand-in libcuda.so.1 make check-gpu uses too,
// once per test binary.
var fakeDriver = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "rethink-fakecuda")
	if err != nil {
		return "", err
	}
	lib := filepath.Join(dir, "libcuda.so.1")
	out, err := exec.Command("gcc", "-shared", "-fPIC", "-o", lib, "-Wl,-soname,libcuda.so.1", "testdata/fakecuda.c").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return lib, nil
})

func driver(t *testing.T) string {
	t.Helper()
	lib, err := fakeDriver()
	if err != nil {
		t.Fatalf("building the stand-in libcuda.so.1 (gcc is needed, as for cgo): %v", err)
	}
	return lib
}

// sharedLib compiles an empty shared library named name into dir.
func sharedLib(t *testing.T, dir, name string) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "empty.c")
	os.WriteFile(src, []byte("int rethink_empty;\n"), 0o644)
	if out, err := exec.Command("gcc", "-shared", "-fPIC", "-o", filepath.Join(dir, name), src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
}

func TestProbeGPU_Problems(t *testing.T) {
	drv := driver(t)
	libs := t.TempDir()
	sharedLib(t, libs, "librethink-present.so.1")
	present := []string{"librethink-present.so.1"}
	cuda := Build{Version: "2.18.1", CUDA: true, CUDAVersion: "12.5.1", CuDNNVersion: "9",
		ComputeCapabilities: []string{"sm_60", "sm_70", "sm_80", "sm_89", "compute_90"}}

	cases := []struct {
		name    string
		driver  string
		env     map[string]string
		sonames []string
		want    GPUProblem
		says    []string
	}{
		{"no driver", filepath.Join(t.TempDir(), "libcuda.so.1"), nil, present, NoDriver,
			[]string{"no NVIDIA driver", "libcuda.so.1 not found", "525.60.13"}},
		{"old driver", drv, map[string]string{"FAKE_CUDA_DRIVER_VERSION": "11080"}, present, DriverTooOld,
			[]string{"supports CUDA 11.8 only", "525.60.13"}},
		{"libraries missing", drv, nil, append([]string{"librethink-absent.so.12"}, present...), CUDALibrariesMissing,
			[]string{"CUDA libraries are missing: librethink-absent.so.12 (", libs, "scripts/setup --gpu repairs", "LD_LIBRARY_PATH"}},
		{"no device", drv, map[string]string{"FAKE_CUDA_INIT_RESULT": "100"}, present, NoGPU,
			[]string{"reports no GPU (cuInit: CUDA_ERROR_NO_DEVICE)", "nvidia-smi"}},
		{"unusable", drv, map[string]string{"FAKE_CUDA_INIT_RESULT": "999"}, present, GPUUnusable,
			[]string{"cannot be used (cuInit: CUDA_ERROR_UNKNOWN)", "/dev/nvidia"}},
		{"usable", drv, nil, present, GPUUsable,
			[]string{"driver (CUDA 12.5), the CUDA libraries and 1 GPU(s) answer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			st := probeGPU(c.driver, libs, c.sonames)
			if st.Problem != c.want {
				t.Fatalf("problem %d, want %d (%+v)", st.Problem, c.want, st)
			}
			msg := st.Explain(cuda)
			for _, s := range append(c.says, "--set device=cpu", "scripts/setup --cpu") {
				if !strings.Contains(msg, s) {
					t.Errorf("explanation lacks %q:\n%s", s, msg)
				}
			}
			if c.want == CUDALibrariesMissing && (len(st.Missing) != 1 || st.Missing[0].Soname != "librethink-absent.so.12") {
				t.Errorf("missing %+v, want only librethink-absent.so.12", st.Missing)
			}
		})
	}
}

func TestProbeGPU_Devices(t *testing.T) {
	st := probeGPU(driver(t), t.TempDir(), nil)
	want := []GPUDevice{{"rethink stand-in GPU", 8, 0}}
	if st.Problem != GPUUsable || !slices.Equal(st.Devices, want) || st.DriverCUDA != 12050 {
		t.Fatalf("got %+v, want one usable stand-in GPU of compute capability 8.0 with a CUDA 12.5 driver", st)
	}
	// A build without code for the device's architecture says so.
	msg := st.Explain(Build{CUDA: true, ComputeCapabilities: []string{"sm_90", "compute_90"}})
	if !strings.Contains(msg, "rethink stand-in GPU has compute capability 8.0") || !strings.Contains(msg, "sm_90 compute_90 only") {
		t.Errorf("explanation for an unsupported GPU:\n%s", msg)
	}
	// A session that failed on a GPU the driver reports: TensorFlow's error and the CPU fix.
	msg = st.startFailed(errors.New("cudaGetDevice() failed. Status: CUDA driver version is insufficient for CUDA runtime version"))
	for _, s := range []string{"reports rethink stand-in GPU (compute capability 8.0)", "cudaGetDevice() failed", "525.60.13", "--set device=cpu"} {
		if !strings.Contains(msg, s) {
			t.Errorf("start failure lacks %q:\n%s", s, msg)
		}
	}
}

// TestCUDALibrariesMatchSetup: scripts/setup installs and checks exactly the sonames this
// package probes.
func TestCUDALibrariesMatchSetup(t *testing.T) {
	script, err := os.ReadFile("../scripts/setup")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)\nCUDA_SONAMES="([^"]*)"`).FindSubmatch(script)
	if m == nil {
		t.Fatal("no CUDA_SONAMES in scripts/setup")
	}
	got := strings.Fields(string(m[1]))
	if !slices.Equal(got, CUDALibraries) {
		t.Errorf("scripts/setup CUDA_SONAMES %v\ntfgraph.CUDALibraries    %v", got, CUDALibraries)
	}
}

func TestLoadedBuild(t *testing.T) {
	b, err := LoadedBuild()
	if err != nil {
		t.Fatal(err)
	}
	if b.Version != Version() || b.Version == "" {
		t.Errorf("version %q, want %q", b.Version, Version())
	}
	if _, err := os.Stat(filepath.Join(b.LibDir, "libtensorflow_cc.so.2")); err != nil {
		t.Errorf("LibDir %q does not hold the loaded libtensorflow_cc.so.2: %v", b.LibDir, err)
	}
	devs, err := kernelDevices("MatMul")
	if err != nil || !slices.Contains(devs, "CPU") {
		t.Errorf("MatMul kernels on %v (%v), want CPU among them", devs, err)
	}
	if b.CUDA != slices.Contains(devs, "GPU") {
		t.Errorf("CUDA %v with MatMul kernels on %v", b.CUDA, devs)
	}
	if devs, err := kernelDevices("NoSuchOpInTensorFlow"); err != nil || len(devs) != 0 {
		t.Errorf("kernels of an unknown op: %v, %v; want none", devs, err)
	}
	if b.CUDA && strings.HasSuffix(b.LibDir, "-gpu/lib") && b.CUDAVersion == "" {
		t.Errorf("CUDA build installed by scripts/setup without its BUILD_INFO.py versions: %+v", b)
	}
	t.Logf("%s (library %s)", b, b.LibDir)
}

func TestParseBuildInfo(t *testing.T) {
	// The line of tensorflow-2.18.1's tensorflow/python/platform/build_info.py.
	text := `build_info = collections.OrderedDict([('cpu_compiler', '/usr/lib/llvm-18/bin/clang'), ('cuda_compute_capabilities', ['sm_60', 'sm_70', 'sm_80', 'sm_89', 'compute_90']), ('cuda_version', '12.5.1'), ('cudnn_version', '9'), ('is_cuda_build', True), ('is_rocm_build', False), ('is_tensorrt_build', False)])`
	cuda, cudnn, caps := parseBuildInfo(text)
	if cuda != "12.5.1" || cudnn != "9" || !slices.Equal(caps, []string{"sm_60", "sm_70", "sm_80", "sm_89", "compute_90"}) {
		t.Errorf("got %q %q %v", cuda, cudnn, caps)
	}
	b := Build{Version: "2.18.1", CUDA: true, CUDAVersion: cuda, CuDNNVersion: cudnn, ComputeCapabilities: caps}
	if got, want := b.String(), "TensorFlow 2.18.1, CUDA build for CUDA 12.5.1 and cuDNN 9 (GPU code for sm_60 sm_70 sm_80 sm_89 compute_90)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (Build{Version: "2.18.1"}).String(); got != "TensorFlow 2.18.1, CPU build" {
		t.Errorf("CPU build: %s", got)
	}
}

func TestSessionOptions_GPUMemory(t *testing.T) {
	config := func(device string) *pb.ConfigProto {
		t.Helper()
		opts, err := sessionOptions(device, 2)
		if err != nil {
			t.Fatal(err)
		}
		var c pb.ConfigProto
		if err := proto.Unmarshal(opts.Config, &c); err != nil {
			t.Fatal(err)
		}
		return &c
	}
	t.Setenv(GPUMemoryEnv, "")
	if c := config("auto"); !c.GetGpuOptions().GetAllowGrowth() || c.GetGpuOptions().GetPerProcessGpuMemoryFraction() != 0 {
		t.Errorf("auto: GPU options %v, want allow_growth", c.GetGpuOptions())
	}
	if c := config("cpu"); c.DeviceCount["GPU"] != 0 || c.GpuOptions != nil || c.DeviceCount == nil {
		t.Errorf("cpu: %v, want no GPU and no GPU options", c)
	}
	t.Setenv(GPUMemoryEnv, "0.4")
	if c := config("gpu"); c.GetGpuOptions().GetPerProcessGpuMemoryFraction() != 0.4 || c.GetGpuOptions().GetAllowGrowth() {
		t.Errorf("0.4: GPU options %v", c.GetGpuOptions())
	}
	for _, bad := range []string{"0", "1.5", "half", "-0.2"} {
		t.Setenv(GPUMemoryEnv, bad)
		if _, err := sessionOptions("auto", 0); err == nil || !strings.Contains(err.Error(), GPUMemoryEnv) {
			t.Errorf("%s=%s: error %v, want one naming the setting", GPUMemoryEnv, bad, err)
		}
	}
}
