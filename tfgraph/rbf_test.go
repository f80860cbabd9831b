package tfgraph

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestRBFKernel_MatMulPredict compares the tiled kernel products with a direct computation in
// float64, on a size that leaves a partial last block.
func TestRBFKernel_MatMulPredict(t *testing.T) {
	const n, d, c, m, block = 23, 5, 3, 4, 7
	sigma := 1.3
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	pts := make([]float32, m*d)
	for i := range pts {
		pts[i] = float32(rng.NormFloat64())
	}
	v := make([]float32, n*c)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	kern := func(a, b []float32) float64 {
		var s float64
		for i := range a {
			s += (float64(a[i]) - float64(b[i])) * (float64(a[i]) - float64(b[i]))
		}
		return math.Exp(-s / (2 * sigma * sigma))
	}
	k, err := NewRBFKernel(x, n, d, sigma, block, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if got, want := k.Tiles(), 10; got != want {
		t.Errorf("Tiles() = %d, want %d", got, want)
	}
	if _, err := k.MatMul(v, c, nil); err == nil {
		t.Error("MatMul before Compute: no error")
	}
	calls := 0
	if err := k.Compute(context.Background(), func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls != 4 {
		t.Errorf("progress called %d times, want 4 (one per block row)", calls)
	}
	kv, err := k.MatMul(v, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		for col := range c {
			var want float64
			for j := range n {
				want += kern(x[i*d:(i+1)*d], x[j*d:(j+1)*d]) * float64(v[j*c+col])
			}
			if got := float64(kv[i*c+col]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
				t.Fatalf("(Kv)[%d,%d] = %v, want %v", i, col, got, want)
			}
		}
	}
	pred, err := k.Predict(pts, m, v, c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		for col := range c {
			var want float64
			for j := range n {
				want += kern(pts[i*d:(i+1)*d], x[j*d:(j+1)*d]) * float64(v[j*c+col])
			}
			if got := float64(pred[i*c+col]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
				t.Fatalf("predict[%d,%d] = %v, want %v", i, col, got, want)
			}
		}
	}
}

func TestRBFKernelBytes(t *testing.T) {
	// 23 points, blocks of 7: three full block rows (1+2+3 tiles of 49) and a row of 2 x 7 x 2 + 2 x 2.
	if got, want := RBFKernelBytes(23, 5, 7), int64(4*(6*49+3*2*7+4)+4*23*5); got != want {
		t.Errorf("RBFKernelBytes = %d, want %d", got, want)
	}
}

// TestLowRank_Apply compares r + V diag(s) V^T r with a direct computation.
func TestLowRank_Apply(t *testing.T) {
	const n, k, c = 9, 3, 2
	rng := rand.New(rand.NewPCG(5, 6))
	v, s, r := make([]float32, n*k), make([]float32, k), make([]float32, n*c)
	for _, xs := range [][]float32{v, s, r} {
		for i := range xs {
			xs[i] = float32(rng.NormFloat64())
		}
	}
	l, err := NewLowRank(v, n, k, s, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, err := l.Apply(r, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		for j := range c {
			want := float64(r[i*c+j])
			for a := range k {
				var proj float64
				for m := range n {
					proj += float64(v[m*k+a]) * float64(r[m*c+j])
				}
				want += float64(v[i*k+a]) * float64(s[a]) * proj
			}
			if math.Abs(float64(got[i*c+j])-want) > 1e-4*(1+math.Abs(want)) {
				t.Fatalf("z[%d,%d] = %v, want %v", i, j, got[i*c+j], want)
			}
		}
	}
}
