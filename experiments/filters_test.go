package experiments

import (
	"image/color"
	"testing"
)

func TestMostChanged(t *testing.T) {
	// 3 inputs x 4 units, row-major [input][unit]: unit 2 changed most, then unit 0.
	w0 := []float32{
		1, 1, 1, 1,
		1, 1, 1, 1,
		1, 1, 1, 1,
	}
	w := []float32{
		1.5, 1, 4, 1,
		1, 1, 1, 1.1,
		1, 1, 1, 1,
	}
	got, shape, units := mostChanged(w, w0, []int64{3, 4}, 2)
	if len(units) != 2 || units[0] != 2 || units[1] != 0 {
		t.Fatalf("units: got %v, want [2 0]", units)
	}
	if shape[0] != 3 || shape[1] != 2 {
		t.Errorf("shape: got %v, want [3 2]", shape)
	}
	want := []float32{3, 0.5, 0, 0, 0, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("deltas: got %v, want %v", got, want)
		}
	}
}

func TestFilterMosaic_EachTileScaledOnItsOwn(t *testing.T) {
	// Two 1x1 single-channel filters, a hundred times apart: both must reach full colour.
	f := FiltersReady{Shape: []int64{1, 1, 1, 2}, Weights: []float32{0.1, -10}}
	img := FilterMosaic(f, 1)
	if img == nil {
		t.Fatal("no mosaic")
	}
	if got, want := img.RGBAAt(1, 1), (color.RGBA{255, 0, 0, 255}); got != want {
		t.Errorf("weak positive filter: got %v, want %v (full red)", got, want)
	}
	if got, want := img.RGBAAt(3, 1), (color.RGBA{0, 0, 255, 255}); got != want {
		t.Errorf("strong negative filter: got %v, want %v (full blue)", got, want)
	}
}

// At larger scales the gaps widen with the tiles (here 3 pixels at scale 5), so that they stay
// visible when the app resizes the mosaic.
func TestFilterMosaic_GapsGrowWithScale(t *testing.T) {
	f := FiltersReady{Shape: []int64{1, 1, 1, 2}, Weights: []float32{1, -1}}
	img := FilterMosaic(f, 5)
	if got, want := img.Bounds().Dx(), 3+5+3+5+3; got != want {
		t.Fatalf("width %d, want %d", got, want)
	}
	grey := color.RGBA{0x60, 0x60, 0x60, 0xff}
	for x, want := range map[int]color.RGBA{2: grey, 3: {255, 0, 0, 255}, 7: {255, 0, 0, 255}, 8: grey, 10: grey, 11: {0, 0, 255, 255}} {
		if got := img.RGBAAt(x, 4); got != want {
			t.Errorf("pixel (%d, 4): %v, want %v", x, got, want)
		}
	}
}
