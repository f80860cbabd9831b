package main

import (
	"context"
	"fmt"
	"os"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/experiments/theory"
)

// kernelSolve measures the kernel interpolation of experiments/theory on the first n embedded
// MNIST images (5,000; 2,000 with -quick), in this process with the plan's threads: the GFLOP/s
// of computing the kernel matrix and of the preconditioned conjugate-gradient solve, to set
// beside TensorFlow's matrix-product rate (Limit.MatMulGFLOPs).
func kernelSolve(ctx context.Context, p plan, r *Results) error {
	n := 5000
	if p.quick {
		n = 2000
	}
	fmt.Fprintf(os.Stderr, "kernel interpolation of %d MNIST images, %d threads ", n, p.threads)
	ds, err := experiments.LoadData(ctx, experiments.DefaultConfig(), nil)
	if err != nil {
		return err
	}
	res, err := theory.KernelInterpolate(ctx, data.FirstN(ds.Train, n), data.FirstN(ds.Test, 1000), ds.Classes,
		theory.KernelConfig{Threads: p.threads}, nil)
	if err != nil {
		return fmt.Errorf("bench: kernel interpolation: %w", err)
	}
	fmt.Fprintf(os.Stderr, "%.1f GFLOP/s (kernel matrix), %.1f GFLOP/s (solve)\n", res.KernelGFLOPS, res.SolveGFLOPS)
	r.Kernel = KernelRate{N: n, KernelGFLOPs: res.KernelGFLOPS, SolveGFLOPs: res.SolveGFLOPS,
		Iterations: res.Iterations, Seconds: (res.KernelTime + res.EigenTime + res.SolveTime).Seconds()}
	return nil
}

// KernelRate is what kernelSolve measured.
type KernelRate struct {
	N                         int     // training images
	KernelGFLOPs, SolveGFLOPs float64 // rates of the kernel matrix and of the solve
	Iterations                int     // conjugate-gradient iterations
	Seconds                   float64 // kernel matrix, eigenvectors and solve
}
