package tfgraph

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// toyData is n random h x w x c images with labels that depend on the mean of the first
// pixel row (so that a few steps learn something).
func toyData(n, h, w, c, classes int, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := Data{Images: make([]float32, n*h*w*c), Labels: make([]int32, n)}
	for i := range d.Images {
		d.Images[i] = float32(rng.NormFloat64())
	}
	for i := range n {
		var s float32
		for j := range w * c {
			s += d.Images[i*h*w*c+j]
		}
		d.Labels[i] = int32(min(max(int(s/float32(math.Sqrt(float64(w*c))))+classes/2, 0), classes-1))
	}
	return d
}

func TestFeatureNet_ShapesAndReceptiveFields(t *testing.T) {
	cases := []struct {
		arch   Architecture
		layers []string
		shapes [][]int
		rf     map[string]ReceptiveField
	}{
		{Architecture{Arch: AlexNet}, []string{"input", "conv1", "conv2", "fc3", "fc4", "logits"},
			[][]int{{28, 28, 1}, {28, 28, 64}, {14, 14, 64}, {384}, {192}, {10}},
			// conv2: 5x5 conv (field 5), 3x3/2 pool (7, jump 2, centre 2i+1), 5x5 conv (7+4*2 = 15).
			map[string]ReceptiveField{"conv1": {5, 1, 0}, "conv2": {15, 2, 1}}},
		{Architecture{Arch: MLP, Hidden: []int64{16, 8}}, []string{"input", "fc1", "fc2", "logits"},
			[][]int{{28, 28, 1}, {16}, {8}, {10}}, nil},
		{Architecture{Arch: Inception, BatchNorm: true},
			[]string{"input", "conv0", "inception1", "inception2", "downsample3", "inception4", "inception5", "inception6",
				"inception7", "downsample8", "inception9", "inception10", "pool", "logits"},
			[][]int{{28, 28, 1}, {28, 28, 96}, {28, 28, 64}, {28, 28, 80}, {14, 14, 160}, {14, 14, 160}, {14, 14, 160},
				{14, 14, 160}, {14, 14, 144}, {7, 7, 240}, {7, 7, 336}, {7, 7, 336}, {336}, {10}},
			map[string]ReceptiveField{"conv0": {3, 1, 0}, "inception2": {7, 1, 0}, "downsample3": {9, 2, 1}, "inception4": {13, 2, 1},
				"downsample8": {29, 4, 3}}},
	}
	for _, tc := range cases {
		t.Run(tc.arch.String(), func(t *testing.T) {
			f, err := NewFeatureNet(tc.arch, 28, 28, 1, 10, 1, 2)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var names []string
			for i, l := range f.Layers() {
				names = append(names, l.Name)
				if i < len(tc.shapes) && !slices.Equal(l.Shape, tc.shapes[i]) {
					t.Errorf("layer %s: shape %v, want %v", l.Name, l.Shape, tc.shapes[i])
				}
				if want, ok := tc.rf[l.Name]; ok && l.RF != want {
					t.Errorf("layer %s: receptive field %+v, want %+v", l.Name, l.RF, want)
				}
				if l.Spatial() && l.Name != "input" && l.RF.Size < 3 {
					t.Errorf("layer %s: spatial map without a receptive field: %+v", l.Name, l.RF)
				}
			}
			if !slices.Equal(names, tc.layers) {
				t.Fatalf("layers %v, want %v", names, tc.layers)
			}
			n := 3
			imgs := toyData(n, 28, 28, 1, 10, 3).Images
			feats, err := f.Features(imgs, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, ft := range feats {
				if ft.N != n || len(ft.Values) != n*ft.Size() {
					t.Errorf("layer %s: %d images, %d values; want %d of %d", ft.Name, ft.N, len(ft.Values), n, ft.Size())
				}
			}
			if !slices.Equal(feats[0].Values, imgs) {
				t.Errorf("the input layer is not the images fed")
			}
			if _, err := f.Features(imgs[:10], n); err == nil {
				t.Errorf("Features accepted 10 values for %d images", n)
			}
		})
	}
}

// The logits of a FeatureNet restored from a trained model's checkpoint classify the test set
// as the model's own evaluation does, batch norm's moving statistics included.
func TestFeatureNet_RestoreMatchesModel(t *testing.T) {
	for _, arch := range []Architecture{{Arch: MLP, Hidden: []int64{32}}, {Arch: Inception, BatchNorm: true}} {
		t.Run(arch.String(), func(t *testing.T) {
			const h, n, testN, classes = 8, 64, 50, 4
			train, test := toyData(n, h, h, 1, classes, 1), toyData(testN, h, h, 1, classes, 2)
			m, err := New(Spec{Arch: arch, Height: h, Width: h, Channels: 1, Classes: classes, TrainSize: n, TestSize: testN,
				Batch: 16, Momentum: 0.9, Seed: 5, Device: DeviceCPU, Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if err := m.Upload(train, test); err != nil {
				t.Fatal(err)
			}
			if err := m.SetLearningRate(0.05); err != nil {
				t.Fatal(err)
			}
			for s := range 6 {
				idx := make([]int32, 16)
				for i := range idx {
					idx[i] = int32((s*16 + i) % n)
				}
				if _, _, err := m.TrainStep(idx); err != nil {
					t.Fatal(err)
				}
			}
			_, wantAcc, err := m.Evaluate(TestSplit)
			if err != nil {
				t.Fatal(err)
			}
			prefix := filepath.Join(t.TempDir(), "ckpt")
			if err := m.Save(prefix); err != nil {
				t.Fatal(err)
			}
			f, err := NewFeatureNet(arch, h, h, 1, classes, 99, 2) // another seed: the weights must come from the checkpoint
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Restore(prefix); err != nil {
				t.Fatal(err)
			}
			feats, err := f.Features(test.Images, testN)
			if err != nil {
				t.Fatal(err)
			}
			logits := feats[len(feats)-1]
			hits := 0
			for i := range testN {
				row := logits.Values[i*classes : (i+1)*classes]
				best := 0
				for k := range row {
					if row[k] > row[best] {
						best = k
					}
				}
				if int32(best) == test.Labels[i] {
					hits++
				}
			}
			if got := float64(hits) / testN; math.Abs(got-wantAcc) > 1.5/testN {
				t.Errorf("restored features classify %.3f of the test set, the model %.3f", got, wantAcc)
			}
		})
	}
}

func TestFeatureNet_RestoreErrors(t *testing.T) {
	f, err := NewFeatureNet(Architecture{Arch: MLP, Hidden: []int64{8}}, 8, 8, 1, 3, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	if err := f.Restore(filepath.Join(dir, "nothing")); !errors.Is(err, ErrNoCheckpoint) {
		t.Errorf("missing checkpoint: %v, want ErrNoCheckpoint", err)
	}
	// A checkpoint of another network: its variables have other names and shapes.
	m, err := New(Spec{Arch: Architecture{Arch: MLP, Hidden: []int64{5}}, Height: 8, Width: 8, Channels: 1, Classes: 3,
		TrainSize: 4, Batch: 2, Device: DeviceCPU, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	prefix := filepath.Join(dir, "other")
	if err := m.Save(prefix); err != nil {
		t.Fatal(err)
	}
	if err := f.Restore(prefix); err == nil || errors.Is(err, ErrNoCheckpoint) {
		t.Errorf("checkpoint of MLP 1x5 restored into MLP 1x8: %v, want an error naming the mismatch", err)
	}
}

func TestTrainProbe_SeparableToy(t *testing.T) {
	// Three classes at the corners of a triangle in 5 dimensions, with small noise: linearly
	// separable, so the probe must classify the held-out points.
	rng := rand.New(rand.NewPCG(4, 4))
	centres := [][]float32{{3, 0, 0, 0, 0}, {0, 3, 0, 0, 0}, {0, 0, 3, 0, 0}}
	make := func(n int) ([]float32, []int32) {
		x, y := []float32{}, []int32{}
		for i := range n {
			k := i % 3
			for j := range 5 {
				x = append(x, centres[k][j]+float32(0.3*rng.NormFloat64()))
			}
			y = append(y, int32(k))
		}
		return x, y
	}
	x, y := make(90)
	tx, ty := make(60)
	r, err := TrainProbe(context.Background(), x, y, 90, 5, tx, ty, 60, 3, ProbeConfig{Steps: 100, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.TrainAcc != 1 || r.TestAcc != 1 {
		t.Errorf("probe on separable data: train %.3f, test %.3f, want 1 and 1 (loss %.3f)", r.TrainAcc, r.TestAcc, r.TrainLoss)
	}
	// Labels that no linear map can predict (random): the test accuracy stays near chance.
	for i := range ty {
		ty[i] = int32(rng.IntN(3))
	}
	r, err = TrainProbe(context.Background(), x, y, 90, 5, tx, ty, 60, 3, ProbeConfig{Steps: 100, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.TestAcc > 0.6 {
		t.Errorf("probe scored %.3f on random test labels, want about 1/3", r.TestAcc)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TrainProbe(ctx, x, y, 90, 5, tx, ty, 60, 3, ProbeConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled probe: %v", err)
	}
	if _, err := TrainProbe(context.Background(), x, y, 90, 4, tx, ty, 60, 3, ProbeConfig{}); err == nil {
		t.Errorf("probe accepted d = 4 for 5 values a row")
	}
}

func TestGram(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6} // 2 rows of 3
	g, err := Gram(x, 2, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{14, 32, 32, 77}; !slices.Equal(g, want) {
		t.Errorf("Gram = %v, want %v", g, want)
	}
}

// Before Restore, a FeatureNet's first layer is the initial first layer of a Model of the same
// architecture and seed (the layers kind measures the change from it).
func TestFeatureNet_InitialWeightsMatchModel(t *testing.T) {
	for _, arch := range []Architecture{{Arch: AlexNet}, {Arch: MLP, Hidden: []int64{16}}} {
		m, err := New(Spec{Arch: arch, Height: 28, Width: 28, Channels: 1, Classes: 10, TrainSize: 4, Batch: 2, Seed: 7, Device: DeviceCPU, Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := m.FirstLayer()
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
		f, err := NewFeatureNet(arch, 28, 28, 1, 10, 7, 2)
		if err != nil {
			t.Fatal(err)
		}
		got, shape, err := f.Weights(arch.FirstLayer())
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the feature net's initial first layer %v differs from the model's", arch, shape)
		}
	}
}
