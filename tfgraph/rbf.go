package tfgraph

import (
	"context"
	"fmt"
	"math"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// RBFKernel holds the Gaussian kernel matrix K_ij = exp(-||x_i - x_j||^2 / (2 sigma^2)) of n
// points in float32 inside TensorFlow: the matrix is symmetric, so only its lower-triangular
// Block x Block tiles are kept, each in a resource variable, about 2*n*(n+Block) bytes in all
// (7.2 GB for n = 60,000). The tiles are computed in the graph (MatMul of the points, then Exp)
// and never cross into Go; products with the matrix run as one graph of MatMuls over the tiles
// (K_ij v_j below the diagonal, K_ji^T v_j above it), so TensorFlow's oneDNN kernels do the
// arithmetic.
//
// Threading: an RBFKernel belongs to the goroutine that made it; its methods must not be called
// concurrently. Close releases the TensorFlow memory.
type RBFKernel struct {
	N, D, Block int
	Sigma       float64

	sess   *tf.Session
	device string
	sizes  []int64 // row count of each block row

	xFeed   tf.Output
	xAssign *tf.Operation
	tiles   [][]*tf.Operation // tiles[i][j], j <= i: computes and stores tile (i, j)
	vFeed   tf.Output         // [n, c] right-hand sides
	kv      tf.Output         // [n, c] K v
	tFeed   tf.Output         // [m, d] new points
	aFeed   tf.Output         // [n, c] coefficients
	pred    tf.Output         // [m, c] K(t, x) a
	ready   bool
}

// RBFKernelBytes is the TensorFlow memory an RBFKernel of n points in d dimensions with tiles of
// block rows holds once computed: the lower-triangular tiles in float32 plus the points.
func RBFKernelBytes(n, d, block int) int64 {
	full := int64(n / block)
	rem := int64(n % block)
	b := int64(block)
	// Full block rows i (0-based) hold i+1 tiles of b x b; a last partial row holds full
	// tiles of rem x b and one rem x rem.
	tiles := b * b * full * (full + 1) / 2
	if rem > 0 {
		tiles += rem*b*full + rem*rem
	}
	return 4*tiles + 4*int64(n)*int64(d)
}

// NewRBFKernel builds the graph for n points of d dimensions (row-major in x, float32) with
// bandwidth sigma and tiles of block rows, opens a session on the CPU with threads intra- and
// inter-op threads (0: TensorFlow's default) and uploads the points. Nothing large is allocated
// until Compute.
func NewRBFKernel(x []float32, n, d int, sigma float64, block, threads int) (*RBFKernel, error) {
	switch {
	case n <= 0 || d <= 0 || len(x) != n*d:
		return nil, fmt.Errorf("tfgraph: rbf kernel: %d values for %d points of %d dimensions", len(x), n, d)
	case !(sigma > 0) || math.IsInf(sigma, 0):
		return nil, fmt.Errorf("tfgraph: rbf kernel: bandwidth %v is not a positive number", sigma)
	case block <= 0:
		return nil, fmt.Errorf("tfgraph: rbf kernel: block size %d", block)
	}
	k := &RBFKernel{N: n, D: d, Block: block, Sigma: sigma}
	for r := 0; r < n; r += block {
		k.sizes = append(k.sizes, int64(min(block, n-r)))
	}
	root := op.NewScope()
	k.build(root)
	g, err := root.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: build rbf kernel: %w", err)
	}
	sess, _, device, err := openSession(g, "cpu", threads, "", 0)
	if err != nil {
		return nil, err
	}
	k.sess, k.device = sess, device
	xt, err := NewFlatTensor(x, int64(n), int64(d))
	if err != nil {
		k.Close()
		return nil, err
	}
	if _, err := sess.Run(map[tf.Output]*tf.Tensor{k.xFeed: xt}, nil, []*tf.Operation{k.xAssign}); err != nil {
		k.Close()
		return nil, fmt.Errorf("tfgraph: upload points: %w", err)
	}
	return k, nil
}

func (k *RBFKernel) build(root *op.Scope) {
	n, d, nb := int64(k.N), int64(k.D), len(k.sizes)
	gamma := 1 / (2 * k.Sigma * k.Sigma)

	ps := root.SubScope("points")
	k.xFeed = op.Placeholder(ps.SubScope("feed"), tf.Float, op.PlaceholderShape(tf.MakeShape(n, d)))
	xv := NewVariable(ps.SubScope("x"), "points/x", Statistic, []int64{n, d}, func(s *op.Scope) tf.Output { return k.xFeed })
	k.xAssign = xv.Init
	// Per block row: its points and gamma*||x||^2, as a column and as a row.
	rows := make([]tf.Output, nb)
	colNorm := make([]tf.Output, nb)
	rowNorm := make([]tf.Output, nb)
	var start int64
	for i, size := range k.sizes {
		s := ps.SubScope(fmt.Sprintf("row%d", i))
		rows[i] = op.Slice(s, xv.Value, op.Const(s.SubScope("begin"), []int64{start, 0}), op.Const(s.SubScope("size"), []int64{size, d}))
		colNorm[i] = scaledSqNorm(s.SubScope("norm"), rows[i], gamma)
		rowNorm[i] = op.Reshape(s, colNorm[i], op.Const(s.SubScope("shape"), []int64{1, size}))
		start += size
	}

	// Tiles, each computed by its variable's initializer.
	ts := root.SubScope("tiles")
	tiles := make([][]*Variable, nb)
	k.tiles = make([][]*tf.Operation, nb)
	for i := range nb {
		for j := 0; j <= i; j++ {
			name := fmt.Sprintf("t%d_%d", i, j)
			v := NewVariable(ts.SubScope(name), "tiles/"+name, Statistic, []int64{k.sizes[i], k.sizes[j]}, func(s *op.Scope) tf.Output {
				return rbfTile(s, rows[i], rows[j], colNorm[i], rowNorm[j], gamma)
			})
			tiles[i] = append(tiles[i], v)
			k.tiles[i] = append(k.tiles[i], v.Init)
		}
	}

	// K v over the tiles.
	ms := root.SubScope("matvec")
	k.vFeed = op.Placeholder(ms.SubScope("feed"), tf.Float, op.PlaceholderShape(tf.MakeShape(n, -1)))
	parts := op.SplitV(ms, k.vFeed, op.Const(ms.SubScope("sizes"), k.sizes), op.Const(ms.SubScope("axis"), int32(0)), int64(nb))
	// A tile below the diagonal serves twice: K_ij v_j for block row i, and K_ij^T v_i for
	// block row j. The second is computed as v_i^T K_ij on the transposed columns: oneDNN's
	// MatMul with a transposed tile and ten columns runs 5-10 times slower than either form
	// used here (measured on a Xeon with AVX-512). Both products of a tile are made one after
	// the other, so that the second finds the tile in cache when the executor keeps the order.
	vt := op.Transpose(ms, k.vFeed, op.Const(ms.SubScope("perm"), []int32{1, 0}))
	partsT := op.SplitV(ms.SubScope("t"), vt, op.Const(ms.SubScope("sizes_t"), k.sizes), op.Const(ms.SubScope("axis1"), int32(1)), int64(nb))
	terms := make([][]tf.Output, nb)
	termsT := make([][]tf.Output, nb)
	for i := range nb {
		for j := 0; j <= i; j++ {
			s := ms.SubScope(fmt.Sprintf("t%d_%d", i, j))
			terms[i] = append(terms[i], op.MatMul(s, tiles[i][j].Value, parts[j]))
			if j < i {
				termsT[j] = append(termsT[j], op.MatMul(s.SubScope("transposed"), partsT[i], tiles[i][j].Value))
			}
		}
	}
	outs := make([]tf.Output, nb)
	for i := range nb {
		s := ms.SubScope(fmt.Sprintf("row%d", i))
		if len(termsT[i]) > 0 {
			sumT := termsT[i][0]
			if len(termsT[i]) > 1 {
				sumT = op.AddN(s.SubScope("transposed"), termsT[i])
			}
			terms[i] = append(terms[i], op.Transpose(s, sumT, op.Const(s.SubScope("perm"), []int32{1, 0})))
		}
		outs[i] = terms[i][0]
		if len(terms[i]) > 1 {
			outs[i] = op.AddN(s, terms[i])
		}
	}
	if nb == 1 {
		k.kv = outs[0]
	} else {
		k.kv = op.ConcatV2(ms, outs, op.Const(ms.SubScope("axis0"), int32(0)))
	}

	// K(t, x) a for new points t, tile by tile, nothing stored.
	pr := root.SubScope("predict")
	k.tFeed = op.Placeholder(pr.SubScope("points"), tf.Float, op.PlaceholderShape(tf.MakeShape(-1, d)))
	k.aFeed = op.Placeholder(pr.SubScope("coef"), tf.Float, op.PlaceholderShape(tf.MakeShape(n, -1)))
	tNorm := scaledSqNorm(pr.SubScope("norm"), k.tFeed, gamma)
	coef := op.SplitV(pr, k.aFeed, op.Const(pr.SubScope("sizes"), k.sizes), op.Const(pr.SubScope("axis"), int32(0)), int64(nb))
	pterms := make([]tf.Output, nb)
	for j := range nb {
		s := pr.SubScope(fmt.Sprintf("col%d", j))
		pterms[j] = op.MatMul(s, rbfTile(s.SubScope("tile"), k.tFeed, rows[j], tNorm, rowNorm[j], gamma), coef[j])
	}
	k.pred = pterms[0]
	if nb > 1 {
		k.pred = op.AddN(pr, pterms)
	}
}

// scaledSqNorm returns gamma*||x_i||^2 of the rows of x as a column [m, 1].
func scaledSqNorm(s *op.Scope, x tf.Output, gamma float64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	sq := op.Sum(s, op.Square(s, x), op.Const(s.SubScope("axis"), int32(1)), op.SumKeepDims(true))
	return op.Mul(s, sq, op.Const(s.SubScope("gamma"), float32(gamma)))
}

// rbfTile returns exp(-gamma ||a_i - b_j||^2) = exp(min(0, 2 gamma a_i.b_j - gamma||a_i||^2 -
// gamma||b_j||^2)) for the rows of a [m, d] and b [p, d]; aNorm is [m, 1], bNorm [1, p]. The
// minimum removes the rounding that would put a squared distance below zero.
func rbfTile(s *op.Scope, a, b, aNorm, bNorm tf.Output, gamma float64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	g := op.MatMul(s, a, b, op.MatMulTransposeB(true))
	e := op.Mul(s, g, op.Const(s.SubScope("two_gamma"), float32(2*gamma)))
	e = op.Sub(s, e, aNorm)
	e = op.Sub(s.SubScope("b"), e, bNorm)
	e = op.Minimum(s, e, op.Const(s.SubScope("zero"), float32(0)))
	return op.Exp(s, e)
}

// Device names the TensorFlow device the kernel lives on.
func (k *RBFKernel) Device() string { return k.device }

// Tiles is the number of stored tiles, nb(nb+1)/2 for nb block rows.
func (k *RBFKernel) Tiles() int { nb := len(k.sizes); return nb * (nb + 1) / 2 }

// Compute fills the tiles, one block row per Session.Run, checking ctx between rows and
// calling progress(done, total) with the tiles done so far (progress may be nil). It costs
// about n^2 (d + 10) floating-point operations (the symmetric half of the Gram matrix).
func (k *RBFKernel) Compute(ctx context.Context, progress func(done, total int)) error {
	total, done := k.Tiles(), 0
	for i, row := range k.tiles {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := k.sess.Run(nil, nil, row); err != nil {
			return fmt.Errorf("tfgraph: kernel block row %d: %w", i, err)
		}
		done += len(row)
		if progress != nil {
			progress(done, total)
		}
	}
	k.ready = true
	return nil
}

// MatMul returns K v for v of shape [n, c] (row-major), as [n, c] row-major. dst is reused when
// it is large enough. Compute must have run.
func (k *RBFKernel) MatMul(v []float32, c int, dst []float32) ([]float32, error) {
	if !k.ready {
		return nil, fmt.Errorf("tfgraph: kernel matrix not computed")
	}
	if c <= 0 || len(v) != k.N*c {
		return nil, fmt.Errorf("tfgraph: kernel product: %d values for %d x %d", len(v), k.N, c)
	}
	t, err := NewFlatTensor(v, int64(k.N), int64(c))
	if err != nil {
		return nil, err
	}
	out, err := k.sess.Run(map[tf.Output]*tf.Tensor{k.vFeed: t}, []tf.Output{k.kv}, nil)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: kernel product: %w", err)
	}
	return ReadFlat(out[0], dst)
}

// Predict returns K(t, x) a for m new points t [m, d] and coefficients a [n, c], as [m, c]
// row-major. The kernel between t and the stored points is computed tile by tile and not kept;
// callers bound m (a few thousand) to bound the transient memory, m*Block*4 bytes per tile in
// flight. It does not need Compute.
func (k *RBFKernel) Predict(t []float32, m int, a []float32, c int) ([]float32, error) {
	if m <= 0 || len(t) != m*k.D || c <= 0 || len(a) != k.N*c {
		return nil, fmt.Errorf("tfgraph: kernel predict: %d point values for %d x %d, %d coefficients for %d x %d", len(t), m, k.D, len(a), k.N, c)
	}
	tt, err := NewFlatTensor(t, int64(m), int64(k.D))
	if err != nil {
		return nil, err
	}
	at, err := NewFlatTensor(a, int64(k.N), int64(c))
	if err != nil {
		return nil, err
	}
	out, err := k.sess.Run(map[tf.Output]*tf.Tensor{k.tFeed: tt, k.aFeed: at}, []tf.Output{k.pred}, nil)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: kernel predict: %w", err)
	}
	return ReadFlat[float32](out[0], nil)
}

// Close releases the session and the tiles.
func (k *RBFKernel) Close() error {
	if k.sess == nil {
		return nil
	}
	err := k.sess.Close()
	k.sess = nil
	k.ready = false
	return err
}
