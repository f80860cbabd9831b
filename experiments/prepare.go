package experiments

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// CropSize is the side of the images the networks see: CIFAR-10's 32x32 is cropped to 28x28
// (SPEC.md section 1), MNIST's and Fashion-MNIST's 28x28 are used as they are.
const CropSize = 28

// Prepared is a data set after subsetting, randomization and preprocessing, ready for upload.
type Prepared struct {
	Train, Test data.Set // what the graph receives (see Spec.Augment)
	// Shown is the randomized training set before whitening, for pictures of the data.
	Shown    data.Set
	Classes  int
	FlipRate float64
	// Augment is how the graph transforms the training batches.
	Augment tfgraph.Augment
}

// LoadData returns the data set of cfg: ds when not nil (tests pass small data they make),
// otherwise the cached decoded copy from data.Load.
func LoadData(ctx context.Context, cfg Config, ds *data.Dataset) (*data.Dataset, error) {
	if ds != nil {
		return ds, nil
	}
	return data.Load(ctx, data.Source{Name: strings.ToLower(cfg.Dataset), Dir: cfg.DataDir})
}

// Prepare subsets, randomizes (once, from cfg.Seed), crops and whitens ds for cfg, in the order
// of SPEC.md: randomize, crop, whiten. With augmentation on, whitening and cropping happen in the
// graph per batch, and the training images keep a 2-pixel margin (CIFAR's 32x32, or 28x28 padded
// with zeros) for the random crops.
func Prepare(cfg Config, ds *data.Dataset) (Prepared, error) {
	train, test := ds.Train, ds.Test
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed5))
	if cfg.TrainSize > 0 && cfg.TrainSize < train.N {
		train = subset(train, cfg.TrainSize, ds.Classes, cfg.Stratified, rng)
	}
	if cfg.TestSize > 0 && cfg.TestSize < test.N {
		test = subset(test, cfg.TestSize, ds.Classes, cfg.Stratified, rng)
	}
	sub := &data.Dataset{Name: ds.Name, Classes: ds.Classes, Train: train, Test: test}
	r, err := data.Apply(sub, cfg.Randomization, cfg.Seed)
	if err != nil {
		return Prepared{}, fmt.Errorf("experiments: %w", err)
	}
	p := Prepared{Classes: ds.Classes, FlipRate: r.FlipRate}
	if cfg.RandomCrop || cfg.Flip {
		p.Train, p.Test = r.Train, r.Test
		if cfg.RandomCrop && r.Train.H == CropSize {
			p.Train, p.Test = pad(r.Train, 2), pad(r.Test, 2)
		}
		p.Augment = tfgraph.Augment{RandomCrop: cfg.RandomCrop, Flip: cfg.Flip,
			StoredHeight: int64(p.Train.H), StoredWidth: int64(p.Train.W)}
		p.Shown = data.CenterCrop(r.Train, CropSize)
		return p, nil
	}
	p.Shown = data.CenterCrop(r.Train, CropSize)
	p.Train = data.Whiten(p.Shown)
	p.Test = data.Whiten(data.CenterCrop(r.Test, CropSize))
	return p, nil
}

func subset(s data.Set, n, classes int, stratified bool, rng *rand.Rand) data.Set {
	if stratified {
		return data.Stratified(s, n, classes, rng)
	}
	return data.FirstN(s, n)
}

// pad surrounds every image with m zero pixels on each side.
func pad(s data.Set, m int) data.Set {
	h, w := s.H+2*m, s.W+2*m
	out := data.Set{Images: make([]float32, s.N*h*w*s.C), Labels: s.Labels, N: s.N, H: h, W: w, C: s.C}
	for i := range s.N {
		src := s.Image(i)
		dst := out.Images[i*h*w*s.C:]
		for y := range s.H {
			copy(dst[((y+m)*w+m)*s.C:((y+m)*w+m+s.W)*s.C], src[y*s.W*s.C:(y+1)*s.W*s.C])
		}
	}
	return out
}

// labels32 converts class indices for upload.
func labels32(l []uint8) []int32 {
	out := make([]int32, len(l))
	for i, v := range l {
		out[i] = int32(v)
	}
	return out
}

// Spec is the tfgraph.Spec of a run on prepared data.
func (c Config) Spec(p Prepared) tfgraph.Spec {
	h, w := p.Train.H, p.Train.W
	if p.Augment.On() {
		h, w = CropSize, CropSize
	}
	return tfgraph.Spec{
		Arch: c.Model, Height: int64(h), Width: int64(w), Channels: int64(p.Train.C), Classes: int64(p.Classes),
		TrainSize: int64(p.Train.N), TestSize: int64(p.Test.N), Batch: int64(c.Batch),
		Momentum: c.Momentum, WeightDecay: c.WeightDecay, Augment: p.Augment,
		Seed: int64(c.Seed), Device: c.Device, Threads: c.Threads,
	}
}
