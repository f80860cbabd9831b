package layers

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

func randMatrix(rng *rand.Rand, n, d int) []float32 {
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func TestCKA_Properties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, d := 40, 6
	x := randMatrix(rng, n, d)
	same, err := LinearCKA(x, d, x, d, n)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(same-1) > 1e-12 {
		t.Errorf("CKA(X, X) = %v, want 1", same)
	}
	// An orthogonal transform (a Householder reflection I - 2vv^T/|v|^2) and an isotropic
	// scaling of X leave CKA with any Y unchanged.
	y := randMatrix(rng, n, 3)
	base, _ := LinearCKA(x, d, y, 3, n)
	v := make([]float64, d)
	var vv float64
	for i := range v {
		v[i] = rng.NormFloat64()
		vv += v[i] * v[i]
	}
	xr := make([]float32, len(x))
	for i := range n {
		row := x[i*d : (i+1)*d]
		var dot float64
		for j := range d {
			dot += float64(row[j]) * v[j]
		}
		for j := range d {
			xr[i*d+j] = float32(3.5 * (float64(row[j]) - 2*dot*v[j]/vv))
		}
	}
	rot, _ := LinearCKA(xr, d, y, 3, n)
	if math.Abs(rot-base) > 1e-5 {
		t.Errorf("CKA after a reflection and scaling by 3.5 = %v, before %v", rot, base)
	}
	if base <= 0 || base >= 0.9 {
		t.Errorf("CKA of independent random features = %v, want well inside (0, 1)", base)
	}
	// One feature each: CKA is the squared correlation. x = 1,2,3 and y = 1,4,9: 576/588.
	k, err := LinearCKA([]float32{1, 2, 3}, 1, []float32{1, 4, 9}, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := 576.0 / 588.0; math.Abs(k-want) > 1e-12 {
		t.Errorf("CKA of (1,2,3) and (1,4,9) = %v, want %v", k, want)
	}
	// The Gram matrix the kind makes in TensorFlow gives the same CKA as the one made in Go.
	g, err := tfgraph.Gram(x, n, d, 1)
	if err != nil {
		t.Fatal(err)
	}
	kc, _ := CenterGram(g, n)
	lc, _ := CenterGram(gramGo(y, n, 3), n)
	if got := CKAFromCentered(kc, lc); math.Abs(got-base) > 1e-5 {
		t.Errorf("CKA from TensorFlow's Gram = %v, from Go's %v", got, base)
	}
	if _, err := LinearCKA(x, d, y, 3, n+1); err == nil {
		t.Errorf("LinearCKA accepted n that does not match the values")
	}
}

func TestPooling(t *testing.T) {
	l := tfgraph.Layer{Name: "conv", Shape: []int{4, 4, 2}}
	if got := pooledSize(l, 100); got != 32 {
		t.Errorf("a 4x4x2 map within 100 values: probe sees %d, want all 32", got)
	}
	if got := pooledSize(l, 8); got != 8 {
		t.Errorf("a 4x4x2 map within 8 values: probe sees %d, want a 2x2 grid of 2 channels", got)
	}
	img := make([]float32, 32)
	for i := range img {
		img[i] = float32(i % 2) // channel 1 is 1 everywhere, channel 0 is 0
	}
	img[0] = 4 // channel 0 at (0, 0): the top-left cell's mean is 1
	got := appendPooled(nil, l, img, 8)
	if want := []float32{1, 1, 0, 1, 0, 1, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("pooled = %v, want %v", got, want)
	}
}

// bars is a tiny data set made here: 8x8 images with a horizontal (class 0) or vertical
// (class 1) bar at a random row or column, plus noise.
func bars(ntrain, ntest int, seed uint64) *data.Dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	mk := func(n int) data.Set {
		s := data.Set{Images: make([]float32, n*64), Labels: make([]uint8, n), N: n, H: 8, W: 8, C: 1}
		for i := range n {
			img := s.Images[i*64 : (i+1)*64]
			for j := range img {
				img[j] = 0.1 * rng.Float32()
			}
			class, at := rng.IntN(2), rng.IntN(8)
			for k := range 8 {
				if class == 0 {
					img[at*8+k] = 1
				} else {
					img[k*8+at] = 1
				}
			}
			s.Labels[i] = uint8(class)
		}
		return s
	}
	return &data.Dataset{Name: "bars", Classes: 2, Train: mk(ntrain), Test: mk(ntest)}
}

func tinyRun(arch tfgraph.Architecture, s Settings) experiments.Config {
	c := experiments.DefaultConfig()
	c.Kind, c.Name, c.Model = Kind, "tiny layers", arch
	c.TrainSize, c.TestSize, c.Batch, c.Epochs, c.LearningRate = 80, 60, 16, 3, 0.05
	c.Device, c.Threads = tfgraph.DeviceCPU, 1
	if s.ProbeTrain == 0 {
		s.ProbeTrain, s.ProbeTest, s.ProbeSteps, s.CKAImages, s.PatchImages, s.PatchChannels, s.PatchTop = 60, 60, 40, 40, 40, 2, 3
	}
	b, _ := json.Marshal(s)
	c.Settings = b
	return c
}

func collect(ctx context.Context, cfg experiments.Config, opts experiments.Options) ([]experiments.Event, experiments.Summary, error) {
	out := make(chan experiments.Event, 4096)
	sum, err := experiments.Run(ctx, cfg, opts, out)
	close(out)
	var evs []experiments.Event
	for e := range out {
		evs = append(evs, e)
	}
	return evs, sum, err
}

func TestKind_WritesItsRunFolder(t *testing.T) {
	root := t.TempDir()
	opts := experiments.Options{ResultsDir: root, Dataset: bars(200, 80, 3)}
	cfg := tinyRun(tfgraph.Architecture{Arch: tfgraph.AlexNet}, Settings{})
	evs, sum, err := collect(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Status != experiments.StatusDone {
		t.Fatalf("status %s", sum.Status)
	}
	if _, ok := evs[len(evs)-1].(experiments.Finished); !ok {
		t.Errorf("last event %T, want Finished", evs[len(evs)-1])
	}
	for _, e := range evs {
		switch e.(type) {
		case experiments.Started, experiments.StepProgress, experiments.EpochDone, experiments.Finished:
		default:
			t.Errorf("unexpected event %T", e)
		}
	}
	for _, f := range []string{"config.json", "metrics.csv", "summary.json", ProbesFile, CKAFile, AlignmentFile, PatchesFile} {
		if _, err := os.Stat(filepath.Join(sum.Dir, f)); err != nil {
			t.Errorf("run folder lacks %s: %v", f, err)
		}
	}
	// The networks are "sgd" runs inside the folder, not runs of their own in the results.
	nets, _ := experiments.ListRuns(filepath.Join(sum.Dir, "nets"))
	if len(nets) != 2 {
		t.Errorf("nets/ holds %d runs, want 2 (true and random labels)", len(nets))
	}
	if all, _ := experiments.ListRuns(root); len(all) != 1 {
		t.Errorf("ListRuns of the results lists %d runs, want the layers run only: %v", len(all), all)
	}
	rec, err := experiments.ReadRun(sum.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var d Details
	if err := json.Unmarshal(rec.Summary.Details, &d); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range d.Layers {
		names = append(names, l.Name)
	}
	if want := []string{"input", "conv1", "conv2", "fc3", "fc4", "logits"}; !slices.Equal(names, want) {
		t.Errorf("layers %v, want %v", names, want)
	}
	if len(d.Nets) != 2 || d.Nets[1].Mode != data.RandomLabels {
		t.Fatalf("nets %+v", d.Nets)
	}
	for _, n := range d.Nets {
		if len(n.Probe) != len(d.Layers) {
			t.Errorf("%s: %d probe accuracies for %d layers", n.Name, len(n.Probe), len(d.Layers))
		}
		for _, a := range n.Probe {
			if !(a >= 0 && a <= 1) {
				t.Errorf("%s: probe accuracy %v", n.Name, a)
			}
		}
		if a := n.Alignment; a.K != experiments.PatchComponents || a.Dim != 25 || !(a.Trained > 0 && a.Trained <= 1) {
			t.Errorf("%s: alignment %+v", n.Name, a)
		}
	}
	if len(d.CKA) != 2 {
		t.Fatalf("%d CKA pairs, want true vs random and true vs itself", len(d.CKA))
	}
	self := d.CKA[1]
	for i, v := range self.Same {
		if math.Abs(v-1) > 1e-6 {
			t.Errorf("CKA of layer %s with itself = %v", d.Layers[i].Name, v)
		}
	}
	// The input layer is the same images for both networks.
	if v := d.CKA[0].Same[0]; math.Abs(v-1) > 1e-6 {
		t.Errorf("CKA of the input layers = %v, want 1", v)
	}
	p, err := ReadPatches(sum.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Nets) != 2 || len(p.Nets[0].Layers) != 2 {
		t.Fatalf("patches of %d nets (first: %d layers), want 2 nets of 2 conv layers", len(p.Nets), len(p.Nets[0].Layers))
	}
	for _, lp := range p.Nets[0].Layers {
		if len(lp.Channels) != 2 || len(lp.Channels[0].Top) != 3 || len(lp.Channels[0].Top[0].Pixels) != lp.Size*lp.Size {
			t.Errorf("layer %s: patches %d channels, %d top", lp.Layer, len(lp.Channels), len(lp.Channels[0].Top))
		}
		top := lp.Channels[0].Top
		if top[0].Value < top[len(top)-1].Value {
			t.Errorf("layer %s: top patches not strongest first", lp.Layer)
		}
	}
	b, _ := os.ReadFile(filepath.Join(sum.Dir, ProbesFile))
	if lines := strings.Count(string(b), "\n"); lines != 1+2*len(d.Layers) {
		t.Errorf("probes.csv has %d lines, want a header and one per net and layer", lines)
	}
}

func TestKind_Cancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := tinyRun(tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{16}}, Settings{})
	cfg.Epochs = 500
	out := make(chan experiments.Event, 16)
	done := make(chan struct{})
	var sum experiments.Summary
	var err error
	go func() {
		defer close(done)
		sum, err = experiments.Run(ctx, cfg, experiments.Options{ResultsDir: t.TempDir(), Dataset: bars(200, 80, 4)}, out)
	}()
	for e := range out {
		if _, ok := e.(experiments.EpochDone); ok {
			t.Fatalf("a network finished before the cancel")
		}
		if _, ok := e.(experiments.StepProgress); ok {
			cancel()
		}
		if _, ok := e.(experiments.Finished); ok {
			break
		}
	}
	<-done
	if !errors.Is(err, context.Canceled) || sum.Status != experiments.StatusCancelled {
		t.Fatalf("after cancel: status %s, err %v", sum.Status, err)
	}
	rec, rerr := experiments.ReadRun(sum.Dir)
	if rerr != nil || rec.Summary.Status != experiments.StatusCancelled {
		t.Errorf("summary.json after cancel: %v, %+v", rerr, rec.Summary.Status)
	}
}

func TestKind_BadNets(t *testing.T) {
	root := t.TempDir()
	ds := bars(200, 80, 5)
	run := func(nets []NetRef) error {
		cfg := tinyRun(tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{16}}, Settings{Nets: nets, ProbeTrain: 60, ProbeTest: 60})
		_, sum, err := collect(context.Background(), cfg, experiments.Options{ResultsDir: root, Dataset: ds})
		if err != nil && sum.Status != experiments.StatusFailed {
			t.Errorf("status %s for error %v", sum.Status, err)
		}
		return err
	}
	missing := filepath.Join(root, "no-such-run")
	if err := run([]NetRef{{Name: "a", Dir: missing}}); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing run folder: %v, want an error naming it", err)
	}
	// An SGD run folder without a checkpoint (state.json).
	bare := filepath.Join(root, "bare")
	os.MkdirAll(bare, 0o755)
	c := experiments.DefaultConfig()
	experiments.WriteJSON(filepath.Join(bare, "config.json"), c)
	if err := run([]NetRef{{Name: "bare", Dir: bare}}); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("a run without a checkpoint: %v", err)
	}
	// A state.json naming checkpoint files that are gone.
	experiments.WriteJSON(filepath.Join(bare, "state.json"), map[string]any{"Checkpoint": "checkpoint/epoch-0003"})
	cfg := tinyRun(tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{16}}, Settings{Nets: []NetRef{{Name: "bare", Dir: bare}}})
	_, _, err := collect(context.Background(), cfg, experiments.Options{ResultsDir: root, Dataset: ds})
	if !errors.Is(err, tfgraph.ErrNoCheckpoint) {
		t.Errorf("a checkpoint that is gone: %v, want tfgraph.ErrNoCheckpoint", err)
	}
	// Bad settings are refused before a folder is made.
	cfg.Settings = json.RawMessage(`{"probe_trian": 5}`)
	if _, _, err := collect(context.Background(), cfg, experiments.Options{ResultsDir: root, Dataset: ds}); err == nil {
		t.Errorf("a misspelt setting was accepted")
	}
}
