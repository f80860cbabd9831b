package tfgraph

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// noise returns n images of standard Gaussian noise (as whitened data) of h x w x c with
// uniformly random labels.
func noise(n, h, w, c, classes int, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := Data{Images: make([]float32, n*h*w*c), Labels: make([]int32, n)}
	for i := range d.Images {
		d.Images[i] = float32(rng.NormFloat64())
	}
	for i := range d.Labels {
		d.Labels[i] = int32(rng.IntN(classes))
	}
	return d
}

func newModel(t testing.TB, spec Spec, train, test Data) *Model {
	t.Helper()
	m, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := m.Upload(train, test); err != nil {
		t.Fatal(err)
	}
	return m
}

// batches returns the index batches of one epoch in a seeded random order.
func batches(n, batch int, rng *rand.Rand) [][]int32 {
	perm := rng.Perm(n)
	var out [][]int32
	for start := 0; start < n; start += batch {
		b := make([]int32, 0, batch)
		for _, p := range perm[start:min(start+batch, n)] {
			b = append(b, int32(p))
		}
		out = append(out, b)
	}
	return out
}

func smallSpec(arch Architecture, n int) Spec {
	return Spec{Arch: arch, Height: 12, Width: 12, Channels: 1, Classes: 10, TrainSize: int64(n), TestSize: 32,
		Batch: 64, Momentum: 0.9, Seed: 3, Device: "cpu", Threads: 2}
}

func TestModel_MemorizesRandomLabels(t *testing.T) {
	// The paper's central claim in miniature: a small CNN fits 512 images of noise with random
	// labels to 100% training accuracy.
	const n = 512
	spec := smallSpec(Architecture{Arch: AlexNet}, n)
	spec.Batch = 32
	m := newModel(t, spec, noise(n, 12, 12, 1, 10, 1), noise(32, 12, 12, 1, 10, 2))
	if err := m.SetLearningRate(0.01); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var acc float64
	// About 22 epochs here (0.8 s each on 2 cores); 60 leaves room for other seeds and CPUs.
	for epoch := 1; epoch <= 60; epoch++ {
		for _, b := range batches(n, 32, rng) {
			if _, _, err := m.TrainStep(b); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		if _, acc, err = m.Evaluate(TrainSplit); err != nil {
			t.Fatal(err)
		}
		if acc == 1 {
			t.Logf("100%% training accuracy on random labels after %d epochs", epoch)
			return
		}
	}
	t.Fatalf("training accuracy on random labels stalled at %.4f after 60 epochs, want 1", acc)
}

func TestModel_SameSeedSameLosses(t *testing.T) {
	run := func() []float64 {
		spec := smallSpec(Architecture{Arch: Inception, BatchNorm: true}, 64)
		spec.Batch = 16
		spec.Threads = 2
		m := newModel(t, spec, noise(64, 12, 12, 1, 10, 1), noise(32, 12, 12, 1, 10, 2))
		if err := m.SetLearningRate(0.1); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 5))
		var losses []float64
		for _, b := range batches(64, 16, rng) {
			l, _, err := m.TrainStep(b)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, l)
		}
		l, _, err := m.Evaluate(TestSplit)
		if err != nil {
			t.Fatal(err)
		}
		return append(losses, l)
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("loss %d differs between two runs with the same seed: %v vs %v", i, a, b)
		}
	}
}

func TestModel_TenStepsLowerLoss(t *testing.T) {
	for _, arch := range []Architecture{
		{Arch: MLP, Hidden: []int64{64}},
		{Arch: AlexNet, Dropout: 0.2},
		{Arch: Inception},
		{Arch: Inception, BatchNorm: true},
	} {
		t.Run(arch.String(), func(t *testing.T) {
			spec := smallSpec(arch, 16)
			spec.Batch = 16
			spec.WeightDecay = 5e-4
			spec.TestSize = 0
			m := newModel(t, spec, noise(16, 12, 12, 1, 10, 9), Data{})
			if err := m.SetLearningRate(0.01); err != nil {
				t.Fatal(err)
			}
			all := make([]int32, 16)
			for i := range all {
				all[i] = int32(i)
			}
			first, _, err := m.Evaluate(TrainSplit)
			if err != nil {
				t.Fatal(err)
			}
			for range 10 {
				if _, _, err := m.TrainStep(all); err != nil {
					t.Fatal(err)
				}
			}
			last, _, err := m.Evaluate(TrainSplit)
			if err != nil {
				t.Fatal(err)
			}
			if !(last < first) {
				t.Errorf("training loss after 10 steps = %.4f, want below the initial %.4f", last, first)
			}
			if l, a, err := m.Evaluate(TestSplit); err != nil || !math.IsNaN(l) || !math.IsNaN(a) {
				t.Errorf("Evaluate(TestSplit) on an empty test set = %v, %v, %v; want NaN, NaN, nil", l, a, err)
			}
		})
	}
}

func TestModel_SaveRestore(t *testing.T) {
	spec := smallSpec(Architecture{Arch: Inception, BatchNorm: true}, 32)
	spec.Batch = 16
	train, test := noise(32, 12, 12, 1, 10, 4), noise(32, 12, 12, 1, 10, 5)
	a := newModel(t, spec, train, test)
	if err := a.SetLearningRate(0.05); err != nil {
		t.Fatal(err)
	}
	idx := []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	for range 3 {
		if _, _, err := a.TrainStep(idx); err != nil {
			t.Fatal(err)
		}
	}
	prefix := filepath.Join(t.TempDir(), "ckpt")
	if err := a.Save(prefix); err != nil {
		t.Fatal(err)
	}
	spec.Seed = 99 // different initial weights: everything must come from the checkpoint
	b := newModel(t, spec, train, test)
	if err := b.Restore(prefix); err != nil {
		t.Fatal(err)
	}
	// The next steps (momentum, learning rate and BN statistics included) must agree exactly.
	for i := range 3 {
		la, _, err := a.TrainStep(idx)
		if err != nil {
			t.Fatal(err)
		}
		lb, _, err := b.TrainStep(idx)
		if err != nil {
			t.Fatal(err)
		}
		if la != lb {
			t.Fatalf("step %d after restore: loss %v, want %v as the original model", i, lb, la)
		}
	}
	ta, aa, err := a.Evaluate(TestSplit)
	if err != nil {
		t.Fatalf("Evaluate of the original model: %v", err)
	}
	tb, ab, err := b.Evaluate(TestSplit)
	if err != nil {
		t.Fatalf("Evaluate of the restored model: %v", err)
	}
	if !(ta > 0) || math.IsInf(ta, 0) {
		t.Fatalf("test loss of the original model = %v, want a positive number", ta)
	}
	if ta != tb || aa != ab {
		t.Errorf("test loss and accuracy after restore and 3 steps = %v, %v, want %v, %v", tb, ab, ta, aa)
	}
	if err := b.Restore(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Restore of a missing checkpoint succeeded, want an error")
	}
}

func TestModel_UploadRejectsBadData(t *testing.T) {
	spec := smallSpec(Architecture{Arch: MLP, Hidden: []int64{8}}, 4)
	spec.TestSize = 0
	m, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, _, err := m.TrainStep([]int32{0}); err != ErrNotUploaded {
		t.Errorf("TrainStep before Upload: err = %v, want ErrNotUploaded", err)
	}
	bad := noise(4, 12, 12, 1, 10, 1)
	bad.Labels[2] = 10
	if err := m.Upload(bad, Data{}); err == nil {
		t.Error("Upload with label 10 of 10 classes succeeded, want an error")
	}
	short := noise(3, 12, 12, 1, 10, 1)
	if err := m.Upload(short, Data{}); err == nil {
		t.Error("Upload of 3 images into a graph of 4 succeeded, want an error")
	}
}

func TestSpec_Validate(t *testing.T) {
	good := smallSpec(Architecture{Arch: MLP, Hidden: []int64{8}}, 4)
	if err := good.Validate(); err != nil {
		t.Fatalf("the good spec: Validate = %v, want nil", err)
	}
	m, err := New(good)
	if err != nil {
		t.Fatalf("the good spec: New = %v, want a model", err)
	}
	m.Close()
	cases := map[string]struct {
		mutate func(*Spec)
		want   string // part of the error
	}{
		"unknown arch":   {func(s *Spec) { s.Arch.Arch = "resnet" }, "resnet"},
		"zero batch":     {func(s *Spec) { s.Batch = 0 }, "batch size 0"},
		"one class":      {func(s *Spec) { s.Classes = 1 }, "1 classes"},
		"bad device":     {func(s *Spec) { s.Device = "tpu" }, "tpu"},
		"dropout 1":      {func(s *Spec) { s.Arch.Dropout = 1 }, "dropout"},
		"crop too large": {func(s *Spec) { s.Augment = Augment{RandomCrop: true, StoredHeight: 10, StoredWidth: 10} }, "smaller than the crop"},
		"NaN momentum":   {func(s *Spec) { s.Momentum = math.NaN() }, "momentum"},
	}
	for name, tt := range cases {
		t.Run(name, func(t *testing.T) {
			s := good
			tt.mutate(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an error saying %q", err, tt.want)
			}
			if m, err := New(s); err == nil {
				m.Close()
				t.Errorf("New(%s) succeeded, want an error", name)
			}
		})
	}
}
