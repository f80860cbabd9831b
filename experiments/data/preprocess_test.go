package data

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gridSet is one h x w x c image whose value at (y, x, ch) is y*100 + x*10 + ch.
func gridSet(h, w, c int) Set {
	s := Set{N: 1, H: h, W: w, C: c, Images: make([]float32, h*w*c), Labels: []uint8{4}}
	for y := range h {
		for x := range w {
			for ch := range c {
				s.Images[(y*w+x)*c+ch] = float32(y*100 + x*10 + ch)
			}
		}
	}
	return s
}

func TestCenterCrop(t *testing.T) {
	tests := map[string]struct {
		h, w, c, size int
		top, left     int // expected offset of the window
	}{
		"CIFAR 32 to 28": {32, 32, 3, 28, 2, 2},
		"6x6 to 4":       {6, 6, 2, 4, 1, 1},
		"odd margin":     {5, 7, 1, 2, 1, 2},
		"already 28":     {28, 28, 1, 28, 0, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := gridSet(tt.h, tt.w, tt.c)
			got := CenterCrop(s, tt.size)
			if got.N != 1 || got.H != tt.size || got.W != tt.size || got.C != tt.c || len(got.Images) != tt.size*tt.size*tt.c {
				t.Fatalf("crop is %d x %dx%dx%d with %d values", got.N, got.H, got.W, got.C, len(got.Images))
			}
			for y := range tt.size {
				for x := range tt.size {
					for ch := range tt.c {
						want := float32((y+tt.top)*100 + (x+tt.left)*10 + ch)
						if v := got.Images[(y*tt.size+x)*tt.c+ch]; v != want {
							t.Fatalf("crop (%d, %d, %d) = %v, want %v", y, x, ch, v, want)
						}
					}
				}
			}
			if got.Labels[0] != 4 {
				t.Errorf("label = %d, want 4", got.Labels[0])
			}
		})
	}
}

func TestCenterCrop_Unchanged(t *testing.T) {
	s := gridSet(4, 4, 1)
	for name, size := range map[string]int{"same size": 4, "too big": 5, "zero": 0, "negative": -3} {
		t.Run(name, func(t *testing.T) {
			got := CenterCrop(s, size)
			if got.H != 4 || &got.Images[0] != &s.Images[0] {
				t.Errorf("CenterCrop(s, %d) = %dx%d, want s itself", size, got.H, got.W)
			}
		})
	}
	broken := s
	broken.N = 3
	if got := CenterCrop(broken, 2); got.N != 3 || got.H != 4 {
		t.Errorf("CenterCrop of an inconsistent set = N %d, H %d, want it unchanged", got.N, got.H)
	}
}

func TestWhiten(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ds := syntheticDataset(5, 0, 6, 6, 3, 10, func(_, i, _ int) float32 {
		return float32(10*i) + float32(i+1)*float32(rng.Float64()) // different offsets and scales
	})
	got := Whiten(ds.Train)
	for i := range got.N {
		mean, std := channelStats(Set{Images: got.Image(i), N: 1, H: 6, W: 6, C: 3}, -1)
		if math.Abs(mean) > 1e-5 || math.Abs(std-1) > 1e-4 {
			t.Errorf("image %d: mean, std = %v, %v, want 0, 1", i, mean, std)
		}
	}
	if ds.Train.Images[0] == got.Images[0] {
		t.Error("Whiten modified its input or did nothing")
	}

	scaled := syntheticDataset(5, 0, 6, 6, 3, 10, func(_, i, j int) float32 { return 255 * ds.Train.Images[i*108+j] }).Train
	if a, b := Whiten(scaled).Images[7], got.Images[7]; math.Abs(float64(a-b)) > 1e-4 {
		t.Errorf("whitened [0, 255] value %v differs from the [0, 1] one %v", a, b)
	}
}

func TestWhiten_Flat(t *testing.T) {
	tests := map[string]struct {
		value   func(j int) float32
		wantStd float64
	}{
		// A constant image has std 0: the floor 1/sqrt(n) avoids a division by zero.
		"constant": {func(int) float32 { return 0.7 }, 0},
		// std = 0.001 < 1/sqrt(108) = 0.096: divided by the floor, so std becomes 0.001*sqrt(108).
		"nearly constant": {func(j int) float32 { return 0.5 + 0.001*float32(j%2*2-1) }, 0.001 * math.Sqrt(108)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := syntheticDataset(1, 0, 6, 6, 3, 10, func(_, _, j int) float32 { return tt.value(j) }).Train
			got := Whiten(s)
			for _, v := range got.Images {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("value %v", v)
				}
			}
			mean, std := channelStats(got, -1)
			if math.Abs(mean) > 1e-5 || math.Abs(std-tt.wantStd) > 1e-4 {
				t.Errorf("mean, std = %v, %v, want 0, %v", mean, std, tt.wantStd)
			}
		})
	}
	WhitenImage(nil) // must not panic
}
