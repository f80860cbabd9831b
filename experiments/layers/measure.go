package layers

import (
	"fmt"
	"math"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// MLPComponents is the number of leading principal components of whole images an MLP's first
// layer is measured against (of 784 for MNIST: chance 1.3%); conv layers use
// experiments.PatchComponents of their k x k patches.
const MLPComponents = 10

// measured is what one network's layers gave: the layers, the centered Gram matrix of each
// layer on the CKA images, and the top patches.
type measured struct {
	layers  []LayerInfo
	grams   [][]float64
	patches NetPatches
}

// measure reads network n's last checkpoint into a feature net and measures every layer:
// probes (n.Probe, n.ProbeTrain), Gram matrices, top patches and the first layer's alignment
// (n.Alignment). pca is the principal-component basis shared by the run's networks (made on
// first use).
func (r *runner) measure(n *Net, pd probeData, pca **basis, index, total int) (measured, error) {
	s := r.s
	prefix, err := experiments.LastCheckpoint(n.Dir)
	if err != nil {
		return measured{}, err
	}
	arch := n.cfg.Model
	f, err := tfgraph.NewFeatureNet(arch, pd.train.H, pd.train.W, pd.train.C, pd.classes, int64(n.cfg.Seed), r.cfg.Threads)
	if err != nil {
		return measured{}, err
	}
	defer f.Close()
	init, _, err := f.Weights(arch.FirstLayer())
	if err != nil {
		return measured{}, err
	}
	if err := f.Restore(prefix); err != nil {
		return measured{}, err
	}
	trained, shape, err := f.Weights(arch.FirstLayer())
	if err != nil {
		return measured{}, err
	}
	stage := func(what string) string { return fmt.Sprintf("%s (%d of %d): %s", n.Name, index+1, total, what) }

	// Features: pooled for the probes, whole for the Gram matrices of the CKA images.
	ls := f.Layers()
	var m measured
	for _, l := range ls {
		m.layers = append(m.layers, LayerInfo{Name: l.Name, Shape: l.Shape, ProbeDims: pooledSize(l, s.ProbeDims)})
	}
	pool := func(set data.Set, keep int, what string) ([][]float32, [][]float32, error) {
		pooled := make([][]float32, len(ls))
		whole := make([][]float32, len(ls))
		err := f.Each(set.Images, set.N, func(lo, hi int, batch []tfgraph.Features) error {
			if err := r.ctx.Err(); err != nil {
				return err
			}
			if err := r.opts.Pause.Wait(r.ctx); err != nil {
				return err
			}
			for i, ft := range batch {
				per := ft.Size()
				for j := range hi - lo {
					img := ft.Values[j*per : (j+1)*per]
					pooled[i] = appendPooled(pooled[i], ft.Layer, img, s.ProbeDims)
					if lo+j < keep {
						whole[i] = append(whole[i], img...)
					}
				}
			}
			r.progress(stage(what), hi, set.N)
			return nil
		})
		return pooled, whole, err
	}
	trainX, _, err := pool(pd.train, 0, "features of the probes' training images")
	if err != nil {
		return measured{}, err
	}
	cka := min(s.CKAImages, pd.test.N)
	testX, ckaX, err := pool(pd.test, cka, "features of the test images")
	if err != nil {
		return measured{}, err
	}

	// Probes, one per layer, on the true labels of held-out images.
	trainY, testY := labels32(pd.train.Labels), labels32(pd.test.Labels)
	for i, l := range m.layers {
		r.progress(stage("probe of "+l.Name), i, len(m.layers))
		d := l.ProbeDims
		standardize(trainX[i], testX[i], d)
		res, err := tfgraph.TrainProbe(r.ctx, trainX[i], trainY, pd.train.N, d, testX[i], testY, pd.test.N, pd.classes,
			tfgraph.ProbeConfig{Steps: s.ProbeSteps, Threads: r.cfg.Threads})
		if err != nil {
			return measured{}, fmt.Errorf("probe of %s: %w", l.Name, err)
		}
		n.Probe = append(n.Probe, res.TestAcc)
		n.ProbeTrain = append(n.ProbeTrain, res.TrainAcc)
		trainX[i], testX[i] = nil, nil
	}

	// Gram matrices of the CKA images, centered.
	for i, l := range ls {
		r.progress(stage("Gram matrix of "+l.Name), i, len(ls))
		if err := r.ctx.Err(); err != nil {
			return measured{}, err
		}
		g, err := tfgraph.Gram(ckaX[i], cka, l.Size(), r.cfg.Threads)
		if err != nil {
			return measured{}, err
		}
		if g, err = CenterGram(g, cka); err != nil {
			return measured{}, err
		}
		m.grams = append(m.grams, g)
		ckaX[i] = nil
	}

	// Top patches of the conv layers, on the network's own training images.
	r.progress(stage("top patches"), 0, 1)
	if m.patches, err = topPatches(r.ctx, f, pd.patchImgs, pd.shown, s.PatchChannels, s.PatchTop); err != nil {
		return measured{}, err
	}
	m.patches.Net = n.Name

	// The first layer against the data's principal components.
	r.progress(stage("principal components"), 0, 1)
	if *pca == nil {
		size, k, samples := int(shape[0]), experiments.PatchComponents, 20000
		if len(shape) == 2 { // an MLP: [h*w*c, units], whole images, each once on average
			size, k, samples = pd.train.H, MLPComponents, pd.patchImgs.N
		}
		p, err := experiments.NewPatchPCA(pd.patchImgs, size, samples, n.cfg.Seed)
		if err != nil {
			return measured{}, err
		}
		*pca = &basis{PatchPCA: p, K: k}
	}
	if n.Alignment, err = align(**pca, arch.FirstLayer(), init, trained, shape); err != nil {
		return measured{}, err
	}
	return m, nil
}

// basis is the principal-component basis of a run's images, with the number of leading
// components a first layer is measured against.
type basis struct {
	experiments.PatchPCA
	K int
}

// align measures a first layer (weights at initialization and trained) against p.
func align(p basis, layer string, init, trained []float32, shape []int64) (Alignment, error) {
	kshape := shape
	if len(shape) == 2 { // [h*w*c, units] is [h, w, c, units] in the same order
		kshape = []int64{int64(p.Size), int64(p.Size), int64(p.C), shape[1]}
	}
	change := make([]float32, len(trained))
	for i := range trained {
		change[i] = trained[i] - init[i]
	}
	a := Alignment{Layer: layer, K: p.K, Dim: p.Size * p.Size * p.C}
	var err error
	if a.Trained, a.Chance, err = p.MeanShare(trained, kshape, p.K); err != nil {
		return a, err
	}
	if a.Init, _, err = p.MeanShare(init, kshape, p.K); err != nil {
		return a, err
	}
	a.Change, _, err = p.MeanShare(change, kshape, p.K)
	return a, err
}

// pooledSize is the number of values a layer's probe sees: the layer's size, or for a map
// larger than maxDims, s*s*c for the largest s (at most its height) with s*s*c <= maxDims (at
// least 1).
func pooledSize(l tfgraph.Layer, maxDims int) int {
	s := poolSide(l, maxDims)
	if s == 0 {
		return l.Size()
	}
	return s * s * l.Shape[2]
}

// poolSide is the side of the grid a map is pooled to, 0 for no pooling.
func poolSide(l tfgraph.Layer, maxDims int) int {
	if !l.Spatial() || l.Size() <= maxDims {
		return 0
	}
	h, c := l.Shape[0], l.Shape[2]
	s := h
	for s > 1 && s*s*c > maxDims {
		s--
	}
	return s
}

// appendPooled appends one image's features of layer l, average-pooled over an s x s grid of
// near-equal cells when the map is larger than maxDims (adaptive average pooling), else as
// they are.
func appendPooled(dst []float32, l tfgraph.Layer, img []float32, maxDims int) []float32 {
	s := poolSide(l, maxDims)
	if s == 0 {
		return append(dst, img...)
	}
	h, w, c := l.Shape[0], l.Shape[1], l.Shape[2]
	for gy := range s {
		y0, y1 := gy*h/s, (gy+1)*h/s
		for gx := range s {
			x0, x1 := gx*w/s, (gx+1)*w/s
			base := len(dst)
			dst = append(dst, make([]float32, c)...)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					row := img[(y*w+x)*c : (y*w+x+1)*c]
					for k, v := range row {
						dst[base+k] += v
					}
				}
			}
			inv := 1 / float32((y1-y0)*(x1-x0))
			for k := range c {
				dst[base+k] *= inv
			}
		}
	}
	return dst
}

// standardize gives every column of train (rows of d) zero mean and unit variance, and
// applies the same shift and scale to test (a constant column becomes 0).
func standardize(train, test []float32, d int) {
	n := len(train) / d
	mean := make([]float64, d)
	sq := make([]float64, d)
	for i := range n {
		for j, v := range train[i*d : (i+1)*d] {
			mean[j] += float64(v)
			sq[j] += float64(v) * float64(v)
		}
	}
	scale := make([]float32, d)
	for j := range d {
		mean[j] /= float64(n)
		sd := math.Sqrt(max(sq[j]/float64(n)-mean[j]*mean[j], 0))
		if sd > 1e-6 {
			scale[j] = float32(1 / sd)
		}
	}
	for _, x := range [][]float32{train, test} {
		for i := range len(x) / d {
			row := x[i*d : (i+1)*d]
			for j := range row {
				row[j] = (row[j] - float32(mean[j])) * scale[j]
			}
		}
	}
}

func labels32(l []uint8) []int32 {
	out := make([]int32, len(l))
	for i, v := range l {
		out[i] = int32(v)
	}
	return out
}

// ckaPair compares the layers of two networks from their centered Gram matrices.
func ckaPair(a, b string, ga, gb [][]float64) CKAPair {
	p := CKAPair{A: a, B: b}
	for i := range ga {
		row := make([]float64, len(gb))
		for j := range gb {
			row[j] = CKAFromCentered(ga[i], gb[j])
		}
		p.Matrix = append(p.Matrix, row)
		if i < len(gb) {
			p.Same = append(p.Same, row[i])
		}
	}
	return p
}
