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

// Outputs says how Theorem 1's network handles ten classes.
type Outputs string

const (
	// ScalarOutput fits the class index as one real value, c(x_i) = y_i, with exactly 2n + d
	// weights (a, b, w) as in the theorem; a prediction is c(x) rounded and clamped to a class.
	// It fits any labels, but between training points c only interpolates linearly between
	// class indices, so test predictions say little.
	ScalarOutput Outputs = "scalar"
	// OneHotOutput has one output per class sharing a and b, c_k(x_i) = [y_i = k], with
	// d + n + classes*n weights; a prediction is the largest output.
	OneHotOutput Outputs = "one-hot"
)

// ErrDuplicate is wrapped by the error of Theorem 1 on two identical images: no network can
// give them different labels, and the construction needs distinct projections.
var ErrDuplicate = errors.New("theory: duplicate images")

// Theorem1Network is the two-layer ReLU network of the proof of Theorem 1 of Zhang et al.
// (2017), c(x) = sum_j W_j ReLU(<a, x> - b_j), built in float64 for n points of d values.
type Theorem1Network struct {
	D, N, Outputs int
	A             []float64 // the direction, d values, unit length
	B             []float64 // thresholds, ascending: b_1 < z_1 < b_2 < z_2 < ... < b_n < z_n
	W             []float64 // [n, Outputs] row-major; row j goes with threshold j
	Z             []float64 // the sorted projections z_j = <a, x_order[j]>
	Order         []int     // Order[j] is the index of the training point with the j-th projection
	// MinGap is the smallest difference of consecutive sorted projections, between the
	// training points MinGapPair. float32 can no longer tell z values apart once MinGap
	// nears their size times 2^-24 (about 6e-8).
	MinGap     float64
	MinGapPair [2]int
	// Redraws is how many directions were drawn and rejected for a repeated projection.
	Redraws int
}

// Weights is the number of weights of the network: d (a) + n (b) + n*Outputs (W); 2n + d with
// one output.
func (t *Theorem1Network) Weights() int { return t.D + t.N + t.N*t.Outputs }

// maxRedraws bounds the directions tried when distinct images share a projection.
const maxRedraws = 5

// BuildTheorem1 constructs the network that fits targets exactly on the n points x (n*d values,
// row-major): a random unit direction a (from seed) so that the projections z_i = <a, x_i> are
// distinct, the projections sorted, thresholds b_1 = z_1 - (z_n - z_1)/n and b_j = (z_{j-1} +
// z_j)/2 interleaved, and the lower-triangular system A W = Y with A_ij = ReLU(z_i - b_j)
// solved by forward substitution. targets is [n, outputs] row-major. Identical images give an
// error wrapping ErrDuplicate that names them. It costs n*d + n^2*outputs operations.
func BuildTheorem1[T tfgraph.Float](x []T, n, d int, targets []float64, outputs int, seed uint64) (*Theorem1Network, error) {
	if n < 1 || d < 1 || outputs < 1 || len(x) != n*d || len(targets) != n*outputs {
		return nil, fmt.Errorf("%w: theorem 1: %d values for %d points of %d, %d targets for %d outputs", ErrInvalid, len(x), n, d, len(targets), outputs)
	}
	rng := rand.New(rand.NewPCG(seed, 0x7e01))
	net := &Theorem1Network{D: d, N: n, Outputs: outputs, A: make([]float64, d), Z: make([]float64, n)}
	for {
		var norm float64
		for k := range net.A {
			net.A[k] = rng.NormFloat64()
			norm += net.A[k] * net.A[k]
		}
		norm = math.Sqrt(norm)
		for k := range net.A {
			net.A[k] /= norm
		}
		proj := make([]float64, n)
		for i := range n {
			var z float64
			for k, v := range x[i*d : (i+1)*d] {
				z += net.A[k] * float64(v)
			}
			proj[i] = z
		}
		net.Order = make([]int, n)
		for i := range net.Order {
			net.Order[i] = i
		}
		slices.SortStableFunc(net.Order, func(i, j int) int { return cmpFloat(proj[i], proj[j]) })
		for j, i := range net.Order {
			net.Z[j] = proj[i]
		}
		net.MinGap = math.Inf(1)
		tie := -1
		for j := 1; j < n; j++ {
			if g := net.Z[j] - net.Z[j-1]; g < net.MinGap {
				net.MinGap, net.MinGapPair = g, [2]int{net.Order[j-1], net.Order[j]}
				if g == 0 && tie < 0 {
					tie = j
				}
			}
		}
		if tie < 0 {
			break
		}
		i, k := net.Order[tie-1], net.Order[tie]
		if slices.Equal(x[i*d:(i+1)*d], x[k*d:(k+1)*d]) {
			return nil, fmt.Errorf("%w: images %d and %d are identical, so they have the same projection %g; "+
				"Theorem 1 needs n distinct points: remove one of them", ErrDuplicate, min(i, k), max(i, k), net.Z[tie])
		}
		if net.Redraws++; net.Redraws > maxRedraws {
			return nil, fmt.Errorf("%w: images %d and %d have the same projection %g for %d random directions", ErrDuplicate, min(i, k), max(i, k), net.Z[tie], net.Redraws)
		}
	}
	if n == 1 {
		net.MinGap = math.NaN()
		net.MinGapPair = [2]int{0, 0}
	}

	net.B = make([]float64, n)
	spread := (net.Z[n-1] - net.Z[0]) / float64(n)
	if spread == 0 {
		spread = 1
	}
	net.B[0] = net.Z[0] - spread
	for j := 1; j < n; j++ {
		net.B[j] = (net.Z[j-1] + net.Z[j]) / 2
	}

	// Forward substitution, row by row of the sorted order.
	o := outputs
	net.W = make([]float64, n*o)
	sum := make([]float64, o)
	for i := range n {
		clear(sum)
		zi := net.Z[i]
		for j := range i {
			aij := zi - net.B[j]
			for k := range o {
				sum[k] += aij * net.W[j*o+k]
			}
		}
		diag := zi - net.B[i]
		row := net.Order[i]
		for k := range o {
			net.W[i*o+k] = (targets[row*o+k] - sum[k]) / diag
		}
	}
	return net, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Picture returns the triangular matrix A_ij = ReLU(z_i - b_j) (rows and columns in sorted
// order) downsampled to size x size cells, each the mean of its block; row 0 is the smallest
// projection. Values are in the units of z.
func (t *Theorem1Network) Picture(size int) [][]float64 {
	size = max(1, min(size, t.N))
	pic := make([][]float64, size)
	for p := range size {
		pic[p] = make([]float64, size)
		r0, r1 := p*t.N/size, (p+1)*t.N/size
		for q := range size {
			c0, c1 := q*t.N/size, (q+1)*t.N/size
			var s float64
			for i := r0; i < r1; i++ {
				for j := c0; j < min(c1, i+1); j++ {
					s += t.Z[i] - t.B[j]
				}
			}
			pic[p][q] = s / float64((r1-r0)*(c1-c0))
		}
	}
	return pic
}

// Theorem1Config says how to build and evaluate Theorem 1's network.
type Theorem1Config struct {
	Outputs Outputs `json:"outputs,omitempty"` // "" means ScalarOutput
	Seed    uint64  `json:"seed,omitempty"`    // the direction a
	// PictureSize is the side of the downsampled picture of A (0: 128).
	PictureSize int `json:"picture_size,omitempty"`
	// Threads bounds TensorFlow's thread pools (0: TensorFlow's default).
	Threads int `json:"threads,omitempty"`
}

// Theorem1Eval is the network evaluated through TensorFlow in one precision.
type Theorem1Eval struct {
	TrainAcc, TestAcc float64 // in [0, 1]; TestAcc is NaN without a test set
	// MaxResidual is max_i |c(x_i) - y_i| over the training points and outputs.
	MaxResidual float64
}

// Theorem1Result is what Theorem1 measured.
type Theorem1Result struct {
	N, D, Classes, TestN int
	Outputs              Outputs
	Weights              int // the network's weight count
	TwoNPlusD            int // 2n + d, the theorem's count
	Float32, Float64     Theorem1Eval
	MinGap               float64 // smallest gap between sorted projections
	MinGapPair           [2]int  // the training images on either side of it
	ProjectionRange      [2]float64
	Redraws              int
	Picture              [][]float64 // see Theorem1Network.Picture
	BuildTime, EvalTime  time.Duration
	Network              *Theorem1Network
}

// Theorem1 builds Theorem 1's network on the n training points x (n*d values, float32 or
// float64) with labels in [0, classes), and evaluates it through TensorFlow in float32 and in
// float64 on the training points and the test points testX, testLabels (which may be empty).
// Labels may be true or random, the points real or Gaussian: the construction only needs them
// distinct (see BuildTheorem1 and ErrDuplicate).
func Theorem1[T tfgraph.Float](ctx context.Context, x []T, labels []uint8, testX []T, testLabels []uint8, d, classes int,
	cfg Theorem1Config, progress Progress) (*Theorem1Result, error) {
	if cfg.Outputs == "" {
		cfg.Outputs = ScalarOutput
	}
	if cfg.PictureSize == 0 {
		cfg.PictureSize = 128
	}
	n := len(labels)
	if d < 1 || classes < 2 || len(x) != n*d || len(testX) != len(testLabels)*d {
		return nil, fmt.Errorf("%w: theorem 1: %d values for %d labels and %d test values for %d test labels of %d dimensions",
			ErrInvalid, len(x), n, len(testX), len(testLabels), d)
	}
	for i, l := range slices.Concat(labels, testLabels) {
		if int(l) >= classes {
			return nil, fmt.Errorf("%w: theorem 1: label %d of image %d is not below %d classes", ErrInvalid, l, i, classes)
		}
	}
	var outputs int
	targets := make([]float64, 0, n*classes)
	switch cfg.Outputs {
	case ScalarOutput:
		outputs = 1
		for _, l := range labels {
			targets = append(targets, float64(l))
		}
	case OneHotOutput:
		outputs = classes
		for _, l := range labels {
			row := make([]float64, classes)
			row[l] = 1
			targets = append(targets, row...)
		}
	default:
		return nil, fmt.Errorf("%w: theorem 1: outputs %q, want %q or %q", ErrInvalid, cfg.Outputs, ScalarOutput, OneHotOutput)
	}
	progress.report(0, 3, "closed-form network")
	start := time.Now()
	net, err := BuildTheorem1(x, n, d, targets, outputs, cfg.Seed)
	if err != nil {
		return nil, err
	}
	res := &Theorem1Result{N: n, D: d, Classes: classes, TestN: len(testLabels), Outputs: cfg.Outputs,
		Weights: net.Weights(), TwoNPlusD: 2*n + d, MinGap: net.MinGap, MinGapPair: net.MinGapPair,
		ProjectionRange: [2]float64{net.Z[0], net.Z[n-1]}, Redraws: net.Redraws, Network: net}
	res.Picture = net.Picture(cfg.PictureSize)
	res.BuildTime = time.Since(start)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	progress.report(1, 3, "evaluation in float64")
	start = time.Now()
	res.Float64, err = evalTheorem1(net, convert[T, float64](x), labels, convert[T, float64](testX), testLabels, targets, classes, cfg.Threads)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	progress.report(2, 3, "evaluation in float32")
	res.Float32, err = evalTheorem1(net, convert[T, float32](x), labels, convert[T, float32](testX), testLabels, targets, classes, cfg.Threads)
	if err != nil {
		return nil, err
	}
	res.EvalTime = time.Since(start)
	progress.report(3, 3, "done")
	return res, nil
}

// Theorem1Set is Theorem1 on data sets, images flattened to H*W*C values.
func Theorem1Set(ctx context.Context, train, test data.Set, classes int, cfg Theorem1Config, progress Progress) (*Theorem1Result, error) {
	if err := train.Validate(classes); err != nil {
		return nil, fmt.Errorf("theory: theorem 1: training set: %w", err)
	}
	if test.N > 0 {
		if err := test.Validate(classes); err != nil {
			return nil, fmt.Errorf("theory: theorem 1: test set: %w", err)
		}
	}
	return Theorem1(ctx, train.Images, train.Labels, test.Images, test.Labels, train.ImageSize(), classes, cfg, progress)
}

// convert returns v as []U, without a copy when T and U are the same type.
func convert[T, U tfgraph.Float](v []T) []U {
	if u, ok := any(v).([]U); ok {
		return u
	}
	out := make([]U, len(v))
	for i, x := range v {
		out[i] = U(x)
	}
	return out
}

// evalTheorem1 runs net in the precision U over the training and test points.
func evalTheorem1[U tfgraph.Float](net *Theorem1Network, x []U, labels []uint8, testX []U, testLabels []uint8,
	targets []float64, classes, threads int) (Theorem1Eval, error) {
	r, err := tfgraph.NewTwoLayerReLU(convert[float64, U](net.A), convert[float64, U](net.B), convert[float64, U](net.W),
		net.D, net.N, net.Outputs, threads)
	if err != nil {
		return Theorem1Eval{}, err
	}
	defer r.Close()
	ev := Theorem1Eval{TestAcc: math.NaN()}
	out, err := r.Eval(x, len(labels))
	if err != nil {
		return ev, err
	}
	for i, v := range out {
		ev.MaxResidual = max(ev.MaxResidual, math.Abs(float64(v)-targets[i]))
	}
	ev.TrainAcc = theorem1Accuracy(out, labels, net.Outputs, classes)
	if len(testLabels) > 0 {
		out, err := r.Eval(testX, len(testLabels))
		if err != nil {
			return ev, err
		}
		ev.TestAcc = theorem1Accuracy(out, testLabels, net.Outputs, classes)
	}
	return ev, nil
}

// theorem1Accuracy scores outputs [m, outputs]: one output is the class index rounded and
// clamped to [0, classes-1]; several are scored by their largest.
func theorem1Accuracy[U tfgraph.Float](out []U, labels []uint8, outputs, classes int) float64 {
	hits := 0
	for i, l := range labels {
		var p int
		if outputs == 1 {
			v := math.Round(float64(out[i]))
			if math.IsNaN(v) {
				continue
			}
			p = int(min(max(v, 0), float64(classes-1)))
		} else {
			p = argmax(out[i*outputs : (i+1)*outputs])
		}
		if p == int(l) {
			hits++
		}
	}
	return float64(hits) / float64(len(labels))
}
