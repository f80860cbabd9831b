package quiet

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The lines a start of TensorFlow 2.18.1's CUDA build and of Fyne on the C locale print, as
// captured from bin/rethink here, and lines that must still show.
var (
	noisy = []string{
		"2026-11-27 13:44:00.861355: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
		"2026-11-27 13:44:00.964753: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:477] Unable to register cuFFT factory: Attempting to register factory for plugin cuFFT when one has already been registered",
		"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
		"E0000 00:00:1795787041.011367    6828 cuda_dnn.cc:8310] Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when one has already been registered",
		"E0000 00:00:1795787041.017081    6828 cuda_blas.cc:1418] Unable to register cuBLAS factory: Attempting to register factory for plugin cuBLAS when one has already been registered",
		"2026/11/27 13:44:01 Fyne error:  Error parsing user locale C",
		"2026/11/27 13:44:01   Cause: language: tag is not well-formed",
		"2026/11/27 13:44:01   At: /root/go/pkg/mod/fyne.io/fyne/v2@v2.7.1/lang/locale.go:35",
	}
	kept = []string{
		"2026-11-27 13:44:05.004105: E external/local_xla/xla/stream_executor/cuda/cuda_driver.cc:152] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)",
		"2026-11-27 13:53:06.222352: E tensorflow/core/common_runtime/session.cc:93] Failed to create session: INTERNAL: cudaGetDevice() failed. Status: CUDA driver version is insufficient for CUDA runtime version",
		"W external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:1] Unable to register cuDNN factory for the first time", // not the duplicate-registration line
		"rethink: unknown command \"bogus\"",
		"",
	}
)

func TestFilter(t *testing.T) {
	var in []string
	for i := range max(len(noisy), len(kept)) {
		if i < len(noisy) {
			in = append(in, noisy[i])
		}
		if i < len(kept) {
			in = append(in, kept[i])
		}
	}
	var out strings.Builder
	Filter(strings.NewReader(strings.Join(in, "\n")+"\n"), &out)
	if want := strings.Join(kept, "\n") + "\n"; out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestCapture runs this test binary again as a child that writes to stderr before and after
// Release: the .preinit_array capture must hold the first lines, drop the noise among them and
// keep the order.
func TestCapture(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "RETHINK_QUIET_CHILD=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	want := "before release\n" + kept[0] + "\nafter release\n"
	if stderr.String() != want {
		t.Errorf("child's stderr:\n%q\nwant\n%q", stderr.String(), want)
	}
	cmd = exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "RETHINK_QUIET_CHILD=1", "RETHINK_TF_NOISE=1")
	stderr.Reset()
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || !strings.Contains(stderr.String(), noisy[1]) {
		t.Errorf("with RETHINK_TF_NOISE=1 the noise must show: %v\n%s", err, stderr.String())
	}
}

func TestMain(m *testing.M) {
	if os.Getenv("RETHINK_QUIET_CHILD") == "1" {
		fmt.Fprintln(os.Stderr, "before release")
		fmt.Fprintln(os.Stderr, noisy[1])
		fmt.Fprintln(os.Stderr, kept[0])
		fmt.Fprintln(os.Stderr, noisy[2])
		Release()
		fmt.Fprintln(os.Stderr, "after release")
		os.Exit(0)
	}
	Release()
	os.Exit(m.Run())
}
