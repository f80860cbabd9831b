// Package scripts holds the tests of scripts/setup's CUDA path: small wheels shaped like the real
// ones (made here), a stand-in for pip, and a temporary cache; no download, no GPU.
package scripts

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const tfWheel = "tensorflow-2.18.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"

// cudaWheels maps each pinned wheel of scripts/setup to the files it carries, as the real ones
// do: nvidia/<part>/lib/<soname>, headers and Python files beside them, and for the compiler
// wheel no lib/ at all but bin/ptxas and nvvm/libdevice.
var cudaWheels = map[string][]string{
	"nvidia-cublas-cu12==12.5.3.2":      {"nvidia/cublas/lib/libcublas.so.12", "nvidia/cublas/lib/libcublasLt.so.12", "nvidia/cublas/lib/libnvblas.so.12", "nvidia/cublas/include/cublas.h", "nvidia/cublas/__init__.py"},
	"nvidia-cuda-cupti-cu12==12.5.82":   {"nvidia/cuda_cupti/lib/libcupti.so.12", "nvidia/cuda_cupti/include/cupti.h"},
	"nvidia-cuda-nvcc-cu12==12.5.82":    {"nvidia/cuda_nvcc/bin/ptxas", "nvidia/cuda_nvcc/bin/nvcc", "nvidia/cuda_nvcc/nvvm/libdevice/libdevice.10.bc", "nvidia/cuda_nvcc/include/crt/host_config.h", "nvidia/cuda_nvcc/__init__.py"},
	"nvidia-cuda-nvrtc-cu12==12.5.82":   {"nvidia/cuda_nvrtc/lib/libnvrtc.so.12", "nvidia/cuda_nvrtc/lib/libnvrtc-builtins.so.12.5"},
	"nvidia-cuda-runtime-cu12==12.5.82": {"nvidia/cuda_runtime/lib/libcudart.so.12", "nvidia/cuda_runtime/include/cuda_runtime_api.h"},
	"nvidia-cudnn-cu12==9.3.0.75": {"nvidia/cudnn/lib/libcudnn.so.9", "nvidia/cudnn/lib/libcudnn_graph.so.9", "nvidia/cudnn/lib/libcudnn_ops.so.9",
		"nvidia/cudnn/lib/libcudnn_cnn.so.9", "nvidia/cudnn/lib/libcudnn_adv.so.9", "nvidia/cudnn/lib/libcudnn_engines_precompiled.so.9",
		"nvidia/cudnn/lib/libcudnn_engines_runtime_compiled.so.9", "nvidia/cudnn/lib/libcudnn_heuristic.so.9", "nvidia/cudnn/include/cudnn.h"},
	"nvidia-cufft-cu12==11.2.3.61":    {"nvidia/cufft/lib/libcufft.so.11", "nvidia/cufft/lib/libcufftw.so.11"},
	"nvidia-curand-cu12==10.3.6.82":   {"nvidia/curand/lib/libcurand.so.10"},
	"nvidia-cusolver-cu12==11.6.3.83": {"nvidia/cusolver/lib/libcusolver.so.11", "nvidia/cusolver/lib/libcusolverMg.so.11"},
	"nvidia-cusparse-cu12==12.5.1.3":  {"nvidia/cusparse/lib/libcusparse.so.12"},
	"nvidia-nccl-cu12==2.21.5":        {"nvidia/nccl/lib/libnccl.so.2", "nvidia/nccl/include/nccl.h"},
	"nvidia-nvjitlink-cu12==12.5.82":  {"nvidia/nvjitlink/lib/libnvJitLink.so.12"},
}

// wheelName is the file name pip gives the wheel of spec (name==version).
func wheelName(spec string) string {
	name, version, _ := strings.Cut(spec, "==")
	return strings.ReplaceAll(name, "-", "_") + "-" + version + "-py3-none-manylinux2014_x86_64.whl"
}

// writeZip writes a zip of files (name -> content) to path.
func writeZip(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixture is a package index (a folder of wheels the stand-in pip serves), a cache and the
// environment that points scripts/setup at them.
type fixture struct {
	index, cache, pipLog string
	env                  []string
}

// content is what the fixture puts in a wheel's file: its name and the wheel's version, so a
// test can tell which wheel a file came from.
func content(spec, file string) []byte { return []byte(spec + " " + file + "\n") }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{index: filepath.Join(dir, "index"), cache: filepath.Join(dir, "cache"), pipLog: filepath.Join(dir, "pip.log")}
	os.MkdirAll(f.index, 0o755)

	// The TensorFlow wheel: a libtensorflow_cc.so.2 that exports the C API symbols setup checks.
	src := filepath.Join(dir, "tf.c")
	os.WriteFile(src, []byte("void TF_NewGraph(void){}\nvoid TF_AddGradientsWithPrefix(void){}\nvoid TFE_NewContext(void){}\n"), 0o644)
	so := filepath.Join(dir, "libtensorflow_cc.so.2")
	if out, err := exec.Command("gcc", "-shared", "-fPIC", "-o", so, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc (needed as for cgo): %v\n%s", err, out)
	}
	lib, _ := os.ReadFile(so)
	tf := map[string][]byte{
		"tensorflow/libtensorflow_cc.so.2":                              lib,
		"tensorflow/libtensorflow_framework.so.2":                       []byte("framework"),
		"tensorflow/include/tensorflow/c/c_api.h":                       []byte("/* c_api */"),
		"tensorflow/include/tensorflow/c/eager/c_api.h":                 []byte("/* eager */"),
		"tensorflow/include/tensorflow/compiler/xla/tsl/c/tsl_status.h": []byte("/* tsl */"),
		"tensorflow/python/platform/build_info.py":                      []byte("build_info = collections.OrderedDict([('cuda_version', '12.5.1'), ('cudnn_version', '9')])\n"),
		"tensorflow/include/tensorflow/core/platform/ctstring.h":        []byte("/* ctstring */"),
		"tensorflow/include/tsl/platform/ctstring.h":                    []byte("/* ctstring */"),
		"tensorflow/python/keras.py":                                    []byte("not for us"),
	}
	writeZip(t, filepath.Join(f.index, tfWheel), tf)
	writeZip(t, filepath.Join(f.index, strings.Replace(tfWheel, "tensorflow-", "tensorflow_cpu-", 1)), tf)
	for spec, files := range cudaWheels {
		m := map[string][]byte{}
		for _, file := range files {
			m[file] = content(spec, file)
		}
		name, version, _ := strings.Cut(spec, "==")
		m[strings.ReplaceAll(name, "-", "_")+"-"+version+".dist-info/METADATA"] = []byte("Name: " + name)
		writeZip(t, filepath.Join(f.index, wheelName(spec)), m)
	}

	// The stand-in for python3 -m pip download --no-deps ... -d DEST SPEC: copies SPEC's wheel
	// from the index, or fails as pip does when there is none; logs each SPEC.
	pip := filepath.Join(dir, "python3")
	os.WriteFile(pip, []byte(`#!/usr/bin/env bash
dest= spec=
while [ $# -gt 0 ]; do
  case "$1" in
    -d) dest=$2; shift ;;
    *==*) spec=$1 ;;
  esac
  shift
done
echo "$spec" >>"`+f.pipLog+`"
name=${spec%%==*} version=${spec##*==}
version=${version//\*/}
w=$(ls "`+f.index+`/$(echo "$name" | tr - _)-$version"*.whl 2>/dev/null | head -n1)
[ -n "$w" ] || { echo "ERROR: No matching distribution found for $spec" >&2; exit 1; }
mkdir -p "$dest" && cp "$w" "$dest/"
`), 0o755)

	f.env = []string{"RETHINK_CACHE=" + f.cache, "PYTHON=" + pip, "RETHINK_SETUP_NO_SPACE_CHECK=1"}
	return f
}

// seed copies wheels from the index into the cache, as if downloaded before.
func (f *fixture) seed(t *testing.T, names ...string) {
	t.Helper()
	os.MkdirAll(filepath.Join(f.cache, "dl"), 0o755)
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(f.index, n))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(f.cache, "dl", n), b, 0o644)
	}
}

// setup runs scripts/setup with args; it returns the exit code and stderr.
func (f *fixture) setup(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("./setup", args...)
	cmd.Env = append(cleanEnv(), append(f.env, env...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out) + stderr.String()
		}
		t.Fatal(err)
	}
	return 0, string(out) + stderr.String()
}

// cleanEnv is the environment without the choices a calling make passes on.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "RETHINK_GPU", "RETHINK_CACHE", "LIBTENSORFLOW_DIR", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "XDG_CACHE_HOME", "PYTHON":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (f *fixture) gpuDir() string { return filepath.Join(f.cache, "libtensorflow-2.18-gpu") }

func (f *fixture) downloads() []string {
	b, _ := os.ReadFile(f.pipLog)
	return strings.Fields(string(b))
}

// checkComplete: every soname TensorFlow opens is in lib/ with its wheel's content, ptxas and
// libdevice are where TensorFlow looks, and nothing but shared libraries went into lib/.
func (f *fixture) checkComplete(t *testing.T) {
	t.Helper()
	d := f.gpuDir()
	for spec, files := range cudaWheels {
		for _, file := range files {
			var at string
			switch {
			case strings.Contains(file, "/lib/"):
				at = filepath.Join(d, "lib", filepath.Base(file))
			case strings.HasSuffix(file, "/bin/ptxas"), strings.HasSuffix(file, ".bc"):
				at = filepath.Join(d, file)
			default:
				if _, err := os.Stat(filepath.Join(d, file)); err == nil {
					t.Errorf("%s of %s unpacked, and should not be", file, spec)
				}
				continue
			}
			got, err := os.ReadFile(at)
			if err != nil || !bytes.Equal(got, content(spec, file)) {
				t.Errorf("%s: %q, %v; want %s's %s", at, got, err, spec, file)
			}
		}
	}
	if st, err := os.Stat(filepath.Join(d, "nvidia/cuda_nvcc/bin/ptxas")); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("ptxas not executable: %v %v", st, err)
	}
	entries, _ := os.ReadDir(filepath.Join(d, "lib"))
	for _, e := range entries {
		if !regexp.MustCompile(`\.so(\.[0-9]+)*$`).MatchString(e.Name()) {
			t.Errorf("lib/%s is not a shared library", e.Name())
		}
	}
	for _, p := range []string{"lib/libtensorflow.so", "include/tensorflow/c/c_api.h", "include/xla/tsl/c/tsl_status.h", "BUILD_INFO.py", "CUDA-FILES", ".rethink-ok"} {
		if _, err := os.Stat(filepath.Join(d, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if code, out := f.setup(t, nil, "--gpu", "--check"); code != 0 {
		t.Errorf("--check after install: exit %d\n%s", code, out)
	}
}

// oneError: a failed setup says one "setup: ERROR" line, and it names a fix.
func oneError(t *testing.T, out string) string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "setup: ERROR") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "Fix:") {
		t.Fatalf("want one setup: ERROR line naming a fix, got %d:\n%s", len(lines), out)
	}
	return lines[0]
}

func TestSetupGPU_InstallsEveryLibrary(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// In the cache: the TensorFlow wheel, every CUDA wheel but cuFFT, and a newer-dated wheel of
	// another cuBLAS version, which must not be taken.
	var have []string
	for spec := range cudaWheels {
		if !strings.HasPrefix(spec, "nvidia-cufft") {
			have = append(have, wheelName(spec))
		}
	}
	f.seed(t, append(have, tfWheel)...)
	old := filepath.Join(f.cache, "dl", wheelName("nvidia-cublas-cu12==12.4.5.8"))
	writeZip(t, old, map[string][]byte{"nvidia/cublas/lib/libcublas.so.12": []byte("old cuBLAS")})
	os.Chtimes(old, time.Now().Add(time.Hour), time.Now().Add(time.Hour))

	start := time.Now()
	code, out := f.setup(t, nil, "--gpu")
	if code != 0 {
		t.Fatalf("setup --gpu: exit %d\n%s", code, out)
	}
	t.Logf("setup --gpu on small wheels: %v", time.Since(start).Round(time.Millisecond))
	if got := f.downloads(); !slices.Equal(got, []string{"nvidia-cufft-cu12==11.2.3.61"}) {
		t.Errorf("downloaded %v, want only the missing cuFFT wheel", got)
	}
	f.checkComplete(t)

	// The choice is remembered: a plain setup and --print-dir use the CUDA build...
	if b, _ := os.ReadFile(filepath.Join(f.cache, "build")); string(b) != "gpu\n" {
		t.Errorf("remembered build %q, want gpu", b)
	}
	if code, out := f.setup(t, nil, "--print-dir"); code != 0 || strings.TrimSpace(out) != f.gpuDir() {
		t.Errorf("--print-dir: %d %q, want %s", code, out, f.gpuDir())
	}
	// ...RETHINK_GPU=0 picks the CPU build for one command without changing it...
	cpuDir := filepath.Join(f.cache, "libtensorflow-2.18")
	if _, out := f.setup(t, []string{"RETHINK_GPU=0"}, "--print-dir"); strings.TrimSpace(out) != cpuDir {
		t.Errorf("RETHINK_GPU=0 --print-dir: %q, want %s", out, cpuDir)
	}
	// ...and so does make RETHINK_GPU=0.
	mk := exec.Command("make", "-s", "-C", "..", "print-tf-dir", "RETHINK_GPU=0")
	mk.Env = append(cleanEnv(), f.env...)
	if b, err := mk.Output(); err != nil || strings.TrimSpace(string(b)) != cpuDir {
		t.Errorf("make RETHINK_GPU=0 print-tf-dir: %q %v, want %s", b, err, cpuDir)
	}
	mk = exec.Command("make", "-s", "-C", "..", "print-tf-dir")
	mk.Env = append(cleanEnv(), f.env...)
	if b, err := mk.Output(); err != nil || strings.TrimSpace(string(b)) != f.gpuDir() {
		t.Errorf("make print-tf-dir after setup --gpu: %q %v, want %s", b, err, f.gpuDir())
	}
	// --cpu switches back (the CPU wheel comes from the stand-in index).
	if code, out := f.setup(t, nil, "--cpu"); code != 0 {
		t.Fatalf("setup --cpu: exit %d\n%s", code, out)
	}
	if _, out := f.setup(t, nil, "--print-dir"); strings.TrimSpace(out) != cpuDir {
		t.Errorf("--print-dir after --cpu: %q, want %s", out, cpuDir)
	}
	if _, out := f.setup(t, []string{"RETHINK_GPU=1"}, "--print-dir"); strings.TrimSpace(out) != f.gpuDir() {
		t.Errorf("RETHINK_GPU=1 --print-dir: %q", out)
	}
	if b, _ := os.ReadFile(filepath.Join(f.cache, "build")); string(b) != "cpu\n" {
		t.Errorf("remembered build %q after --cpu and a RETHINK_GPU=1 command, want cpu", b)
	}
}

func TestSetupGPU_RepairsHalfInstall(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if code, out := f.setup(t, nil, "--gpu"); code != 0 {
		t.Fatalf("setup --gpu: exit %d\n%s", code, out)
	}
	if got := len(f.downloads()); got != len(cudaWheels)+1 {
		t.Errorf("%d downloads from an empty cache, want %d", got, len(cudaWheels)+1)
	}
	d := f.gpuDir()
	os.Remove(filepath.Join(d, "lib/libcudnn_ops.so.9"))
	os.WriteFile(filepath.Join(d, "lib/libcufft.so.11"), []byte("cut"), 0o644)

	code, out := f.setup(t, nil, "--check")
	if code == 0 {
		t.Fatalf("--check passed a half install:\n%s", out)
	}
	line := oneError(t, out)
	for _, s := range []string{"lib/libcudnn_ops.so.9", "lib/libcufft.so.11 (damaged or removed)", "scripts/setup --gpu"} {
		if !strings.Contains(line, s) {
			t.Errorf("error line lacks %q: %s", s, line)
		}
	}
	// A plain setup (the remembered CUDA build, as make runs it) repairs from the cached wheels.
	code, out = f.setup(t, nil)
	if code != 0 || !strings.Contains(out, "half-installed") {
		t.Fatalf("repair: exit %d\n%s", code, out)
	}
	f.checkComplete(t)
	if got := len(f.downloads()); got != len(cudaWheels)+1 {
		t.Errorf("the repair downloaded again: %v", f.downloads())
	}
}

// TestSetupGPU_OldHalfInstall is the folder the earlier setup left: libtensorflow and its
// headers with the "ok" mark, cuBLAS and CUPTI only.
func TestSetupGPU_OldHalfInstall(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.gpuDir()
	for _, p := range []string{"lib", "include/tensorflow/c/eager"} {
		os.MkdirAll(filepath.Join(d, p), 0o755)
	}
	for _, p := range []string{"include/tensorflow/c/c_api.h", "include/tensorflow/c/eager/c_api.h", "lib/libtensorflow_cc.so.2", "lib/libcublas.so.12", "lib/libcupti.so.12", ".rethink-ok"} {
		os.WriteFile(filepath.Join(d, p), []byte("x"), 0o644)
	}
	os.Symlink("libtensorflow_cc.so.2", filepath.Join(d, "lib/libtensorflow.so"))
	code, out := f.setup(t, nil, "--gpu", "--check")
	if code == 0 || !strings.Contains(oneError(t, out), "lib/libcudart.so.12") {
		t.Fatalf("--check: exit %d\n%s", code, out)
	}
	if code, out := f.setup(t, nil, "--gpu"); code != 0 {
		t.Fatalf("setup --gpu over the half install: exit %d\n%s", code, out)
	}
	f.checkComplete(t)
}

func TestSetupGPU_Failures(t *testing.T) {
	t.Parallel()
	t.Run("download fails", func(t *testing.T) {
		f := newFixture(t)
		os.Remove(filepath.Join(f.index, wheelName("nvidia-nccl-cu12==2.21.5")))
		code, out := f.setup(t, nil, "--gpu")
		if code == 0 {
			t.Fatalf("exit 0 without the NCCL wheel:\n%s", out)
		}
		if line := oneError(t, out); !strings.Contains(line, "nvidia-nccl-cu12==2.21.5") {
			t.Errorf("error line does not name the wheel: %s", line)
		}
		if _, err := os.Stat(f.gpuDir()); err == nil {
			t.Error("a failed install left a library folder")
		}
		if _, err := os.Stat(filepath.Join(f.cache, "build")); err == nil {
			t.Error("a failed --gpu was remembered")
		}
	})
	t.Run("broken wheel is fetched again", func(t *testing.T) {
		f := newFixture(t)
		f.seed(t, tfWheel)
		os.MkdirAll(filepath.Join(f.cache, "dl"), 0o755)
		os.WriteFile(filepath.Join(f.cache, "dl", wheelName("nvidia-cudnn-cu12==9.3.0.75")), []byte("half a download"), 0o644)
		code, out := f.setup(t, nil, "--gpu")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		if !slices.Contains(f.downloads(), "nvidia-cudnn-cu12==9.3.0.75") {
			t.Errorf("the broken cuDNN wheel was not downloaded again: %v", f.downloads())
		}
		f.checkComplete(t)
	})
	t.Run("a wheel lacks a library", func(t *testing.T) {
		f := newFixture(t)
		spec := "nvidia-cusparse-cu12==12.5.1.3"
		writeZip(t, filepath.Join(f.index, wheelName(spec)), map[string][]byte{"nvidia/cusparse/include/cusparse.h": nil})
		code, out := f.setup(t, nil, "--gpu")
		if code == 0 {
			t.Fatalf("exit 0 without libcusparse:\n%s", out)
		}
		if line := oneError(t, out); !strings.Contains(line, "lib/libcusparse.so.12") {
			t.Errorf("error line: %s", line)
		}
	})
	t.Run("bad RETHINK_GPU", func(t *testing.T) {
		f := newFixture(t)
		code, out := f.setup(t, []string{"RETHINK_GPU=yes"}, "--print-dir")
		if code == 0 {
			t.Fatalf("exit 0:\n%s", out)
		}
		oneError(t, out)
	})
}

func TestMain(m *testing.M) {
	if _, err := exec.LookPath("unzip"); err != nil {
		fmt.Fprintln(os.Stderr, "scripts tests need unzip (scripts/setup installs it with the other Debian packages)")
		os.Exit(1)
	}
	os.Exit(m.Run())
}
