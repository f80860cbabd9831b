package report

import (
	"os"
	"path/filepath"
	"testing"

	"rethink/experiments/layers"
)

// A made-up "layers" run: two networks of three layers, one conv layer with patches.
func layersFixture() (layers.Details, layers.Patches) {
	d := layers.Details{Model: "AlexNet", Classes: 10,
		Layers: []layers.LayerInfo{{Name: "input"}, {Name: "conv1"}, {Name: "logits"}},
		Nets: []layers.Net{{Name: "true labels", Probe: []float64{0.8, 0.9, 0.95}, ProbeTrain: []float64{1, 1, 1}},
			{Name: "random labels", Probe: []float64{0.8, 0.85, 0.3}, ProbeTrain: []float64{1, 1, 0.4}}},
		CKA: []layers.CKAPair{{A: "true labels", B: "random labels", Matrix: [][]float64{{1, 0.8, 0.1}, {0.8, 0.9, 0.2}, {0.1, 0.2, 0.1}}, Same: []float64{1, 0.9, 0.1}}}}
	patch := func(v float32) layers.Patch {
		px := make([]float32, 9)
		for i := range px {
			px[i] = v * float32(i)
		}
		return layers.Patch{Value: v, Pixels: px}
	}
	lp := layers.LayerPatches{Layer: "conv1", Size: 3, C: 1, Channels: []layers.ChannelPatches{
		{Channel: 0, Top: []layers.Patch{patch(2), patch(1)}}, {Channel: 5, Top: []layers.Patch{patch(3), patch(1)}}}}
	p := layers.Patches{Nets: []layers.NetPatches{{Net: "true labels", Layers: []layers.LayerPatches{lp}}, {Net: "random labels", Layers: []layers.LayerPatches{lp}}}}
	return d, p
}

func TestWriteLayersFigures(t *testing.T) {
	d, p := layersFixture()
	dir := t.TempDir()
	if err := WriteLayersFigures(dir, d, p); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"probe-accuracy.png", "cka-same-layer.png", "cka-matrix.png", "top-patches.png", "patches-conv1.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// Two blocks of 2 channels x 2 patches of 3 pixels (+1 gap each), 3 pixels between blocks.
	g := MosaicGrid(p, "conv1")
	if len(g) != 7 || len(g[0]) != 2*8+3-1 {
		t.Errorf("mosaic %dx%d, want 7 rows of 18", len(g), len(g[0]))
	}
	if g[0][0] != 0 || g[2][2] != 1 {
		t.Errorf("patch not stretched to [0, 1]: %v, %v", g[0][0], g[2][2])
	}
	if MosaicGrid(p, "conv9") != nil {
		t.Errorf("a mosaic of a layer without patches")
	}
	f := LayersFigures([]Run{})
	if len(f.Loss.Series) != 0 || f.Names == nil || f.Choices == nil {
		t.Errorf("figures of no run: %+v", f)
	}
}
