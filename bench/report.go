package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Results is everything one invocation measured. It is written as JSON beside the Markdown table.
type Results struct {
	Date string `json:"date"`
	CPU  string `json:"cpu"`
	// CPUFlags are the CPU's flags among avx2, avx512f, avx512_bf16 and amx_* (cpuInfo).
	CPUFlags string            `json:"cpu_flags"`
	Cores    int               `json:"cores"`
	Threads  int               `json:"threads"`
	Batch    int               `json:"batch"`
	Versions map[string]string `json:"versions"` // framework -> what its worker reported
	Device   string            `json:"device"`   // where rethink ran: "the CPU" or "the GPU <name>"

	Throughput []Row      `json:"throughput"`
	Limit      Limit      `json:"limit"`
	Kernel     KernelRate `json:"kernel"`
	Fits       []Fit      `json:"fits"`
}

// Row is one model of the throughput table: every window's images/s and their median, per framework.
type Row struct {
	Model   string               `json:"model"`
	Windows map[string][]float64 `json:"windows"`
	Median  map[string]float64   `json:"median"`
}

// Limit compares an Inception training step with TensorFlow's matrix-product rate.
type Limit struct {
	StepFLOPs, ForwardFLOPs int64   // FLOPs of one step of batch Batch (tfgraph.StepFLOPs)
	StepSeconds             float64 // rethink's median seconds per step (0: Inception not measured)
	MatMulSize              int     // side of the square float32 matrices
	MatMulGFLOPs            float64 // median GFLOP/s of the product
}

// GFLOPs is the rate of rethink's Inception step (0 when it was not measured).
func (l Limit) GFLOPs() float64 {
	if l.StepSeconds == 0 {
		return 0
	}
	return float64(l.StepFLOPs) / l.StepSeconds / 1e9
}

// Fit is one time-to-fit run.
type Fit struct {
	Model, Framework string
	Round            int
	Epochs           int
	Seconds          float64 // from the first step to the evaluation that found 100%
	TrainAcc         float64 // at the last epoch
	Fitted           bool
}

// noteVersion keeps what framework f's worker said it ran on (its "done" line).
func (r *Results) noteVersion(f string, lines []map[string]any) {
	for _, l := range lines {
		if v, ok := l["version"].(string); ok {
			r.Versions[f] = v
		}
	}
}

// allFrameworks is the order of the table's columns.
var allFrameworks = []string{"rethink", "keras", "keras-onednn", "pytorch"}

var names = map[string]string{"rethink": "rethink", "keras": "Keras", "keras-onednn": "Keras+oneDNN", "pytorch": "PyTorch",
	"inception": "Inception", "alexnet": "AlexNet", "mlp": "MLP 1x512"}

func name(s string) string {
	if n, ok := names[s]; ok {
		return n
	}
	return s
}

// Markdown renders the three tables.
func (r Results) Markdown() string {
	var b strings.Builder
	flags := r.CPUFlags
	if flags == "" {
		flags = "not recorded"
	}
	fmt.Fprintf(&b, "Measured %s on %s (flags: %s; %d cores), %d threads per framework, batch %d.\n", r.Date, r.CPU, flags, r.Cores, r.Threads, r.Batch)
	if r.Device != "" && r.Device != "the CPU" {
		fmt.Fprintf(&b, "rethink ran on %s; Keras and PyTorch on the CPU.\n", r.Device)
	}
	for _, f := range allFrameworks {
		if v, ok := r.Versions[f]; ok {
			fmt.Fprintf(&b, "- %s: %s\n", name(f), v)
		}
	}
	frameworks := r.frameworks()
	if len(r.Throughput) > 0 {
		b.WriteString("\nTraining images/s (median of all windows; 28x28x3, batch 128, SGD with momentum):\n\n| model |")
		for _, f := range frameworks {
			fmt.Fprintf(&b, " %s |", name(f))
		}
		for _, f := range frameworks[1:] {
			fmt.Fprintf(&b, " rethink / %s |", name(f))
		}
		b.WriteString("\n|---|" + strings.Repeat("---:|", 2*len(frameworks)-1) + "\n")
		for _, row := range r.Throughput {
			fmt.Fprintf(&b, "| %s |", name(row.Model))
			for _, f := range frameworks {
				fmt.Fprintf(&b, " %.0f |", row.Median[f])
			}
			for _, f := range frameworks[1:] {
				fmt.Fprintf(&b, " %.2f |", ratio(row.Median["rethink"], row.Median[f]))
			}
			b.WriteString("\n")
		}
	}
	if l := r.Limit; l.MatMulGFLOPs > 0 {
		fmt.Fprintf(&b, "\nThe limit: one Inception step of batch %d is %.1f GFLOP (forward %.1f); ", r.Batch, float64(l.StepFLOPs)/1e9, float64(l.ForwardFLOPs)/1e9)
		if g := l.GFLOPs(); g > 0 {
			fmt.Fprintf(&b, "rethink runs it in %.0f ms, %.1f GFLOP/s, %.0f%% of the %.1f GFLOP/s of a %dx%d float32 matrix product in TensorFlow.\n",
				1000*l.StepSeconds, g, 100*g/l.MatMulGFLOPs, l.MatMulGFLOPs, l.MatMulSize, l.MatMulSize)
		} else {
			fmt.Fprintf(&b, "a %dx%d float32 matrix product runs at %.1f GFLOP/s in TensorFlow.\n", l.MatMulSize, l.MatMulSize, l.MatMulGFLOPs)
		}
	}
	if k := r.Kernel; k.N > 0 {
		fmt.Fprintf(&b, "\nKernel interpolation (experiments/theory) of %d MNIST images: the kernel matrix at %.1f GFLOP/s, the preconditioned CG solve (%d iterations) at %.1f GFLOP/s", k.N, k.KernelGFLOPs, k.Iterations, k.SolveGFLOPs)
		if l := r.Limit; l.MatMulGFLOPs > 0 {
			fmt.Fprintf(&b, ": %.0f%% and %.0f%% of TensorFlow's %.1f GFLOP/s matrix product", 100*k.KernelGFLOPs/l.MatMulGFLOPs, 100*k.SolveGFLOPs/l.MatMulGFLOPs, l.MatMulGFLOPs)
		}
		fmt.Fprintf(&b, "; %.1f s in all.\n", k.Seconds)
	}
	if len(r.Fits) > 0 {
		b.WriteString("\nTime to fit random labels on 2,000 MNIST images (100% training accuracy, evaluated after every epoch):\n\n")
		b.WriteString("| model | framework | round | epochs | seconds | s/epoch |\n|---|---|---:|---:|---:|---:|\n")
		for _, f := range r.Fits {
			secs := fmt.Sprintf("%.1f", f.Seconds)
			if !f.Fitted {
				secs = fmt.Sprintf("not fitted (%.1f%% after %.1f s)", 100*f.TrainAcc, f.Seconds)
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %.2f |\n", name(f.Model), name(f.Framework), f.Round, f.Epochs, secs, f.Seconds/float64(max(f.Epochs, 1)))
		}
	}
	return b.String()
}

func (r Results) frameworks() []string {
	var out []string
	for _, f := range allFrameworks {
		for _, row := range r.Throughput {
			if _, ok := row.Median[f]; ok {
				out = append(out, f)
				break
			}
		}
	}
	if len(out) == 0 || out[0] != "rethink" {
		out = append([]string{"rethink"}, out...)
	}
	return out
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Save writes bench-<time>.json and .md into dir, each through a temporary file and a rename.
func (r Results) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results folder: %w", err)
	}
	stem := filepath.Join(dir, "bench-"+time.Now().Format("20060102-150405"))
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	for path, body := range map[string][]byte{stem + ".json": js, stem + ".md": []byte(r.Markdown())} {
		if err := writeAtomic(path, body); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "wrote %s.json and .md\n", stem)
	return nil
}

func writeAtomic(path string, body []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, body, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
