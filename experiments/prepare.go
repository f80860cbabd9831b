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
	// H and W are the size of the images the network sees.
	H, W int
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

// Prepare subsets, randomizes (once, from cfg.Seed), crops, downscales (cfg.ImageSize) and
// whitens ds for cfg, in the order of SPEC.md: randomize, crop, whiten. With augmentation on,
// random crops, flips and whitening happen in the graph per batch: CIFAR-10 keeps its 32x32
// images for 28x28 crops, smaller images get a margin of 2 zero pixels around them.
//
// The downscale to cfg.ImageSize acts on what the 28x28 crop sees: images are shrunk by the
// factor 28/ImageSize (blocks of that many pixels averaged), so a CIFAR-10 image kept at 32x32
// for random crops is stored at 32/factor and cropped to ImageSize in the graph, which is a
// 28x28 crop (on a grid of factor pixels) downscaled; without random crops the center 28x28
// is cut first and then downscaled.
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
	augment := cfg.RandomCrop || cfg.Flip
	if !augment || !cfg.RandomCrop || r.Train.H <= CropSize {
		// Only CIFAR-10's 32x32 images keep their margin for the graph's random crops.
		r.Train, r.Test = data.CenterCrop(r.Train, CropSize), data.CenterCrop(r.Test, CropSize)
	}
	side := CropSize
	if cfg.ImageSize > 0 {
		side = cfg.ImageSize
		if cfg.ImageSize > CropSize || CropSize%cfg.ImageSize != 0 {
			return Prepared{}, fmt.Errorf("experiments: image size %d must divide the %dx%d crop (14 or 7, say)", cfg.ImageSize, CropSize, CropSize)
		}
		f := CropSize / cfg.ImageSize
		if r.Train, err = downscale(r.Train, f); err != nil {
			return Prepared{}, err
		}
		if r.Test, err = downscale(r.Test, f); err != nil {
			return Prepared{}, err
		}
	}
	p.Shown = data.CenterCrop(r.Train, min(r.Train.H, side))
	p.H, p.W = p.Shown.H, p.Shown.W
	if !augment {
		p.Train, p.Test = data.Whiten(r.Train), data.Whiten(r.Test)
		return p, nil
	}
	p.Train, p.Test = r.Train, r.Test
	if cfg.RandomCrop && r.Train.H == p.H {
		p.Train, p.Test = pad(r.Train, 2), pad(r.Test, 2)
	}
	p.Augment = tfgraph.Augment{RandomCrop: cfg.RandomCrop, Flip: cfg.Flip,
		StoredHeight: int64(p.Train.H), StoredWidth: int64(p.Train.W)}
	return p, nil
}

// downscale averages blocks of f x f pixels of every image: H x W becomes H/f x W/f. The sides
// must be multiples of f.
func downscale(s data.Set, f int) (data.Set, error) {
	if f == 1 {
		return s, nil
	}
	if f < 1 || s.H%f != 0 || s.W%f != 0 {
		return data.Set{}, fmt.Errorf("experiments: cannot shrink the %dx%d images by %d: the sides must be multiples of it", s.H, s.W, f)
	}
	h, w := s.H/f, s.W/f
	out := data.Set{Images: make([]float32, s.N*h*w*s.C), Labels: s.Labels, N: s.N, H: h, W: w, C: s.C}
	inv := 1 / float32(f*f)
	for i := range s.N {
		src, dst := s.Image(i), out.Images[i*h*w*s.C:(i+1)*h*w*s.C]
		for y := range s.H {
			for x := range s.W {
				for c := range s.C {
					dst[((y/f)*w+x/f)*s.C+c] += src[(y*s.W+x)*s.C+c] * inv
				}
			}
		}
	}
	return out, nil
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
	return tfgraph.Spec{
		Arch: c.Model, Height: int64(p.H), Width: int64(p.W), Channels: int64(p.Train.C), Classes: int64(p.Classes),
		TrainSize: int64(p.Train.N), TestSize: int64(p.Test.N), Batch: int64(c.Batch),
		Momentum: c.Momentum, WeightDecay: c.WeightDecay, ClipNorm: c.ClipNorm, Augment: p.Augment,
		Seed: int64(c.Seed), Device: c.Device, Threads: c.Threads,
	}
}
