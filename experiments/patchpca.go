package experiments

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"rethink/experiments/data"
)

// PatchPCA is the principal-component basis of the size x size patches of a set of images, the
// yardstick of first-layer filters in Maennel et al. 2020 ("What do neural networks learn when
// trained with random labels?"): filters that learned from the data put their energy in the
// data's leading components. It is plain data; build it once per data set.
type PatchPCA struct {
	Size, C int
	// Components[i] is the i-th unit eigenvector of the patch covariance (length Size*Size*C,
	// in the HWC order of a filter), largest Variance first.
	Components [][]float64
	Variance   []float64
}

// PatchComponents is the number of leading components the filter share counts: 3 of a 5x5
// gray patch's 25 (chance 12%), about the mean, the two gradients of natural and digit images.
const PatchComponents = 3

// NewPatchPCA samples up to maxPatches size x size patches at positions drawn from seed over
// the images of s (all channels), and returns the eigenvectors of their covariance.
func NewPatchPCA(s data.Set, size, maxPatches int, seed uint64) (PatchPCA, error) {
	if s.N == 0 || size <= 0 || size > s.H || size > s.W {
		return PatchPCA{}, fmt.Errorf("experiments: no %dx%d patches in %d images of %dx%d", size, size, s.N, s.H, s.W)
	}
	d := size * size * s.C
	rng := rand.New(rand.NewPCG(seed, 0x9a7c4))
	n := max(maxPatches, 1)
	mean := make([]float64, d)
	cov := mat.NewSymDense(d, nil)
	patch := make([]float64, d)
	rows := make([][]float64, 0, n)
	for range n {
		img := s.Image(rng.IntN(s.N))
		y0, x0 := rng.IntN(s.H-size+1), rng.IntN(s.W-size+1)
		for y := range size {
			for x := range size {
				for c := range s.C {
					patch[(y*size+x)*s.C+c] = float64(img[((y0+y)*s.W+x0+x)*s.C+c])
				}
			}
		}
		for i, v := range patch {
			mean[i] += v / float64(n)
		}
		rows = append(rows, append([]float64(nil), patch...))
	}
	for _, r := range rows {
		for i := range d {
			r[i] -= mean[i]
		}
		cov.SymRankOne(cov, 1/float64(n), mat.NewVecDense(d, r))
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return PatchPCA{}, fmt.Errorf("experiments: patch covariance: eigen-decomposition failed")
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	p := PatchPCA{Size: size, C: s.C}
	for i := d - 1; i >= 0; i-- {
		p.Variance = append(p.Variance, vals[i])
		p.Components = append(p.Components, mat.Col(nil, i, &vecs))
	}
	return p, nil
}

// Share returns the fraction of the squared norm of filter w (length Size*Size*C, HWC order)
// that lies in the span of the k leading components: 1 for a filter made of them, k/len(w) on
// average for an isotropic random one. A zero filter gives NaN.
func (p PatchPCA) Share(w []float64, k int) float64 {
	var total, in float64
	for _, v := range w {
		total += v * v
	}
	for _, c := range p.Components[:min(k, len(p.Components))] {
		var dot float64
		for i, v := range w {
			dot += v * c[i]
		}
		in += dot * dot
	}
	if total == 0 {
		return math.NaN()
	}
	return in / total
}

// MeanShare is the mean Share over the output units of a first-layer kernel of shape [size,
// size, C, units] (row-major, as tfgraph stores it) and the share a random filter has on
// average (k / (size*size*C)). A kernel of another shape is an error.
func (p PatchPCA) MeanShare(kernel []float32, shape []int64, k int) (share, chance float64, err error) {
	if len(shape) != 4 || shape[0] != int64(p.Size) || shape[1] != int64(p.Size) || shape[2] != int64(p.C) {
		return 0, 0, fmt.Errorf("experiments: kernel shape %v is not [%d %d %d units]", shape, p.Size, p.Size, p.C)
	}
	d, units := p.Size*p.Size*p.C, int(shape[3])
	if len(kernel) != d*units {
		return 0, 0, fmt.Errorf("experiments: kernel has %d values for shape %v", len(kernel), shape)
	}
	w := make([]float64, d)
	var sum float64
	var count int
	for u := range units {
		for i := range d {
			w[i] = float64(kernel[i*units+u])
		}
		if s := p.Share(w, k); !math.IsNaN(s) {
			sum += s
			count++
		}
	}
	if count == 0 {
		return math.NaN(), float64(k) / float64(d), nil
	}
	return sum / float64(count), float64(min(k, d)) / float64(d), nil
}
