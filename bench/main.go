package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		if err := runWorker(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench worker:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// plan is what one invocation measures.
type plan struct {
	frameworks, models, fitModels []string
	rounds, fitRounds, threads    int
	batch                         int
	fitSize, fitEpochs            int
	quick                         bool
	out                           string
	device                        string // rethink's device, cpu or gpu (see pickDevice)
}

// windowSteps is the warm-up and window length of each model, so a window takes a few seconds.
var windowSteps = map[string][2]int{"inception": {2, 3}, "alexnet": {5, 20}, "mlp": {30, 200}}

func run(argv []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var p plan
	var frameworks, models, fitModels string
	fs.StringVar(&frameworks, "frameworks", "rethink,keras,keras-onednn,pytorch", "what to compare (keras-onednn: Keras with TF_ENABLE_ONEDNN_OPTS=1)")
	fs.StringVar(&models, "models", "inception,alexnet,mlp", "models of the throughput table")
	fs.StringVar(&fitModels, "fit", "mlp,alexnet", `models of the time-to-fit table ("" for none)`)
	fs.IntVar(&p.rounds, "rounds", 2, "rounds; the order of the frameworks rotates every round")
	fs.IntVar(&p.fitRounds, "fit-rounds", 1, "rounds of the time-to-fit table (each is minutes long)")
	fs.IntVar(&p.threads, "threads", 2, "threads for every framework")
	fs.IntVar(&p.batch, "batch", 128, "batch size")
	fs.IntVar(&p.fitSize, "fit-size", 2000, "MNIST images of the time-to-fit subset")
	fs.IntVar(&p.fitEpochs, "fit-epochs", 200, "give up fitting after this many epochs")
	fs.BoolVar(&p.quick, "quick", false, "one round, short windows: a smoke test of the whole pipeline, not a measurement")
	fs.StringVar(&p.device, "device", "auto", "rethink's device: auto (the GPU when TensorFlow sees one), cpu or gpu; Keras and PyTorch run on the CPU")
	fs.StringVar(&p.out, "out", filepath.Join(experiments.DefaultResultsDir(), "bench"), "folder for the results")
	if err := fs.Parse(argv); err != nil {
		return err
	}
	p.frameworks, p.models, p.fitModels = split(frameworks), split(models), split(fitModels)
	if p.quick {
		p.rounds = 1
	}
	for _, f := range p.frameworks {
		if _, err := workerCommand(f); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	r := Results{Date: time.Now().Format("2006-01-02 15:04"), Cores: runtime.NumCPU(),
		Threads: p.threads, Batch: p.batch, Versions: map[string]string{}}
	r.CPU, r.CPUFlags = thisCPU()
	var err error
	if p.device, r.Device, err = pickDevice(p.device); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "rethink runs on %s\n", r.Device)
	if err := throughput(ctx, p, &r); err != nil {
		return err
	}
	if err := limit(ctx, p, &r); err != nil {
		return err
	}
	if err := kernelSolve(ctx, p, &r); err != nil {
		return err
	}
	if len(p.fitModels) > 0 {
		if err := timeToFit(ctx, p, &r); err != nil {
			return err
		}
	}
	fmt.Println()
	fmt.Print(r.Markdown())
	return r.Save(p.out)
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// rotate returns the frameworks in the order of round r: each round starts with the next one.
func rotate(fs []string, r int) []string {
	out := make([]string, len(fs))
	for i := range fs {
		out[i] = fs[(i+r)%len(fs)]
	}
	return out
}

func throughput(ctx context.Context, p plan, r *Results) error {
	windows := map[string]map[string][]float64{}
	for round := range p.rounds {
		for _, model := range p.models {
			ws := windowSteps[model]
			w := workerFlags{model: model, mode: "throughput", batch: p.batch, threads: p.threads,
				warmup: ws[0], windows: 5, steps: ws[1], size: 1024, height: 28, width: 28, channels: 3,
				lr: 0.01, momentum: 0.9, seed: 1, maxEpochs: 1, device: p.device}
			if p.quick {
				w.warmup, w.windows, w.steps = 1, 2, max(1, ws[1]/10)
			}
			for _, f := range rotate(p.frameworks, round) {
				fmt.Fprintf(os.Stderr, "round %d/%d  %-9s %-9s ", round+1, p.rounds, model, f)
				lines, err := runWorkerProcess(ctx, f, w)
				if err != nil {
					return err
				}
				got := field(lines, "images_per_s")
				r.noteVersion(f, lines)
				fmt.Fprintf(os.Stderr, "%s images/s\n", formatList(got))
				if windows[model] == nil {
					windows[model] = map[string][]float64{}
				}
				windows[model][f] = append(windows[model][f], got...)
			}
		}
	}
	for _, model := range p.models {
		row := Row{Model: model, Windows: windows[model], Median: map[string]float64{}}
		for f, ws := range windows[model] {
			row.Median[f] = median(ws)
		}
		r.Throughput = append(r.Throughput, row)
	}
	return nil
}

// limit counts the FLOPs of an Inception step and measures TensorFlow's matrix-product rate.
func limit(ctx context.Context, p plan, r *Results) error {
	f, err := tfgraph.StepFLOPs(tfgraph.Architecture{Arch: tfgraph.Inception, BatchNorm: true}, int64(p.batch), 28, 28, 3, 10)
	if err != nil {
		return err
	}
	w := workerFlags{mode: "matmul", threads: p.threads, warmup: 2, windows: 5, steps: 3, size: 4096}
	if p.quick {
		w.windows, w.steps, w.size = 2, 1, 2048
	}
	fmt.Fprintf(os.Stderr, "matmul %dx%d, %d threads ", w.size, w.size, p.threads)
	lines, err := runWorkerProcess(ctx, "rethink", w)
	if err != nil {
		return err
	}
	rates := field(lines, "gflops")
	fmt.Fprintf(os.Stderr, "%s GFLOP/s\n", formatList(rates))
	r.Limit = Limit{StepFLOPs: f.Total(), ForwardFLOPs: f.Forward, MatMulSize: w.size, MatMulGFLOPs: median(rates)}
	for _, row := range r.Throughput {
		if row.Model == "inception" {
			if ips := row.Median["rethink"]; ips > 0 {
				r.Limit.StepSeconds = float64(p.batch) / ips
			}
		}
	}
	return nil
}

// timeToFit writes the random-label MNIST subset once, then fits it with every framework.
func timeToFit(ctx context.Context, p plan, r *Results) error {
	dir, err := os.MkdirTemp("", "rethink-bench-fit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ds, err := data.LoadMNIST()
	if err != nil {
		return err
	}
	cfg := experiments.DefaultConfig()
	cfg.Dataset, cfg.TrainSize, cfg.TestSize, cfg.Seed = "mnist", p.fitSize, 1, 1
	cfg.Randomization = data.Randomization{Mode: data.RandomLabels, P: 1}
	prep, err := experiments.Prepare(cfg, ds)
	if err != nil {
		return err
	}
	labels := make([]int32, prep.Train.N)
	for i, l := range prep.Train.Labels {
		labels[i] = int32(l)
	}
	if err := writeFitData(dir, tfgraph.Data{Images: prep.Train.Images, Labels: labels}); err != nil {
		return err
	}
	rounds := p.fitRounds
	if p.quick {
		rounds = 1
	}
	for round := range rounds {
		for _, model := range p.fitModels {
			w := workerFlags{model: model, mode: "fit", data: dir, batch: p.batch, threads: p.threads,
				height: prep.Train.H, width: prep.Train.W, channels: prep.Train.C, lr: 0.01, momentum: 0.9,
				seed: 1, maxEpochs: p.fitEpochs, device: p.device}
			if p.quick {
				w.maxEpochs = 2
			}
			for _, f := range rotate(p.frameworks, round) {
				fmt.Fprintf(os.Stderr, "fit round %d/%d  %-9s %-9s ", round+1, rounds, model, f)
				lines, err := runWorkerProcess(ctx, f, w)
				if err != nil {
					return err
				}
				fit := Fit{Model: model, Framework: f, Round: round + 1}
				for _, l := range lines {
					if e, ok := l["epoch"].(float64); ok {
						fit.Epochs = int(e)
						fit.Seconds, _ = l["seconds"].(float64)
						fit.TrainAcc, _ = l["train_acc"].(float64)
					}
				}
				r.noteVersion(f, lines)
				fit.Fitted = fit.TrainAcc >= 1
				fmt.Fprintf(os.Stderr, "%d epochs, %.1f s, train accuracy %.4f\n", fit.Epochs, fit.Seconds, fit.TrainAcc)
				r.Fits = append(r.Fits, fit)
			}
		}
	}
	return nil
}

// field returns the number under key of every worker line that has one, in order.
func field(lines []map[string]any, key string) []float64 {
	var out []float64
	for _, l := range lines {
		if v, ok := l[key].(float64); ok {
			out = append(out, v)
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func formatList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(parts, " ")
}

// workerOut is where a worker's JSON lines go (stdout; tests read them).
var workerOut io.Writer = os.Stdout

// emit writes one JSON line of the worker protocol (peers/common.py).
func emit(v map[string]any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(workerOut, string(b))
}

// pickDevice resolves rethink's device choice: "auto" is "gpu" when TensorFlow lists a GPU
// (the CUDA build on a machine with a usable NVIDIA GPU), else "cpu". It also returns the name
// the table shows: "the CPU", or the GPU's name as the driver reports it. Untested on a GPU:
// none was at hand where bench was written.
func pickDevice(choice string) (device, name string, err error) {
	switch choice {
	case "auto", "cpu", "gpu":
	default:
		return "", "", fmt.Errorf("-device %q: want auto, cpu or gpu", choice)
	}
	if choice == "cpu" {
		return "cpu", "the CPU", nil
	}
	devs, _, err := tfgraph.ListDevices()
	if err != nil {
		return "", "", err
	}
	gpu := slices.ContainsFunc(devs, func(d tfgraph.DeviceInfo) bool { return d.Type == "GPU" })
	switch {
	case gpu:
		name = "a GPU"
		if b, err := tfgraph.LoadedBuild(); err == nil {
			if st := tfgraph.ProbeGPU(b.LibDir); len(st.Devices) > 0 {
				name = "the GPU " + st.Devices[0].Name
			}
		}
		return "gpu", name, nil
	case choice == "gpu":
		return "", "", fmt.Errorf("-device gpu: %s", tfgraph.WhyNoGPU())
	}
	return "cpu", "the CPU", nil
}
