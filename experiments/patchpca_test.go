package experiments

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// flatImages are images of one random gray level each: their patches vary along one direction
// only, the constant patch.
func flatImages(n int) data.Set {
	rng := rand.New(rand.NewPCG(3, 4))
	s := data.Set{Images: make([]float32, n*8*8), Labels: make([]uint8, n), N: n, H: 8, W: 8, C: 1}
	for i := range n {
		v := rng.Float32()
		for j := range 64 {
			s.Images[i*64+j] = v
		}
	}
	return s
}

func TestPatchPCA_FlatImagesHaveTheConstantPatchFirst(t *testing.T) {
	p, err := NewPatchPCA(flatImages(50), 5, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Components) != 25 || len(p.Variance) != 25 {
		t.Fatalf("%d components, %d variances; want 25", len(p.Components), len(p.Variance))
	}
	for i := 1; i < 25; i++ {
		if p.Variance[i] > p.Variance[i-1]+1e-12 {
			t.Fatalf("variances not descending at %d: %v", i, p.Variance[:i+1])
		}
	}
	if p.Variance[1] > 1e-9*p.Variance[0] {
		t.Errorf("second variance %g beside %g: flat patches have one direction", p.Variance[1], p.Variance[0])
	}
	flat, ramp := make([]float64, 25), make([]float64, 25)
	for i := range flat {
		flat[i], ramp[i] = 0.3, float64(i%5)-2 // ramp has zero mean: orthogonal to the flat patch
	}
	if s := p.Share(flat, 1); math.Abs(s-1) > 1e-9 {
		t.Errorf("share of a flat filter in the first component: %v, want 1", s)
	}
	if s := p.Share(ramp, 1); s > 1e-9 {
		t.Errorf("share of a zero-mean ramp in the first component: %v, want 0", s)
	}
	if s := p.Share(ramp, 25); math.Abs(s-1) > 1e-9 {
		t.Errorf("share of any filter in all 25 components: %v, want 1", s)
	}
}

// rampImages are 8x8 planes a + b*x + c*y with random a, b, c plus a little noise: their
// patches lie near the span of the flat patch and the two gradients.
func rampImages(n int) data.Set {
	rng := rand.New(rand.NewPCG(5, 6))
	s := data.Set{Images: make([]float32, n*64), Labels: make([]uint8, n), N: n, H: 8, W: 8, C: 1}
	for i := range n {
		a, b, c := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		for y := range 8 {
			for x := range 8 {
				s.Images[i*64+y*8+x] = float32(a + 0.3*b*float64(x) + 0.3*c*float64(y) + 0.05*rng.NormFloat64())
			}
		}
	}
	return s
}

func TestPatchPCA_StructuredFiltersAboveChanceRandomAtChance(t *testing.T) {
	ds := &data.Dataset{Train: rampImages(200)}
	p, err := NewPatchPCA(ds.Train, 5, 5000, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The components are orthonormal.
	for i, a := range p.Components {
		for j, b := range p.Components {
			var dot float64
			for k := range a {
				dot += a[k] * b[k]
			}
			if want := map[bool]float64{true: 1, false: 0}[i == j]; math.Abs(dot-want) > 1e-9 {
				t.Fatalf("components %d and %d: dot %v, want %v", i, j, dot, want)
			}
		}
	}
	const units, k = 64, PatchComponents
	kernel := make([]float32, 25*units)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range kernel {
		kernel[i] = float32(rng.NormFloat64())
	}
	random, chance, err := p.MeanShare(kernel, []int64{5, 5, 1, units}, k)
	if err != nil {
		t.Fatal(err)
	}
	if chance != 3.0/25 || math.Abs(random-chance) > 0.04 {
		t.Errorf("random filters: share %.3f, chance %.3f; want about 0.12", random, chance)
	}
	// Filters that are patches of the data lie in its three leading components.
	for u := range units {
		img := ds.Train.Image(u)
		y0, x0 := rng.IntN(4), rng.IntN(4)
		for y := range 5 {
			for x := range 5 {
				kernel[(y*5+x)*units+u] = img[(y0+y)*8+x0+x]
			}
		}
	}
	patches, _, err := p.MeanShare(kernel, []int64{5, 5, 1, units}, k)
	if err != nil {
		t.Fatal(err)
	}
	if patches < 0.9 || random > 0.2 {
		t.Errorf("data patches as filters: share %.3f, random filters %.3f; want clearly more", patches, random)
	}
	if _, _, err := p.MeanShare(kernel, []int64{3, 3, 1, units}, k); err == nil {
		t.Error("a 3x3 kernel against 5x5 patches: no error")
	}
}

// A conv run's filter snapshots carry the patch share, as sent and as stored; an MLP's do not.
func TestRun_FilterSnapshotsCarryThePatchShare(t *testing.T) {
	cfg := tinyConfig()
	cfg.Model = tfgraph.Architecture{Arch: tfgraph.AlexNet}
	cfg.Epochs = 2
	evs, _, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var sent []FiltersReady
	var dir string
	for _, e := range evs {
		switch e := e.(type) {
		case FiltersReady:
			sent = append(sent, e)
		case Started:
			dir = e.Dir
		}
	}
	if len(sent) != 3 {
		t.Fatalf("%d snapshots, want 3 (initial and two epochs)", len(sent))
	}
	stored, err := ReadFilterSnapshots(dir)
	if err != nil || len(stored) != len(sent) {
		t.Fatalf("stored snapshots: %d, %v", len(stored), err)
	}
	if sent[0].PatchShare != 0 {
		t.Errorf("initial snapshot (no change yet) has share %v, want 0: not measured", sent[0].PatchShare)
	}
	for i, s := range sent {
		if i == 0 {
			continue
		}
		if s.PatchChance != 3.0/25 || s.PatchShare <= 0 || s.PatchShare > 1 {
			t.Errorf("snapshot %d: share %v, chance %v; want a share in (0, 1] and chance 0.12", i, s.PatchShare, s.PatchChance)
		}
		if stored[i].PatchShare != s.PatchShare || stored[i].PatchChance != s.PatchChance {
			t.Errorf("snapshot %d stored with share %v, chance %v; sent %v, %v", i, stored[i].PatchShare, stored[i].PatchChance, s.PatchShare, s.PatchChance)
		}
	}
	cfg = tinyConfig()
	cfg.Epochs = 1
	evs, _, err = collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if f, ok := e.(FiltersReady); ok && (f.PatchShare != 0 || f.PatchChance != 0) {
			t.Errorf("MLP snapshot with share %v, chance %v; want none", f.PatchShare, f.PatchChance)
		}
	}
}
