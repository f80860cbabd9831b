package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rethink/tfgraph"
)

func TestRotate(t *testing.T) {
	fs := []string{"a", "b", "c"}
	for r, want := range [][]string{{"a", "b", "c"}, {"b", "c", "a"}, {"c", "a", "b"}, {"a", "b", "c"}} {
		if got := rotate(fs, r); !slices.Equal(got, want) {
			t.Errorf("round %d: %v, want %v", r, got, want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %g, want %g", c.xs, got, c.want)
		}
	}
}

func TestFitDataRoundTrip(t *testing.T) {
	dir := t.TempDir()
	d := tfgraph.Data{Images: []float32{0, -1.5, 2, 3.25, 4, 5}, Labels: []int32{7, 9}}
	if err := writeFitData(dir, d); err != nil {
		t.Fatal(err)
	}
	got, err := readFitData(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Images, d.Images) || !slices.Equal(got.Labels, d.Labels) {
		t.Fatalf("read back %+v, wrote %+v", got, d)
	}
	// A truncated image file is an error that names the folder, not a short data set.
	if err := os.WriteFile(filepath.Join(dir, "images.f32"), make([]byte, 20), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readFitData(dir, 3); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("truncated images: got %v, want an error naming %s", err, dir)
	}
}

func TestWorkerEnv(t *testing.T) {
	t.Setenv("TF_ENABLE_ONEDNN_OPTS", "0")
	get := func(env []string, k string) (string, bool) {
		v := ""
		found := false
		for _, kv := range env {
			if key, val, _ := strings.Cut(kv, "="); key == k {
				v, found = val, true
			}
		}
		return v, found
	}
	if v, _ := get(workerEnv("rethink"), "TF_ENABLE_ONEDNN_OPTS"); v != "0" {
		t.Errorf("rethink worker: TF_ENABLE_ONEDNN_OPTS=%q, want the user's 0 kept", v)
	}
	if _, found := get(workerEnv("keras"), "TF_ENABLE_ONEDNN_OPTS"); found {
		t.Error("keras worker: TF_ENABLE_ONEDNN_OPTS is set; Keras must run with TensorFlow's default")
	}
	if v, _ := get(workerEnv("keras-onednn"), "TF_ENABLE_ONEDNN_OPTS"); v != "1" {
		t.Errorf("keras-onednn worker: TF_ENABLE_ONEDNN_OPTS=%q, want 1", v)
	}
	os.Unsetenv("TF_ENABLE_ONEDNN_OPTS")
	if v, _ := get(workerEnv("rethink"), "TF_ENABLE_ONEDNN_OPTS"); v != "1" {
		t.Errorf("rethink worker without the user's setting: TF_ENABLE_ONEDNN_OPTS=%q, want 1", v)
	}
}

func TestMarkdownRatios(t *testing.T) {
	r := Results{Date: "2026-11-27 06:00", CPU: "test CPU", Cores: 2, Threads: 2, Batch: 128,
		Versions:   map[string]string{},
		Throughput: []Row{{Model: "mlp", Median: map[string]float64{"rethink": 200, "keras": 100, "pytorch": 400}}},
		Limit:      Limit{StepFLOPs: 100e9, ForwardFLOPs: 33e9, StepSeconds: 2, MatMulSize: 4096, MatMulGFLOPs: 100},
		Fits:       []Fit{{Model: "mlp", Framework: "keras", Round: 1, Epochs: 40, Seconds: 8, TrainAcc: 1, Fitted: true}}}
	md := r.Markdown()
	for _, want := range []string{"| MLP 1x512 | 200 | 100 | 400 | 2.00 | 0.50 |", "50.0 GFLOP/s, 50% of the 100.0 GFLOP/s",
		"| MLP 1x512 | Keras | 1 | 40 | 8.0 | 0.20 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
}

// workerLines runs rethink's worker in this process and returns its JSON lines.
func workerLines(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	workerOut = &buf
	defer func() { workerOut = os.Stdout }()
	if err := runWorker(args); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("worker wrote %q: %v", sc.Text(), err)
		}
		lines = append(lines, v)
	}
	return lines
}

func TestWorkerThroughput(t *testing.T) {
	lines := workerLines(t, "-model", "mlp", "-batch", "8", "-size", "32", "-warmup", "1", "-windows", "2", "-steps", "2", "-threads", "1")
	if len(lines) != 3 || lines[0]["images_per_s"].(float64) <= 0 || lines[2]["done"] != true {
		t.Fatalf("want two windows with images/s and a done line, got %v", lines)
	}
	if p := lines[2]["params"].(float64); p != 1209866 {
		t.Errorf("MLP 1x512 on 28x28x3 reports %v parameters, want 1,209,866", p)
	}
}

// A tiny set of noise images with random labels is fitted, epoch by epoch, to 100%.
func TestWorkerFit(t *testing.T) {
	dir := t.TempDir()
	const n, per = 32, 8 * 8
	d := tfgraph.Data{Images: make([]float32, n*per), Labels: make([]int32, n)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range d.Images {
		d.Images[i] = rng.Float32()
	}
	for i := range d.Labels {
		d.Labels[i] = int32(rng.IntN(10))
	}
	if err := writeFitData(dir, d); err != nil {
		t.Fatal(err)
	}
	lines := workerLines(t, "-model", "mlp", "-mode", "fit", "-data", dir, "-batch", "8", "-height", "8", "-width", "8",
		"-channels", "1", "-max-epochs", "300", "-lr", "0.1", "-threads", "1")
	last := lines[len(lines)-2]
	if last["train_acc"].(float64) != 1 {
		t.Fatalf("not fitted after %v epochs: %v", last["epoch"], last)
	}
	if lines[0]["epoch"].(float64) != 1 || lines[0]["seconds"].(float64) <= 0 {
		t.Errorf("first line %v: want epoch 1 with its time", lines[0])
	}
}

// TestCPUInfo_ModelAndFlags: the model and the flags that matter are read from a cpuinfo text
// (first processor only), amx standing for every amx_* flag; the Markdown names both.
func TestCPUInfo_ModelAndFlags(t *testing.T) {
	text := "processor\t: 0\nmodel name\t: Test Xeon\nflags\t\t: fpu sse2 avx2 avx512f avx512bw amx_bf16 amx_tile\n\n" +
		"processor\t: 1\nmodel name\t: Other\nflags\t\t: avx512_bf16\n"
	model, flags := cpuInfo(text)
	if model != "Test Xeon" || flags != "avx2 avx512f amx_bf16 amx_tile" {
		t.Errorf("cpuInfo: %q, %q", model, flags)
	}
	if _, flags := cpuInfo("model name: old\nflags: sse2 avx\n"); flags != "none" {
		t.Errorf("a CPU without AVX2: flags %q, want none", flags)
	}
	md := Results{Date: "d", CPU: model, CPUFlags: flags, Versions: map[string]string{}}.Markdown()
	if !strings.Contains(md, "on Test Xeon (flags: avx2 avx512f amx_bf16 amx_tile;") {
		t.Errorf("Markdown's first line: %q", strings.SplitN(md, "\n", 2)[0])
	}
}

// TestKernelSolve_RatesBesideTheLimit: kernelSolve measures real rates on embedded MNIST, and
// the Markdown sets them beside the matrix-product limit.
func TestKernelSolve_RatesBesideTheLimit(t *testing.T) {
	var r Results
	if err := kernelSolve(context.Background(), plan{quick: true, threads: 1}, &r); err != nil {
		t.Fatal(err)
	}
	k := r.Kernel
	if k.N != 2000 || !(k.KernelGFLOPs > 0) || !(k.SolveGFLOPs > 0) || k.Iterations <= 0 || !(k.Seconds > 0) {
		t.Fatalf("kernel rate %+v: want n = 2000, positive rates, iterations and time", k)
	}
	r.Versions, r.Limit = map[string]string{}, Limit{MatMulGFLOPs: 100, MatMulSize: 4096}
	md := r.Markdown()
	want := fmt.Sprintf("%.0f%% and %.0f%% of TensorFlow's 100.0 GFLOP/s matrix product", k.KernelGFLOPs, k.SolveGFLOPs)
	if !strings.Contains(md, "Kernel interpolation (experiments/theory) of 2000 MNIST images") || !strings.Contains(md, want) {
		t.Errorf("Markdown lacks the kernel line %q:\n%s", want, md)
	}
}
