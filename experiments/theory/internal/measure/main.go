// Command measure drives package theory from the command line, for measurements outside the app:
//
//	go run ./experiments/theory/internal/measure kernel -n 10000
//	go run ./experiments/theory/internal/measure theorem1 -n 1000 -labels random
//	go run ./experiments/theory/internal/measure minnorm -n 300
//
// It prints progress to stderr and the result as JSON to stdout. Ctrl-C cancels.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"rethink/experiments/data"
	"rethink/experiments/theory"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: measure kernel|theorem1|minnorm [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "kernel":
		err = kernel(ctx, os.Args[2:])
	case "minnorm":
		err = minnorm(ctx, os.Args[2:])
	case "theorem1":
		err = theorem1(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

// progress prints a stage's progress at most twice a second, and its end.
func progress() theory.Progress {
	var last time.Time
	start := time.Now()
	return func(done, total int, what string) {
		if now := time.Now(); now.Sub(last) > 500*time.Millisecond || done == total {
			fmt.Fprintf(os.Stderr, "[%6.1fs] %s: %d/%d\n", time.Since(start).Seconds(), what, done, total)
			last = now
		}
	}
}

// mnist loads MNIST, takes the first n training images (all when n <= 0) and randomizes them
// as mode says.
func mnist(n, testN int, mode string, seed uint64) (train, test data.Set, err error) {
	ds, err := data.LoadMNIST()
	if err != nil {
		return train, test, err
	}
	if mode != "" {
		m, err := data.ParseMode(mode)
		if err != nil {
			return train, test, err
		}
		r, err := data.Apply(ds, data.Randomization{Mode: m}, seed)
		if err != nil {
			return train, test, err
		}
		train, test = r.Train, r.Test
	} else {
		train, test = ds.Train, ds.Test
	}
	if n > 0 {
		train = data.FirstN(train, n)
	}
	if testN >= 0 {
		test = data.FirstN(test, testN)
	}
	return train, test, nil
}

func kernel(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kernel", flag.ExitOnError)
	n := fs.Int("n", 1000, "training images (0: all 60,000)")
	testN := fs.Int("test", -1, "test images (-1: all 10,000)")
	mode := fs.String("mode", "", "randomization: random-labels, gaussian, ... (empty: true labels)")
	var cfg theory.KernelConfig
	fs.Float64Var(&cfg.Bandwidth, "sigma", 0, "bandwidth (0: median heuristic)")
	fs.Float64Var(&cfg.BandwidthScale, "scale", 0, "multiplier of the median distance")
	fs.Float64Var(&cfg.Ridge, "ridge", 0, "ridge lambda")
	fs.Float64Var(&cfg.Tol, "tol", 0, "relative residual to stop at")
	fs.IntVar(&cfg.MaxIter, "iters", 0, "maximum iterations")
	fs.Float64Var(&cfg.FitTol, "fit-tol", 0, "stop at 100% train accuracy and this residual (0: 1e-2, -1: off)")
	fs.IntVar(&cfg.Eigen, "eigen", 0, "eigenvectors in the preconditioner (-1: none)")
	fs.IntVar(&cfg.Block, "block", 0, "tile size")
	fs.IntVar(&cfg.EigenOversample, "oversample", 0, "extra columns of the subspace iteration")
	fs.IntVar(&cfg.EigenIters, "eigen-iters", 0, "power iterations of the subspace iteration")
	fs.IntVar(&cfg.Threads, "threads", 0, "TensorFlow threads")
	fs.IntVar(&cfg.EvalEvery, "eval-every", 0, "test error every k iterations")
	fs.Int64Var(&cfg.MemoryLimit, "mem", 0, "memory limit in bytes (0: MemAvailable - 1 GiB)")
	curve := fs.Bool("curve", false, "print the per-iteration curve")
	if err := fs.Parse(args); err != nil {
		return err
	}
	train, test, err := mnist(*n, *testN, *mode, 1)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := theory.KernelInterpolate(ctx, train, test, 10, cfg, progress())
	if err != nil {
		return err
	}
	wall := time.Since(start)
	out := map[string]any{
		"n": res.N, "test_n": res.TestN, "bandwidth": res.Bandwidth, "median_distance": res.MedianDistance,
		"ridge": res.Ridge, "iterations": res.Iterations, "stop": res.Stop, "residual": res.Residual,
		"train_error_pct": 100 * (1 - res.TrainAcc), "test_error_pct": 100 * (1 - res.TestAcc),
		"kernel_s": res.KernelTime.Seconds(), "eigen_s": res.EigenTime.Seconds(), "solve_s": res.SolveTime.Seconds(),
		"predict_s": res.PredictTime.Seconds(), "wall_s": wall.Seconds(), "kernel_gflops": res.KernelGFLOPS,
		"solve_gflops": res.SolveGFLOPS, "memory_estimate_gb": float64(res.MemoryEstimate) / 1e9, "device": res.Device,
	}
	if len(res.Eigenvalues) > 0 {
		out["eigen_first_last"] = []float64{res.Eigenvalues[0], res.Eigenvalues[len(res.Eigenvalues)-1]}
	}
	if *curve {
		var c [][]float64
		for _, it := range res.Curve {
			ta := it.TestAcc
			if math.IsNaN(ta) {
				ta = -1
			}
			c = append(c, []float64{float64(it.Iter), it.Residual, it.TrainAcc, ta, it.Seconds})
		}
		out["curve"] = c
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func theorem1(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("theorem1", flag.ExitOnError)
	ns := fs.String("n", "1000", "training images, comma-separated for a curve")
	testN := fs.Int("test", -1, "test images (-1: all 10,000)")
	mode := fs.String("mode", "", "randomization: random-labels, gaussian, ... (empty: true labels)")
	var cfg theory.Theorem1Config
	outputs := fs.String("outputs", "scalar", "scalar or one-hot")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the direction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Outputs = theory.Outputs(*outputs)
	var rows []map[string]any
	for _, f := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			return err
		}
		train, test, err := mnist(n, *testN, *mode, 1)
		if err != nil {
			return err
		}
		res, err := theory.Theorem1Set(ctx, train, test, 10, cfg, progress())
		if err != nil {
			return err
		}
		rows = append(rows, map[string]any{
			"n": res.N, "weights": res.Weights, "2n+d": res.TwoNPlusD, "outputs": res.Outputs,
			"train_acc64": res.Float64.TrainAcc, "train_acc32": res.Float32.TrainAcc,
			"test_acc64": res.Float64.TestAcc, "test_acc32": res.Float32.TestAcc,
			"max_residual64": res.Float64.MaxResidual, "max_residual32": res.Float32.MaxResidual,
			"min_gap": res.MinGap, "min_gap_pair": res.MinGapPair, "z_range": res.ProjectionRange,
			"build_s": res.BuildTime.Seconds(), "eval_s": res.EvalTime.Seconds(),
		})
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

func minnorm(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("minnorm", flag.ExitOnError)
	n := fs.Int("n", 300, "training images")
	mode := fs.String("mode", "", "randomization: random-labels, gaussian, ... (empty: true labels)")
	var cfg theory.MinNormConfig
	fs.IntVar(&cfg.Features, "features", 0, "random ReLU features (0: raw pixels)")
	fs.IntVar(&cfg.Epochs, "epochs", 0, "epochs")
	fs.IntVar(&cfg.Batch, "batch", 0, "batch size")
	fs.Float64Var(&cfg.LearningRate, "lr", 0, "learning rate (0: 1/max ||x||^2)")
	fs.Float64Var(&cfg.Momentum, "momentum", 0, "momentum")
	fs.Float64Var(&cfg.StartScale, "start", 0, "std of a Gaussian start (0: zero)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	train, _, err := mnist(*n, 0, *mode, 1)
	if err != nil {
		return err
	}
	res, err := theory.MinNorm(ctx, train, 10, cfg, progress())
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
