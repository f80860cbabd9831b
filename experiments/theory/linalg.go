package theory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"

	"rethink/tfgraph"
)

// symOp applies a symmetric positive semi-definite n x n matrix to c columns at once: v and the
// result are [n, c] row-major float32 (TensorFlow's side); dst is reused when large enough.
type symOp func(v []float32, c int, dst []float32) ([]float32, error)

// applyOp is op on float64 columns, through float32 buffers held by the caller.
func applyOp(op symOp, v []float64, c int, buf32, out32 *[]float32, dst []float64) ([]float64, error) {
	if cap(*buf32) < len(v) {
		*buf32 = make([]float32, len(v))
	}
	b := (*buf32)[:len(v)]
	for i, x := range v {
		b[i] = float32(x)
	}
	o, err := op(b, c, *out32)
	if err != nil {
		return nil, err
	}
	*out32 = o
	if cap(dst) < len(o) {
		dst = make([]float64, len(o))
	}
	dst = dst[:len(o)]
	for i, x := range o {
		dst[i] = float64(x)
	}
	return dst, nil
}

// general wraps a row-major rows x cols slice as a blas64.General.
func general(data []float64, rows, cols int) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

// orthonormalize replaces the columns of a (rows x cols, rows >= cols, row-major) by an
// orthonormal basis of their span: a Householder QR (LAPACK's dgeqrf and dorgqr, thin Q).
func orthonormalize(a []float64, rows, cols int) {
	g := general(a, rows, cols)
	tau := make([]float64, cols)
	work := make([]float64, 1)
	lapack64.Geqrf(g, tau, work, -1)
	lwork := int(work[0])
	lapack64.Orgqr(g, tau, work, -1)
	lwork = max(lwork, int(work[0]), cols)
	work = make([]float64, lwork)
	lapack64.Geqrf(g, tau, work, lwork)
	lapack64.Orgqr(g, tau, work, lwork)
}

// spectral is a preconditioner for a symmetric positive definite K from k of its top
// eigenpairs (V orthonormal, values lam_1 >= ... >= lam_k): M^-1 = (I - V V^T) + V diag(tau/lam_i)
// V^T with tau = lam_k. M^-1 K has the eigenvalue tau on the span of V and K's own below it,
// so conjugate gradients see the condition number tau/lam_min instead of lam_1/lam_min. It is
// symmetric positive definite for any orthonormal V and positive values, so rough eigenpairs
// only cost iterations, never correctness.
type spectral struct {
	n, k  int
	v     []float64 // n x k row-major
	scale []float64 // tau/lam_i - 1
	tmp   []float64 // k x c
	// tf, when set, applies the update in TensorFlow (float32), much faster than gonum's
	// pure-Go products for n in the tens of thousands.
	tf        *tfgraph.LowRank
	in32, o32 []float32
}

// useTensorFlow uploads the eigenvectors into TensorFlow; apply then runs there. Close
// releases them.
func (p *spectral) useTensorFlow(threads int) error {
	l, err := tfgraph.NewLowRank(toFloat32(p.v, nil), p.n, p.k, toFloat32(p.scale, nil), threads)
	if err != nil {
		return err
	}
	p.tf = l
	return nil
}

// close releases the TensorFlow copy, if any.
func (p *spectral) close() {
	if p != nil && p.tf != nil {
		p.tf.Close()
		p.tf = nil
	}
}

// apply sets z = M^-1 r for c columns (n x c row-major).
func (p *spectral) apply(r, z []float64, c int) error {
	if p == nil || p.k == 0 {
		copy(z, r)
		return nil
	}
	if p.tf != nil {
		p.in32 = toFloat32(r, p.in32)
		out, err := p.tf.Apply(p.in32, c, p.o32)
		if err != nil {
			return err
		}
		p.o32 = out
		for i, v := range out {
			z[i] = float64(v)
		}
		return nil
	}
	copy(z, r)
	if cap(p.tmp) < p.k*c {
		p.tmp = make([]float64, p.k*c)
	}
	t := p.tmp[:p.k*c]
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(p.v, p.n, p.k), general(r, p.n, c), 0, general(t, p.k, c))
	for i := range p.k {
		for j := range c {
			t[i*c+j] *= p.scale[i]
		}
	}
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(p.v, p.n, p.k), general(t, p.k, c), 1, general(z, p.n, c))
	return nil
}

// topEigen estimates the k largest eigenpairs of op (n x n) by subspace iteration: a Gaussian
// block of k+oversample columns, iters products with op each followed by orthonormalization,
// then Rayleigh-Ritz. It costs iters+1 products with k+oversample columns.
func topEigen(ctx context.Context, op symOp, n, k, oversample, iters int, seed uint64, progress func(done, total int)) (vecs, vals []float64, err error) {
	l := min(k+oversample, n)
	k = min(k, l)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	q := make([]float64, n*l)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	orthonormalize(q, n, l)
	var buf, out []float32
	var z []float64
	for it := 0; it <= iters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if z, err = applyOp(op, q, l, &buf, &out, z); err != nil {
			return nil, nil, err
		}
		if progress != nil {
			progress(it+1, iters+1)
		}
		if it == iters {
			break
		}
		q, z = z, q
		orthonormalize(q, n, l)
	}
	// Rayleigh-Ritz: B = Q^T K Q, symmetrized against float32 rounding.
	b := make([]float64, l*l)
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(q, n, l), general(z, n, l), 0, general(b, l, l))
	for i := range l {
		for j := range i {
			m := (b[i*l+j] + b[j*l+i]) / 2
			b[i*l+j], b[j*l+i] = m, m
		}
	}
	w := make([]float64, l)
	work := make([]float64, 1)
	sym := blas64.Symmetric{N: l, Stride: l, Data: b, Uplo: blas.Upper}
	lapack64.Syev(lapack.EVCompute, sym, w, work, -1)
	work = make([]float64, int(work[0]))
	if !lapack64.Syev(lapack.EVCompute, sym, w, work, len(work)) {
		return nil, nil, errors.New("theory: eigenvalues of the Ritz matrix did not converge")
	}
	// Eigenvalues ascend; take the top k, largest first.
	u := make([]float64, l*k)
	vals = make([]float64, k)
	for c := range k {
		src := l - 1 - c
		vals[c] = w[src]
		for i := range l {
			u[i*k+c] = b[i*l+src]
		}
	}
	vecs = make([]float64, n*k)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(q, n, l), general(u, l, k), 0, general(vecs, n, k))
	return vecs, vals, nil
}

// newSpectral builds the preconditioner from eigenpairs (values descending) of K + ridge I,
// keeping those above the last; it returns nil when fewer than two are positive.
func newSpectral(vecs, vals []float64, n int) *spectral {
	k := len(vals)
	for k > 0 && !(vals[k-1] > 0) {
		k--
	}
	if k < 2 {
		return nil
	}
	tau := vals[k-1]
	p := &spectral{n: n, k: k, scale: make([]float64, k)}
	if k == len(vals) {
		p.v = vecs
	} else {
		p.v = make([]float64, n*k)
		for i := range n {
			copy(p.v[i*k:(i+1)*k], vecs[i*len(vals):i*len(vals)+k])
		}
	}
	for i := range k {
		p.scale[i] = tau/vals[i] - 1
	}
	return p
}

// cgStep is what one iteration of conjugate gradients reports.
type cgStep struct {
	Iter     int
	Residual float64   // ||Y - K X||_F / ||Y||_F by the recurrence
	Fit      []float64 // K X = Y - R, n x c
	X        []float64 // the current solution, n x c
}

// pcg solves (K + ridge I) X = Y for c right-hand sides at once (n x c row-major) by
// preconditioned conjugate gradients, one recurrence per column sharing each product with K.
// A column whose relative residual falls to tol stops moving. It stops when every column has,
// when stop returns true, or after maxIter products; it returns X. each is called after every
// iteration; the slices of its cgStep are valid during the call only.
func pcg(ctx context.Context, op symOp, y []float64, n, c int, ridge float64, m *spectral, tol float64, maxIter int,
	each func(cgStep) (stop bool)) (x []float64, iters int, err error) {
	x = make([]float64, n*c)
	r := append([]float64(nil), y...)
	z := make([]float64, n*c)
	if err := m.apply(r, z, c); err != nil {
		return x, 0, err
	}
	p := append([]float64(nil), z...)
	fit := make([]float64, n*c)
	var buf, out []float32
	var q []float64
	rz := colDots(r, z, n, c)
	ynorm := colDots(y, y, n, c)
	var ytotal float64
	for _, v := range ynorm {
		ytotal += v
	}
	if ytotal == 0 {
		return x, 0, nil
	}
	active := make([]bool, c)
	for j := range c {
		active[j] = ynorm[j] > 0
	}
	for it := 1; it <= maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return x, it - 1, err
		}
		if q, err = applyOp(op, p, c, &buf, &out, q); err != nil {
			return x, it - 1, err
		}
		if ridge != 0 {
			for i := range q {
				q[i] += ridge * p[i]
			}
		}
		pq := colDots(p, q, n, c)
		alpha := make([]float64, c)
		for j := range c {
			if active[j] && pq[j] > 0 {
				alpha[j] = rz[j] / pq[j]
			}
		}
		for i := range n {
			for j := range c {
				x[i*c+j] += alpha[j] * p[i*c+j]
				r[i*c+j] -= alpha[j] * q[i*c+j]
			}
		}
		if err := m.apply(r, z, c); err != nil {
			return x, it, err
		}
		rzNew := colDots(r, z, n, c)
		rr := colDots(r, r, n, c)
		var total float64
		for j := range c {
			total += rr[j]
			if active[j] && (math.Sqrt(rr[j]) <= tol*math.Sqrt(ynorm[j]) || !(pq[j] > 0)) {
				active[j] = false
			}
			beta := 0.0
			if active[j] && rz[j] > 0 {
				beta = rzNew[j] / rz[j]
			}
			rz[j] = rzNew[j]
			if !active[j] {
				continue
			}
			for i := range n {
				p[i*c+j] = z[i*c+j] + beta*p[i*c+j]
			}
		}
		for i := range fit {
			fit[i] = y[i] - r[i]
		}
		res := math.Sqrt(total / ytotal)
		if math.IsNaN(res) || math.IsInf(res, 0) {
			return x, it, fmt.Errorf("theory: conjugate gradients diverged at iteration %d", it)
		}
		stop := each != nil && each(cgStep{Iter: it, Residual: res, Fit: fit, X: x})
		done := true
		for _, a := range active {
			done = done && !a
		}
		if stop || done {
			return x, it, nil
		}
	}
	return x, maxIter, nil
}

// colDots returns the dot products of matching columns of a and b (n x c row-major).
func colDots(a, b []float64, n, c int) []float64 {
	d := make([]float64, c)
	for i := range n {
		for j := range c {
			d[j] += a[i*c+j] * b[i*c+j]
		}
	}
	return d
}
