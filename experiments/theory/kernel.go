package theory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// KernelConfig says how to interpolate with a Gaussian kernel. The zero value (after defaults)
// is the paper's Section 5 experiment: no regularization, solved to a small residual.
type KernelConfig struct {
	// Bandwidth is sigma of k(x, y) = exp(-||x - y||^2 / (2 sigma^2)) on raw pixels in [0, 1].
	// 0 means BandwidthScale times the median pairwise distance of a sample of the training
	// images (the median heuristic; the paper names no bandwidth).
	Bandwidth float64 `json:"bandwidth,omitempty"`
	// BandwidthScale multiplies the median distance when Bandwidth is 0 (0: DefaultBandwidthScale).
	BandwidthScale float64 `json:"bandwidth_scale,omitempty"`
	// Ridge is lambda of (K + lambda I) alpha = Y; 0 is exact interpolation.
	Ridge float64 `json:"ridge,omitempty"`
	// Tol is the relative residual ||Y - (K + lambda I) alpha||_F / ||Y||_F to stop at
	// (0: DefaultKernelTol).
	Tol float64 `json:"tol,omitempty"`
	// MaxIter bounds the conjugate-gradient iterations (0: DefaultKernelMaxIter).
	MaxIter int `json:"max_iter,omitempty"`
	// FitTol stops as soon as the training set is classified 100% right and the relative
	// residual is at most FitTol, before Tol is reached (0: DefaultKernelFitTol; negative: off,
	// solve to Tol). The test error settles long before the residual does (at n = 10,000 it
	// does not change after a residual of 0.07), so this saves most of the iterations.
	FitTol float64 `json:"fit_tol,omitempty"`
	// Eigen is the number of top eigenvectors of K in the preconditioner (0: DefaultKernelEigen;
	// negative: none, plain conjugate gradients).
	Eigen int `json:"eigen,omitempty"`
	// EigenOversample extra columns (0: DefaultEigenOversample) and EigenIters products
	// (0: DefaultEigenIters) shape the subspace iteration that finds the eigenvectors.
	EigenOversample int `json:"eigen_oversample,omitempty"`
	EigenIters      int `json:"eigen_iters,omitempty"`
	// Block is the tile size of the kernel matrix (0: DefaultKernelBlock).
	Block int `json:"block,omitempty"`
	// Threads bounds TensorFlow's thread pools (0: TensorFlow's default, one per core).
	Threads int `json:"threads,omitempty"`
	// MemoryLimit in bytes; 0 means MemAvailable minus MemoryMargin at the start.
	MemoryLimit int64 `json:"memory_limit,omitempty"`
	// EvalEvery computes the test error every that many iterations (0: only at the end).
	EvalEvery int `json:"eval_every,omitempty"`
	// Seed drives the bandwidth sample and the preconditioner's random start.
	Seed uint64 `json:"seed,omitempty"`
}

// Defaults of KernelConfig.
const (
	DefaultBandwidthScale = 0.5
	DefaultKernelTol      = 1e-3
	DefaultKernelFitTol   = 1e-2
	DefaultKernelMaxIter  = 500
	DefaultKernelEigen    = 160
	DefaultKernelBlock    = 2000
	// bandwidthSample is the number of images whose pairwise distances give the median.
	bandwidthSample = 1000
	// predictChunk is the number of images per kernel prediction call.
	predictChunk           = 1000
	DefaultEigenOversample = 20
	DefaultEigenIters      = 2
)

func (c KernelConfig) withDefaults() KernelConfig {
	if c.BandwidthScale == 0 {
		c.BandwidthScale = DefaultBandwidthScale
	}
	if c.Tol == 0 {
		c.Tol = DefaultKernelTol
	}
	if c.FitTol == 0 {
		c.FitTol = DefaultKernelFitTol
	}
	if c.MaxIter == 0 {
		c.MaxIter = DefaultKernelMaxIter
	}
	if c.Eigen == 0 {
		c.Eigen = DefaultKernelEigen
	}
	if c.EigenOversample == 0 {
		c.EigenOversample = DefaultEigenOversample
	}
	if c.EigenIters == 0 {
		c.EigenIters = DefaultEigenIters
	}
	if c.Block == 0 {
		c.Block = DefaultKernelBlock
	}
	return c
}

// KernelIter is one point of the solver's curve.
type KernelIter struct {
	Iter     int     `json:"iter"`
	Residual float64 `json:"residual"`  // relative, by the CG recurrence
	TrainAcc float64 `json:"train_acc"` // in [0, 1], argmax of K alpha against the labels
	TestAcc  float64 `json:"test_acc"`  // NaN unless evaluated at this iteration
	Seconds  float64 `json:"seconds"`   // since the start of the solve
}

// KernelResult is what KernelInterpolate measured.
type KernelResult struct {
	N, D, Classes, TestN int
	Bandwidth            float64 // sigma used
	MedianDistance       float64 // median pairwise distance of the sample (0 when Bandwidth was given)
	Ridge                float64
	Iterations           int
	// Stop says why the solver stopped: "tolerance", "fit", "stalled" or "iterations".
	Stop string
	// Residual is the relative residual ||Y - (K + lambda I) alpha||_F / ||Y||_F computed
	// afresh with one more product at the end (not the recurrence's).
	Residual          float64
	TrainAcc, TestAcc float64 // in [0, 1]
	Curve             []KernelIter
	// Eigenvalues of K found for the preconditioner, largest first (empty without one).
	Eigenvalues []float64
	// Times of the stages and the rate of the stored kernel's products with 10 columns.
	KernelTime, EigenTime, SolveTime, PredictTime time.Duration
	KernelGFLOPS, SolveGFLOPS                     float64
	// MemoryEstimate is the need estimated before anything was allocated, in bytes.
	MemoryEstimate int64
	Device         string
	// Alpha holds the coefficients, [N, Classes] row-major.
	Alpha []float32
}

// KernelMemory estimates the peak memory in bytes of KernelInterpolate for n training images of
// d values, c classes and test images, with cfg's tile size and preconditioner: the stored
// tiles, the images, the solver's float64 columns, the eigenvector blocks, the tiles in flight,
// allocator slack and a fixed allowance for the TensorFlow runtime. Measured peaks were below
// it: 0.62 GB (estimate 1.2) at n = 1,000, 1.18 GB (1.7) at 10,000, 10.5 GB (10.9) at 60,000.
func KernelMemory(n, d, c, testN int, cfg KernelConfig) int64 {
	cfg = cfg.withDefaults()
	const runtime = 1 << 30
	n64, b := int64(n), int64(min(cfg.Block, n))
	need := tfgraph.RBFKernelBytes(n, d, cfg.Block)
	need += 4 * int64(n+testN) * int64(d) * 2 // images in Go and one copy in flight
	need += 8 * n64 * int64(c) * 8            // x, r, z, p, q, fit, y and a float32 pair
	if cfg.Eigen > 0 {
		l := int64(min(cfg.Eigen+cfg.EigenOversample, n))
		need += n64 * l * (8*3 + 4*3) // Q, KQ, vectors; float32 in and out; TensorFlow's copy
	}
	need += 4 * b * b * 4                     // tiles being computed
	need += 4 * int64(predictChunk) * n64 * 2 // a chunk's kernel rows and their exponentials
	// TensorFlow's allocator and the heap keep about a tenth more than the tiles: measured
	// 10.5 GB peak RSS at n = 60,000 against 9.5 GB counted without this term.
	need += tfgraph.RBFKernelBytes(n, d, cfg.Block) / 10
	return need + runtime
}

// ErrInvalid is wrapped by errors about settings or inputs that cannot work.
var ErrInvalid = errors.New("theory: invalid input")

// KernelInterpolate solves (K + Ridge I) alpha = Y for the one-hot labels Y of train with a
// Gaussian kernel on the raw pixels, and reports the training and test accuracy of
// f(x) = sum_i alpha_i k(x_i, x). The kernel matrix is computed once into TensorFlow memory
// (float32, its lower triangle) and the system is solved by conjugate gradients preconditioned
// with the top eigenvectors of K. It refuses with ErrMemory, before allocating anything large,
// when KernelMemory exceeds the limit. classes is the number of label values (10 for MNIST).
// It blocks; cancelling ctx stops it between TensorFlow calls (at most a few seconds at n =
// 60,000) with ctx's error.
func KernelInterpolate(ctx context.Context, train, test data.Set, classes int, cfg KernelConfig, progress Progress) (*KernelResult, error) {
	cfg = cfg.withDefaults()
	if err := train.Validate(classes); err != nil {
		return nil, fmt.Errorf("theory: kernel: training set: %w", err)
	}
	if test.N > 0 {
		if err := test.Validate(classes); err != nil {
			return nil, fmt.Errorf("theory: kernel: test set: %w", err)
		}
		if test.ImageSize() != train.ImageSize() {
			return nil, fmt.Errorf("%w: kernel: test images have %d values, training images %d", ErrInvalid, test.ImageSize(), train.ImageSize())
		}
	}
	n, d, c := train.N, train.ImageSize(), classes
	switch {
	case n < 2 || classes < 2:
		return nil, fmt.Errorf("%w: kernel: %d training images and %d classes", ErrInvalid, n, classes)
	case cfg.Ridge < 0 || cfg.Bandwidth < 0 || cfg.BandwidthScale < 0 || cfg.Tol < 0:
		return nil, fmt.Errorf("%w: kernel: negative ridge, bandwidth or tolerance", ErrInvalid)
	}
	res := &KernelResult{N: n, D: d, Classes: c, TestN: test.N, Ridge: cfg.Ridge}
	res.MemoryEstimate = KernelMemory(n, d, c, test.N, cfg)
	if err := checkMemory(fmt.Sprintf("kernel interpolation of %d images", n), res.MemoryEstimate, cfg.MemoryLimit); err != nil {
		return nil, err
	}

	res.Bandwidth = cfg.Bandwidth
	if res.Bandwidth == 0 {
		res.MedianDistance = MedianDistance(train, bandwidthSample, cfg.Seed)
		res.Bandwidth = cfg.BandwidthScale * res.MedianDistance
		if !(res.Bandwidth > 0) {
			return nil, fmt.Errorf("%w: kernel: the sampled images are all equal, no bandwidth from the median heuristic", ErrInvalid)
		}
	}

	k, err := tfgraph.NewRBFKernel(train.Images, n, d, res.Bandwidth, cfg.Block, cfg.Threads)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	res.Device = k.Device()
	start := time.Now()
	if err := k.Compute(ctx, func(done, total int) { progress.report(done, total, "kernel matrix") }); err != nil {
		return nil, err
	}
	res.KernelTime = time.Since(start)
	res.KernelGFLOPS = float64(n) * float64(n) * float64(d+10) / res.KernelTime.Seconds() / 1e9

	op := func(v []float32, c int, dst []float32) ([]float32, error) { return k.MatMul(v, c, dst) }

	var pre *spectral
	if cfg.Eigen > 0 && n > 2*cfg.Eigen {
		start = time.Now()
		vecs, vals, err := topEigen(ctx, op, n, cfg.Eigen, cfg.EigenOversample, cfg.EigenIters, cfg.Seed, func(done, total int) {
			progress.report(done, total, "eigenvectors for the preconditioner")
		})
		if err != nil {
			return nil, err
		}
		res.Eigenvalues = vals
		shifted := make([]float64, len(vals))
		for i, v := range vals {
			shifted[i] = v + cfg.Ridge
		}
		pre = newSpectral(vecs, shifted, n)
		if pre != nil {
			if err := pre.useTensorFlow(cfg.Threads); err != nil {
				return nil, err
			}
			defer pre.close()
		}
		res.EigenTime = time.Since(start)
	}

	y := make([]float64, n*c)
	for i, l := range train.Labels {
		y[i*c+int(l)] = 1
	}
	start = time.Now()
	lastReport := time.Time{}
	var evalErr error
	var alpha32 []float32
	var evalTime time.Duration
	each := func(s cgStep) bool {
		it := KernelIter{Iter: s.Iter, Residual: s.Residual, TrainAcc: accuracy(s.Fit, train.Labels, c), TestAcc: math.NaN(),
			Seconds: (time.Since(start) - evalTime).Seconds()}
		if cfg.EvalEvery > 0 && s.Iter%cfg.EvalEvery == 0 && test.N > 0 {
			t0 := time.Now()
			alpha32 = toFloat32(s.X, alpha32)
			it.TestAcc, evalErr = kernelTestAccuracy(ctx, k, test, alpha32, c, progress)
			evalTime += time.Since(t0)
		}
		res.Curve = append(res.Curve, it)
		if now := time.Now(); now.Sub(lastReport) > 200*time.Millisecond || s.Iter == cfg.MaxIter {
			progress.report(s.Iter, cfg.MaxIter, fmt.Sprintf("conjugate gradients: residual %.2e, train accuracy %.2f%%", s.Residual, 100*it.TrainAcc))
			lastReport = now
		}
		switch {
		case cfg.FitTol > 0 && it.TrainAcc == 1 && s.Residual <= cfg.FitTol:
			res.Stop = "fit"
		case stalled(res.Curve):
			res.Stop = "stalled"
		}
		return res.Stop != ""
	}
	alpha, iters, err := pcg(ctx, op, y, n, c, cfg.Ridge, pre, cfg.Tol, cfg.MaxIter, func(s cgStep) bool {
		stop := each(s)
		return stop || evalErr != nil
	})
	if err == nil {
		err = evalErr
	}
	if err != nil {
		return nil, err
	}
	res.SolveTime = time.Since(start) - evalTime
	res.Iterations = iters
	if res.Stop == "" {
		res.Stop = "iterations"
		if len(res.Curve) > 0 && res.Curve[len(res.Curve)-1].Residual <= cfg.Tol {
			res.Stop = "tolerance"
		}
	}
	// One more product for the true residual and the training accuracy.
	fit, err := applyOp(op, alpha, c, new([]float32), new([]float32), nil)
	if err != nil {
		return nil, err
	}
	var rr, yy float64
	for i := range fit {
		fit[i] += cfg.Ridge * alpha[i]
		rr += (y[i] - fit[i]) * (y[i] - fit[i])
		yy += y[i] * y[i]
	}
	res.Residual = math.Sqrt(rr / yy)
	res.TrainAcc = accuracy(fit, train.Labels, c)
	res.SolveGFLOPS = 2 * float64(n) * float64(n) * float64(c) * float64(iters) / res.SolveTime.Seconds() / 1e9
	res.Alpha = toFloat32(alpha, nil)
	res.TestAcc = math.NaN()
	if test.N > 0 {
		start = time.Now()
		acc, err := kernelTestAccuracy(ctx, k, test, res.Alpha, c, progress)
		if err != nil {
			return nil, err
		}
		res.TestAcc = acc
		res.PredictTime = time.Since(start)
	}
	return res, nil
}

// stallWindow is the number of iterations over which the residual must fall by stallFactor, or
// the solve has reached what float32 products allow.
const (
	stallWindow = 25
	stallFactor = 0.9
)

// stalled reports whether the residual fell by less than stallFactor over the last stallWindow
// iterations.
func stalled(curve []KernelIter) bool {
	if len(curve) <= stallWindow {
		return false
	}
	return curve[len(curve)-1].Residual > stallFactor*curve[len(curve)-1-stallWindow].Residual
}

// kernelTestAccuracy classifies test with the coefficients alpha, in chunks of predictChunk.
func kernelTestAccuracy(ctx context.Context, k *tfgraph.RBFKernel, test data.Set, alpha []float32, c int, progress Progress) (float64, error) {
	d := test.ImageSize()
	var hits int
	for lo := 0; lo < test.N; lo += predictChunk {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		hi := min(lo+predictChunk, test.N)
		pred, err := k.Predict(test.Images[lo*d:hi*d], hi-lo, alpha, c)
		if err != nil {
			return 0, err
		}
		for i := range hi - lo {
			if argmax(pred[i*c:(i+1)*c]) == int(test.Labels[lo+i]) {
				hits++
			}
		}
		progress.report(hi, test.N, "test predictions")
	}
	return float64(hits) / float64(test.N), nil
}

// toFloat32 converts v into dst, grown when too short.
func toFloat32(v []float64, dst []float32) []float32 {
	if cap(dst) < len(v) {
		dst = make([]float32, len(v))
	}
	dst = dst[:len(v)]
	for i, x := range v {
		dst[i] = float32(x)
	}
	return dst
}

// accuracy is the fraction of rows of fit (n x c) whose largest entry is at the label.
func accuracy(fit []float64, labels []uint8, c int) float64 {
	hits := 0
	for i, l := range labels {
		if argmax(fit[i*c:(i+1)*c]) == int(l) {
			hits++
		}
	}
	return float64(hits) / float64(len(labels))
}

// argmax returns the index of the largest value (the first on ties).
func argmax[T tfgraph.Float](v []T) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// MedianDistance returns the median Euclidean distance between the pairs of a sample of at
// most m images of s (drawn with seed), the scale of the median heuristic.
func MedianDistance(s data.Set, m int, seed uint64) float64 {
	d := s.ImageSize()
	idx := rand.New(rand.NewPCG(seed, 0xd157)).Perm(s.N)[:min(m, s.N)]
	dist := make([]float64, 0, len(idx)*(len(idx)-1)/2)
	for a := range idx {
		xa := s.Image(idx[a])
		for b := range a {
			xb := s.Image(idx[b])
			var sum float64
			for i := range d {
				t := float64(xa[i]) - float64(xb[i])
				sum += t * t
			}
			dist = append(dist, sum)
		}
	}
	if len(dist) == 0 {
		return 0
	}
	slices.Sort(dist)
	return math.Sqrt(dist[len(dist)/2])
}
