package theory

import (
	"context"
	"math/rand/v2"
	"testing"

	"rethink/experiments/data"
)

// gaussianSet returns n images of d Gaussian values with labels cycling through 10 classes.
func gaussianSet(n, d int, seed uint64) data.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := data.Set{N: n, H: 1, W: d, C: 1, Images: make([]float32, n*d), Labels: make([]uint8, n)}
	for i := range s.Images {
		s.Images[i] = float32(rng.NormFloat64() / 10)
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(i % 10)
	}
	return s
}

// TestMinNorm_FromZero: SGD from zero ends at the minimum-norm interpolant.
func TestMinNorm_FromZero(t *testing.T) {
	res, err := MinNorm(context.Background(), gaussianSet(40, 120, 1), 10, MinNormConfig{Epochs: 150, Batch: 8, Momentum: 0.9, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := res.Curve[len(res.Curve)-1]
	if got := last.Dist; !(got < 1e-3) {
		t.Errorf("relative distance to the minimum-norm solution after %d epochs = %v, want < 1e-3", last.Epoch, got)
	}
	if first := res.Curve[0]; first.Dist != 1 || first.Norm != 0 {
		t.Errorf("epoch 0 = %+v, want distance 1 and norm 0", first)
	}
	if !(res.GramMin > 0 && res.GramMax >= res.GramMin) {
		t.Errorf("Gram eigenvalues %v, %v", res.GramMin, res.GramMax)
	}
}

// TestMinNorm_FromStart: from a random start SGD reaches a different interpolant, the minimum-norm
// one plus the start's component in the null space of X, and not the minimum-norm one.
func TestMinNorm_FromStart(t *testing.T) {
	res, err := MinNorm(context.Background(), gaussianSet(40, 120, 2), 10,
		MinNormConfig{Epochs: 150, Batch: 8, Momentum: 0.9, StartScale: 0.1, Seed: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := res.Curve[len(res.Curve)-1]
	if got := last.DistPredicted; !(got < 1e-3) {
		t.Errorf("relative distance to W* + (I - P) W0 = %v, want < 1e-3", got)
	}
	if got := last.Dist; !(got > 0.1) {
		t.Errorf("relative distance to W* = %v, want > 0.1 (the start's null-space part stays)", got)
	}
	if !(last.Loss < 1e-6) {
		t.Errorf("final loss %v, want an interpolant", last.Loss)
	}
}

// TestMinNorm_NeedsMoreInputs refuses a problem with as many examples as inputs.
func TestMinNorm_NeedsMoreInputs(t *testing.T) {
	if _, err := MinNorm(context.Background(), gaussianSet(30, 20, 1), 10, MinNormConfig{}, nil); err == nil {
		t.Error("no error for 30 examples of 20 inputs")
	}
}
