package layers

import (
	"fmt"
	"math"
)

// Linear CKA (centered kernel alignment) of Kornblith, Norouzi, Lee and Hinton, "Similarity of
// neural network representations revisited", ICML 2019: for the features X [n, p] and Y [n, q]
// of the same n images,
//
//	CKA(X, Y) = <H K H, H L H> / (||H K H|| ||H L H||),  K = X X^T, L = Y Y^T, H = I - 11^T/n,
//
// 1 for identical representations, invariant to orthogonal transforms and isotropic scaling
// of either, and independent of p and q (it works on the n x n Gram matrices, so a conv map of
// 50,000 values per image costs no more than a dense layer once its Gram is made).

// CenterGram returns H K H for a symmetric n x n Gram matrix K (row-major): K with its row
// means, its column means and its grand mean removed (new slice).
func CenterGram(k []float64, n int) ([]float64, error) {
	if n <= 0 || len(k) != n*n {
		return nil, fmt.Errorf("layers: gram of %d values is not %d x %d", len(k), n, n)
	}
	row := make([]float64, n)
	var all float64
	for i := range n {
		var s float64
		for j := range n {
			s += k[i*n+j]
		}
		row[i] = s / float64(n)
		all += s
	}
	all /= float64(n * n)
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			out[i*n+j] = k[i*n+j] - row[i] - row[j] + all // K symmetric: column mean j = row mean j
		}
	}
	return out, nil
}

// CKAFromCentered is linear CKA from two centered Gram matrices of the same images
// (CenterGram). It is NaN when either is zero (a layer that is constant on the images).
func CKAFromCentered(kc, lc []float64) float64 {
	if len(kc) != len(lc) {
		return math.NaN()
	}
	var kl, kk, ll float64
	for i := range kc {
		kl += kc[i] * lc[i]
		kk += kc[i] * kc[i]
		ll += lc[i] * lc[i]
	}
	if kk == 0 || ll == 0 {
		return math.NaN()
	}
	return kl / math.Sqrt(kk*ll)
}

// gramGo is X X^T for n rows of d values, in Go (float64): the reference for small inputs.
func gramGo(x []float32, n, d int) []float64 {
	g := make([]float64, n*n)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		for j := 0; j <= i; j++ {
			xj := x[j*d : (j+1)*d]
			var s float64
			for t := range d {
				s += float64(xi[t]) * float64(xj[t])
			}
			g[i*n+j], g[j*n+i] = s, s
		}
	}
	return g
}

// LinearCKA is linear CKA between X (n rows of dx values) and Y (n rows of dy values), with
// the Gram matrices made in Go: for small inputs and tests (the kind makes them in TensorFlow,
// tfgraph.Gram).
func LinearCKA(x []float32, dx int, y []float32, dy int, n int) (float64, error) {
	if n <= 0 || dx <= 0 || dy <= 0 || len(x) != n*dx || len(y) != n*dy {
		return 0, fmt.Errorf("layers: CKA of %d and %d values for %d rows of %d and %d", len(x), len(y), n, dx, dy)
	}
	kc, err := CenterGram(gramGo(x, n, dx), n)
	if err != nil {
		return 0, err
	}
	lc, err := CenterGram(gramGo(y, n, dy), n)
	if err != nil {
		return 0, err
	}
	return CKAFromCentered(kc, lc), nil
}
