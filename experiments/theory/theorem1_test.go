package theory

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestTheorem1_RandomLabels fits random labels of 1,000 MNIST images exactly in float64, with
// either way of handling the classes, and checks the weight counts.
func TestTheorem1_RandomLabels(t *testing.T) {
	train, test := mnist(t, 1000, 200)
	train = randomLabels(t, train)
	for _, tc := range []struct {
		outputs Outputs
		weights int
	}{
		{ScalarOutput, 2*1000 + 784},
		{OneHotOutput, 784 + 1000 + 10*1000},
	} {
		t.Run(string(tc.outputs), func(t *testing.T) {
			res, err := Theorem1Set(context.Background(), train, test, 10, Theorem1Config{Outputs: tc.outputs, Seed: 3, PictureSize: 50}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res.Weights, tc.weights; got != want {
				t.Errorf("Weights = %d, want %d", got, want)
			}
			if got, want := res.TwoNPlusD, 2784; got != want {
				t.Errorf("TwoNPlusD = %d, want %d", got, want)
			}
			if res.Float64.TrainAcc != 1 {
				t.Errorf("float64 train accuracy %v, want 1", res.Float64.TrainAcc)
			}
			if res.Float64.MaxResidual > 1e-4 {
				t.Errorf("float64 largest residual %v, want below 1e-4", res.Float64.MaxResidual)
			}
			// float32 cannot separate projections this close: it must do visibly worse.
			if !(res.Float32.MaxResidual > 100*res.Float64.MaxResidual) {
				t.Errorf("float32 residual %v is not far above float64's %v", res.Float32.MaxResidual, res.Float64.MaxResidual)
			}
			if !(res.MinGap > 0) {
				t.Errorf("MinGap = %v, want > 0", res.MinGap)
			}
			if math.IsNaN(res.Float64.TestAcc) || res.Float64.TestAcc > 0.3 {
				t.Errorf("test accuracy after fitting random labels = %v, want near chance", res.Float64.TestAcc)
			}
			if len(res.Picture) != 50 || len(res.Picture[0]) != 50 || res.Picture[0][49] != 0 || !(res.Picture[49][0] > 0) {
				t.Errorf("picture is not a 50x50 lower-triangular matrix")
			}
		})
	}
}

// TestBuildTheorem1_Solves checks the construction itself on a tiny case: the triangular system
// holds exactly and the thresholds interleave the projections.
func TestBuildTheorem1_Solves(t *testing.T) {
	x := []float64{0, 0, 1, 0, 0, 1, 2, 3, -1, 5}
	y := []float64{3, -2, 7, 0.5, 1}
	net, err := BuildTheorem1(x, 5, 2, y, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 5 {
		if !(net.B[j] < net.Z[j]) || (j > 0 && !(net.Z[j-1] < net.B[j])) {
			t.Fatalf("thresholds do not interleave: z = %v, b = %v", net.Z, net.B)
		}
	}
	for i := range 5 {
		var z, c float64
		for k := range 2 {
			z += net.A[k] * x[i*2+k]
		}
		for j := range 5 {
			c += net.W[j] * max(0, z-net.B[j])
		}
		if math.Abs(c-y[i]) > 1e-9 {
			t.Errorf("c(x_%d) = %v, want %v", i, c, y[i])
		}
	}
}

// TestTheorem1_Duplicate gives two identical images and expects an error naming both.
func TestTheorem1_Duplicate(t *testing.T) {
	train, _ := mnist(t, 50, 0)
	x := append([]float32(nil), train.Images...)
	d := train.ImageSize()
	copy(x[31*d:32*d], x[12*d:13*d])
	_, err := Theorem1(context.Background(), x, train.Labels, nil, nil, d, 10, Theorem1Config{}, nil)
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("err = %v, want ErrDuplicate", err)
	}
	if !strings.Contains(err.Error(), "images 12 and 31") {
		t.Errorf("error %q does not name images 12 and 31", err)
	}
}
