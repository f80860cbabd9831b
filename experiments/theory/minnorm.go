package theory

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// MinNormConfig says how to run SGD on an underdetermined least-squares problem: inputs with
// more values than there are examples (raw pixels or random ReLU features), one-hot targets.
type MinNormConfig struct {
	// Features is 0 for raw pixels (d = H*W*C), or the width p of random ReLU features
	// max(0, G x) with G Gaussian [p, d] scaled by 1/sqrt(d). Either way d (or p) must exceed n.
	Features int `json:"features,omitempty"`
	// Epochs of SGD (0: 100) with batches of Batch examples (0: 32), shuffled every epoch.
	Epochs int `json:"epochs,omitempty"`
	Batch  int `json:"batch,omitempty"`
	// LearningRate of SGD; 0 means 1 / max_i ||x_i||^2, which is stable for every batch size.
	LearningRate float64 `json:"learning_rate,omitempty"`
	// Momentum of SGD (0: plain SGD). Any momentum keeps the iterates in w0 + row space.
	Momentum float64 `json:"momentum,omitempty"`
	// StartScale is 0 for SGD from zero, else the standard deviation of a Gaussian start w0.
	StartScale float64 `json:"start_scale,omitempty"`
	Seed       uint64  `json:"seed,omitempty"`
	Threads    int     `json:"threads,omitempty"`
}

// MinNormEpoch is one point of the curves, after an epoch (epoch 0 is the start).
type MinNormEpoch struct {
	Epoch int `json:"epoch"`
	// Loss is the training loss 1/(2n) ||X W - Y||_F^2.
	Loss float64 `json:"loss"`
	// Dist is ||W - W*||_F / ||W*||_F, W* the minimum-norm interpolant.
	Dist float64 `json:"dist"`
	// DistPredicted is ||W - W_pred||_F / ||W_pred||_F, W_pred = W* + (I - P_row) W0 the
	// interpolant nearest to the start (equal to W* from zero).
	DistPredicted float64 `json:"dist_predicted"`
	Norm          float64 `json:"norm"` // ||W||_F
}

// MinNormResult is what MinNorm measured.
type MinNormResult struct {
	N, D, K       int // examples, inputs (pixels or features), outputs (classes)
	Features      int
	LearningRate  float64
	NormStar      float64 // ||W*||_F
	NormPredicted float64 // ||W* + (I - P_row) W0||_F
	NormStart     float64 // ||W0||_F
	// GramMax and GramMin are the largest and smallest eigenvalues of X X^T / n: SGD's error
	// along the slowest direction shrinks by about 1 - lr*GramMin per pass over the data, so
	// their ratio says how many epochs the distance needs.
	GramMax, GramMin float64
	Curve            []MinNormEpoch
	Time             time.Duration
}

// MinNorm trains the linear model f(x) = x W (no bias) by SGD in TensorFlow on the one-hot
// labels of train and compares its weights after every epoch with the minimum-norm interpolant
// W* = X^T (X X^T)^-1 Y, computed exactly in float64 (Cholesky of the n x n Gram matrix), and
// with the interpolant SGD should reach from the start W0, W* + (I - X^T (X X^T)^-1 X) W0.
// It needs n < d and linearly independent rows.
func MinNorm(ctx context.Context, train data.Set, classes int, cfg MinNormConfig, progress Progress) (*MinNormResult, error) {
	if cfg.Epochs == 0 {
		cfg.Epochs = 100
	}
	if cfg.Batch == 0 {
		cfg.Batch = 32
	}
	if err := train.Validate(classes); err != nil {
		return nil, fmt.Errorf("theory: minimum norm: %w", err)
	}
	n, k := train.N, classes
	x64 := make([]float64, len(train.Images))
	for i, v := range train.Images {
		x64[i] = float64(v)
	}
	d := train.ImageSize()
	if cfg.Features > 0 {
		x64 = randomReLUFeatures(x64, n, d, cfg.Features, cfg.Seed)
		d = cfg.Features
	}
	if n < 1 || n >= d || cfg.Epochs < 0 || cfg.Batch < 1 || cfg.LearningRate < 0 || cfg.StartScale < 0 {
		return nil, fmt.Errorf("%w: minimum norm: %d examples of %d inputs (need fewer examples than inputs), %d epochs, batch %d",
			ErrInvalid, n, d, cfg.Epochs, cfg.Batch)
	}
	y := make([]float64, n*k)
	for i, l := range train.Labels {
		y[i*k+int(l)] = 1
	}

	// Exact solutions in float64.
	X := mat.NewDense(n, d, x64)
	var gram mat.SymDense
	gram.SymOuterK(1, X)
	var chol mat.Cholesky
	if !chol.Factorize(&gram) {
		return nil, fmt.Errorf("%w: minimum norm: the rows of X are linearly dependent (duplicate images?): X X^T is singular", ErrInvalid)
	}
	var eig mat.EigenSym
	if !eig.Factorize(&gram, false) {
		return nil, fmt.Errorf("theory: minimum norm: eigenvalues of X X^T did not converge")
	}
	vals := eig.Values(nil)
	var alpha, wStar mat.Dense
	if err := chol.SolveTo(&alpha, mat.NewDense(n, k, y)); err != nil {
		return nil, fmt.Errorf("theory: minimum norm: %w", err)
	}
	wStar.Mul(X.T(), &alpha)
	w0 := mat.NewDense(d, k, nil)
	if cfg.StartScale > 0 {
		rng := rand.New(rand.NewPCG(cfg.Seed, 0x5747))
		for i := range d {
			for j := range k {
				w0.Set(i, j, cfg.StartScale*rng.NormFloat64())
			}
		}
	}
	// W_pred = W* + W0 - X^T (X X^T)^-1 X W0.
	var xw0, beta, proj, wPred mat.Dense
	xw0.Mul(X, w0)
	if err := chol.SolveTo(&beta, &xw0); err != nil {
		return nil, fmt.Errorf("theory: minimum norm: %w", err)
	}
	proj.Mul(X.T(), &beta)
	wPred.Sub(w0, &proj)
	wPred.Add(&wPred, &wStar)

	lr := cfg.LearningRate
	if lr == 0 {
		for i := range n {
			row := X.RawRowView(i)
			lr = max(lr, mat.Dot(mat.NewVecDense(d, row), mat.NewVecDense(d, row)))
		}
		lr = 1 / lr
	}
	res := &MinNormResult{N: n, D: d, K: k, Features: cfg.Features, LearningRate: lr,
		NormStar: mat.Norm(&wStar, 2), NormPredicted: mat.Norm(&wPred, 2), NormStart: mat.Norm(w0, 2),
		GramMax: vals[len(vals)-1] / float64(n), GramMin: vals[0] / float64(n)}

	m, err := tfgraph.NewLeastSquares(convert[float64, float32](x64), n, d, convert[float64, float32](y), k,
		convert[float64, float32](w0.RawMatrix().Data), lr, cfg.Momentum, cfg.Threads)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	start := time.Now()
	record := func(epoch int) error {
		w, loss, _, err := m.State()
		if err != nil {
			return err
		}
		wd := mat.NewDense(d, k, convert[float32, float64](w))
		res.Curve = append(res.Curve, MinNormEpoch{Epoch: epoch, Loss: loss, Norm: mat.Norm(wd, 2),
			Dist: relDist(wd, &wStar), DistPredicted: relDist(wd, &wPred)})
		return nil
	}
	if err := record(0); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xba7c))
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for lo := 0; lo < n; lo += cfg.Batch {
			if err := m.Step(idx[lo:min(lo+cfg.Batch, n)]); err != nil {
				return nil, fmt.Errorf("epoch %d: %w", epoch, err)
			}
		}
		if err := record(epoch); err != nil {
			return nil, err
		}
		last := res.Curve[len(res.Curve)-1]
		if math.IsNaN(last.Loss) || math.IsInf(last.Loss, 0) {
			return nil, fmt.Errorf("theory: minimum norm: SGD diverged at epoch %d with learning rate %g", epoch, lr)
		}
		progress.report(epoch, cfg.Epochs, fmt.Sprintf("SGD: distance to the minimum-norm solution %.2e", last.Dist))
	}
	res.Time = time.Since(start)
	return res, nil
}

// relDist is ||a - b||_F / ||b||_F.
func relDist(a, b *mat.Dense) float64 {
	var diff mat.Dense
	diff.Sub(a, b)
	return mat.Norm(&diff, 2) / mat.Norm(b, 2)
}

// randomReLUFeatures maps the n rows of x (n x d) to max(0, G x) with G [p, d] Gaussian / sqrt(d).
func randomReLUFeatures(x []float64, n, d, p int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0xfea7))
	g := mat.NewDense(p, d, nil)
	s := 1 / math.Sqrt(float64(d))
	for i := range p {
		for j := range d {
			g.Set(i, j, s*rng.NormFloat64())
		}
	}
	var f mat.Dense
	f.Mul(mat.NewDense(n, d, x), g.T())
	out := f.RawMatrix().Data
	for i, v := range out {
		out[i] = max(v, 0)
	}
	return out
}
