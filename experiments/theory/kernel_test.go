package theory

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestKernelInterpolate_FitsTrain solves the interpolation of 500 MNIST images exactly and
// classifies held-out images far better than chance; with random labels the training set is
// still fit and the test accuracy drops to chance.
func TestKernelInterpolate_FitsTrain(t *testing.T) {
	train, test := mnist(t, 500, 500)
	for _, tc := range []struct {
		name             string
		random           bool
		eigen            int
		minTest, maxTest float64
	}{
		{"true labels", false, 0, 0.8, 1},
		{"true labels, plain CG", false, -1, 0.8, 1},
		{"random labels", true, 0, 0, 0.2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := train
			if tc.random {
				tr = randomLabels(t, train)
			}
			var stages []string
			cfg := KernelConfig{Tol: 1e-4, FitTol: -1, Eigen: tc.eigen, Block: 128, Threads: 2}
			res, err := KernelInterpolate(context.Background(), tr, test, 10, cfg, func(done, total int, what string) {
				if len(stages) == 0 || stages[len(stages)-1] != what && !strings.HasPrefix(what, "conjugate") {
					stages = append(stages, what)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.TrainAcc != 1 {
				t.Errorf("train accuracy %v, want 1", res.TrainAcc)
			}
			if !(res.Residual < 2e-4) || res.Stop != "tolerance" {
				t.Errorf("residual %v (stopped by %q), want below 2e-4 by tolerance", res.Residual, res.Stop)
			}
			if res.TestAcc < tc.minTest || res.TestAcc > tc.maxTest {
				t.Errorf("test accuracy %v, want in [%v, %v]", res.TestAcc, tc.minTest, tc.maxTest)
			}
			if want := 0.5 * res.MedianDistance; !(res.MedianDistance > 1) || math.Abs(res.Bandwidth-want) > 1e-9 {
				t.Errorf("bandwidth %v, want half the median distance %v", res.Bandwidth, res.MedianDistance)
			}
			if tc.eigen >= 0 && len(res.Eigenvalues) != DefaultKernelEigen {
				t.Errorf("%d eigenvalues, want %d", len(res.Eigenvalues), DefaultKernelEigen)
			}
			if len(stages) == 0 || stages[0] != "kernel matrix" || stages[len(stages)-1] != "test predictions" {
				t.Errorf("progress stages %q", stages)
			}
		})
	}
}

// TestKernelInterpolate_RefusesMemory asks for more than the limit and expects ErrMemory with
// the numbers, returned before any work.
func TestKernelInterpolate_RefusesMemory(t *testing.T) {
	train, test := mnist(t, 2000, 10)
	_, err := KernelInterpolate(context.Background(), train, test, 10, KernelConfig{MemoryLimit: 100 << 20}, func(int, int, string) {
		t.Error("progress reported: work started")
	})
	if !errors.Is(err, ErrMemory) {
		t.Fatalf("err = %v, want ErrMemory", err)
	}
	if !strings.Contains(err.Error(), "needs about 1.") || !strings.Contains(err.Error(), "allows 104.9 MB") {
		t.Errorf("error %q does not give the need and the limit", err)
	}
	// The full problem must fit the 20 GB budget by the estimate itself.
	if got := KernelMemory(60000, 784, 10, 10000, KernelConfig{}); got > 20e9 || got < 7.2e9 {
		t.Errorf("estimate for all of MNIST = %.1f GB, want between the tiles' 7.2 GB and 20 GB", float64(got)/1e9)
	}
}

// TestKernelInterpolate_Cancel returns the context's error.
func TestKernelInterpolate_Cancel(t *testing.T) {
	train, test := mnist(t, 300, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := KernelInterpolate(ctx, train, test, 10, KernelConfig{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestPCG_Spectral solves an ill-conditioned SPD system in Go and checks that the spectral
// preconditioner from the top eigenpairs cuts the iterations.
func TestPCG_Spectral(t *testing.T) {
	const n, c = 200, 2
	rng := rand.New(rand.NewPCG(3, 4))
	// K = Q diag(lam) Q^T with eigenvalues from 1e4 down to 1e-2.
	q := make([]float64, n*n)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	orthonormalize(q, n, n)
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = 1e4 * math.Pow(1e-6, float64(i)/float64(n-1))
	}
	k := make([]float64, n*n)
	for i := range n {
		for j := range n {
			var s float64
			for l := range n {
				s += q[i*n+l] * lam[l] * q[j*n+l]
			}
			k[i*n+j] = s
		}
	}
	op := func(v []float32, cols int, dst []float32) ([]float32, error) {
		out := make([]float32, n*cols)
		for i := range n {
			for j := range cols {
				var s float64
				for l := range n {
					s += k[i*n+l] * float64(v[l*cols+j])
				}
				out[i*cols+j] = float32(s)
			}
		}
		return out, nil
	}
	y := make([]float64, n*c)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	solve := func(m *spectral) (int, float64) {
		_, iters, err := pcg(context.Background(), op, y, n, c, 1, m, 1e-5, 2000, nil)
		if err != nil {
			t.Fatal(err)
		}
		return iters, 0
	}
	plain, _ := solve(nil)
	vecs, vals, err := topEigen(context.Background(), op, n, 40, 10, 2, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(vals[0]-lam[0]) > 1e-3*lam[0] {
		t.Errorf("top eigenvalue %v, want %v", vals[0], lam[0])
	}
	for i := range vals {
		vals[i]++ // the ridge of 1 passed to pcg
	}
	pre, _ := solve(newSpectral(vecs, vals, n))
	if !(pre < plain/2) {
		t.Errorf("preconditioned CG took %d iterations, plain %d: want fewer than half", pre, plain)
	}
}
