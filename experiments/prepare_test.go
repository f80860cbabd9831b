package experiments

import (
	"testing"

	"rethink/experiments/data"
)

// cifarLike is a 32x32x3 data set whose pixel values say where they are: 1000*y + 10*x + c.
func cifarLike(n int) *data.Dataset {
	mk := func() data.Set {
		s := data.Set{Images: make([]float32, n*32*32*3), Labels: make([]uint8, n), N: n, H: 32, W: 32, C: 3}
		for i := range n {
			img := s.Image(i)
			for y := range 32 {
				for x := range 32 {
					for c := range 3 {
						img[(y*32+x)*3+c] = float32(1000*y + 10*x + c + i)
					}
				}
			}
			s.Labels[i] = uint8(i % 10)
		}
		return s
	}
	return &data.Dataset{Name: "cifar10", Classes: 10, Train: mk(), Test: mk()}
}

// want is the center 28x28 of cifarLike's image i shrunk by 2: the crop comes first.
func cropThenShrink(i, y, x, c int) float32 {
	var sum float32
	for dy := range 2 {
		for dx := range 2 {
			sum += float32(1000*(2+2*y+dy) + 10*(2+2*x+dx) + c + i)
		}
	}
	return sum / 4
}

func TestPrepare_CIFARCropsBeforeDownscale(t *testing.T) {
	for _, crop := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Dataset, cfg.ImageSize, cfg.RandomCrop = "cifar10", 14, crop
		p, err := Prepare(cfg, cifarLike(3))
		if err != nil {
			t.Fatalf("random crop %v: %v", crop, err)
		}
		if p.H != 14 || p.W != 14 || p.Shown.H != 14 || p.Shown.W != 14 {
			t.Fatalf("random crop %v: the network sees %dx%d (shown %dx%d), want 14x14", crop, p.H, p.W, p.Shown.H, p.Shown.W)
		}
		for i := range 3 {
			img := p.Shown.Image(i)
			for y := range 14 {
				for x := range 14 {
					for c := range 3 {
						if got, want := img[(y*14+x)*3+c], cropThenShrink(i, y, x, c); got != want {
							t.Fatalf("random crop %v: image %d pixel (%d,%d,%d) = %v, want %v (the center 28x28 shrunk by 2)", crop, i, y, x, c, got, want)
						}
					}
				}
			}
		}
		if !crop {
			if p.Train.H != 14 || p.Augment.On() {
				t.Errorf("no augmentation: stored %dx%d, augment %+v; want 14x14 and none", p.Train.H, p.Train.W, p.Augment)
			}
			continue
		}
		// The graph's random 14x14 crops come from the 32x32 image shrunk by the same factor:
		// a 28x28 crop of the original on a grid of 2 pixels, then shrunk.
		if p.Train.H != 16 || p.Test.H != 16 || p.Augment.StoredHeight != 16 || p.Augment.StoredWidth != 16 {
			t.Errorf("random crop: stored train %d, test %d, augment %+v; want 16x16 (32 shrunk by 2)", p.Train.H, p.Test.H, p.Augment)
		}
		if got, want := p.Train.Image(0)[0], float32(1000*0.5+10*0.5+0); got != want {
			t.Errorf("random crop: stored pixel (0,0) = %v, want %v, the mean of the top-left 2x2 block", got, want)
		}
	}
}

func TestPrepare_MNISTRandomCropAtImageSize(t *testing.T) {
	ds := bars(20, 10, 1)
	// bars are 8x8: pretend they are the 28x28 MNIST by padding them to 28.
	for _, s := range []*data.Set{&ds.Train, &ds.Test} {
		*s = pad(*s, 10)
	}
	cfg := DefaultConfig()
	cfg.ImageSize, cfg.RandomCrop = 14, true
	p, err := Prepare(cfg, ds)
	if err != nil {
		t.Fatal(err)
	}
	if p.H != 14 || p.Train.H != 18 || p.Augment.StoredHeight != 18 {
		t.Errorf("MNIST random crop at 14: sees %d, stores %d (augment %d); want 14 padded by 2 to 18", p.H, p.Train.H, p.Augment.StoredHeight)
	}
}

func TestConfig_RejectsImageSizeNotDividing28(t *testing.T) {
	for _, size := range []int{-1, 10, 29, 56} {
		cfg := DefaultConfig()
		cfg.ImageSize = size
		if err := cfg.Validate(); err == nil {
			t.Errorf("image size %d: no error", size)
		}
	}
	for _, size := range []int{0, 7, 14, 28} {
		cfg := DefaultConfig()
		cfg.ImageSize = size
		if err := cfg.Validate(); err != nil {
			t.Errorf("image size %d: %v", size, err)
		}
	}
}
