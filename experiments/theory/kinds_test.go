package theory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rethink/experiments"
	"rethink/experiments/data"
)

// smallMNIST is the first n training and testN test images of the embedded MNIST as a data set
// for Options.Dataset.
func smallMNIST(t *testing.T, n, testN int) *data.Dataset {
	t.Helper()
	train, test := mnist(t, n, testN)
	return &data.Dataset{Name: data.MNISTName, Classes: 10, ClassNames: data.MNISTClasses, Train: train, Test: test}
}

// runKindTest runs cfg through experiments.Run and returns the summary, the error, the events'
// types in order and the run folder.
func runKindTest(t *testing.T, ctx context.Context, cfg experiments.Config, ds *data.Dataset) (experiments.Summary, error, []string, string) {
	t.Helper()
	out := make(chan experiments.Event, 4096)
	sum, err := experiments.Run(ctx, cfg, experiments.Options{ResultsDir: t.TempDir(), Dataset: ds}, out)
	close(out)
	var types []string
	dir := ""
	for e := range out {
		switch e := e.(type) {
		case experiments.Started:
			types, dir = append(types, "Started"), e.Dir
		case experiments.StepProgress:
			if len(types) == 0 || types[len(types)-1] != "StepProgress" {
				types = append(types, "StepProgress")
			}
		case experiments.EpochDone:
			types = append(types, "EpochDone")
		case experiments.Finished:
			types = append(types, "Finished")
		}
	}
	return sum, err, types, dir
}

func settings(t *testing.T, v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKinds_EndToEnd runs each kind on tiny data and checks the run folder every kind writes.
func TestKinds_EndToEnd(t *testing.T) {
	ds := smallMNIST(t, 400, 100)
	cases := []struct {
		kind, artifact string
		n              int
		settings       any
		check          func(t *testing.T, details json.RawMessage, rows []experiments.Metrics)
	}{
		{KindTheorem1, "theorem1.csv", 0, Theorem1Settings{Sizes: []int{50, 200}}, func(t *testing.T, b json.RawMessage, rows []experiments.Metrics) {
			var d Theorem1Details
			if err := json.Unmarshal(b, &d); err != nil || len(d.Points) != 2 || len(rows) != 2 {
				t.Fatalf("details %s (%v), %d rows", b, err, len(rows))
			}
			p := d.Points[1]
			if p.N != 200 || p.Weights != 2*200+784 || p.TwoNPlusD != p.Weights || p.TrainAcc64 != 1 || !(p.MaxResidual64 < 1e-6) {
				t.Errorf("n = 200: %+v, want 2n + d weights and an exact fit in float64", p)
			}
			if d.PictureN != 50 || len(d.Picture) != 50 || rows[1].Step != 200 {
				t.Errorf("picture of n = %d with %d rows; metrics row step %d", d.PictureN, len(d.Picture), rows[1].Step)
			}
		}},
		{KindMinNorm, "minnorm.csv", 30, MinNormConfig{Epochs: 20, Batch: 10}, func(t *testing.T, b json.RawMessage, rows []experiments.Metrics) {
			var d MinNormDetails
			if err := json.Unmarshal(b, &d); err != nil || len(d.Curve) != 21 || len(rows) != 21 {
				t.Fatalf("details %s (%v), %d rows", b, err, len(rows))
			}
			if last := d.Curve[20]; !(last.Dist < d.Curve[0].Dist) || math.Abs(rows[20].TestLoss-last.Dist) > 1e-7 {
				t.Errorf("distance %v -> %v, metrics row %+v", d.Curve[0].Dist, last.Dist, rows[20])
			}
		}},
		{KindKernel, "kernel.csv", 300, KernelConfig{}, func(t *testing.T, b json.RawMessage, rows []experiments.Metrics) {
			var d KernelDetails
			if err := json.Unmarshal(b, &d); err != nil || len(d.Curve) == 0 || len(rows) != len(d.Curve)+1 {
				t.Fatalf("details %s (%v), %d rows", b, err, len(rows))
			}
			if d.N != 300 || d.TrainAcc != 1 || d.TestN != 100 || !(d.TestAcc > 0.5) || d.MemoryEstimate <= 0 || d.PeakRSS <= 0 {
				t.Errorf("kernel details: %+v", d)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			cfg := experiments.DefaultConfig()
			cfg.Kind, cfg.Name, cfg.TrainSize, cfg.Settings = c.kind, "tiny "+c.kind, c.n, settings(t, c.settings)
			sum, err, types, dir := runKindTest(t, context.Background(), cfg, ds)
			if err != nil || sum.Status != experiments.StatusDone {
				t.Fatalf("run: %+v, %v", sum, err)
			}
			seq := strings.Join(types, ",")
			if !strings.HasPrefix(seq, "Started,") || !strings.HasSuffix(seq, ",EpochDone,Finished") {
				t.Errorf("events %s", seq)
			}
			rec, err := experiments.ReadRun(dir)
			if err != nil {
				t.Fatal(err)
			}
			var disk bytes.Buffer
			if err := json.Compact(&disk, rec.Summary.Details); err != nil {
				t.Fatal(err)
			}
			if rec.Config.Kind != c.kind || rec.Summary.Status != experiments.StatusDone || !bytes.Equal(disk.Bytes(), sum.Details) {
				t.Errorf("run folder: kind %q, status %q", rec.Config.Kind, rec.Summary.Status)
			}
			if _, err := os.Stat(filepath.Join(dir, c.artifact)); err != nil {
				t.Error(err)
			}
			if Headline(c.kind, rec.Summary.Details) == "" {
				t.Error("no headline from the details")
			}
			c.check(t, rec.Summary.Details, rec.Metrics)
		})
	}
}

// TestKinds_Cancel: a kernel run cancelled at its first progress event ends cancelled, with
// its summary written and Finished sent.
func TestKinds_Cancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := experiments.DefaultConfig()
	cfg.Kind, cfg.Name, cfg.TrainSize = KindKernel, "cancelled", 1000
	out := make(chan experiments.Event, 64)
	done := make(chan struct{})
	var last experiments.Event
	go func() {
		defer close(done)
		for e := range out {
			if p, ok := e.(experiments.StepProgress); ok && strings.Contains(p.Stage, "kernel matrix") {
				cancel()
			}
			last = e
		}
	}()
	root := t.TempDir()
	sum, err := experiments.Run(ctx, cfg, experiments.Options{ResultsDir: root, Dataset: smallMNIST(t, 1000, 100)}, out)
	close(out)
	<-done
	if !errors.Is(err, context.Canceled) || sum.Status != experiments.StatusCancelled {
		t.Fatalf("cancelled run: %+v, %v", sum, err)
	}
	if f, ok := last.(experiments.Finished); !ok || !errors.Is(f.Err, context.Canceled) {
		t.Errorf("last event %T, want Finished with the cancel", last)
	}
	rec, err := experiments.ReadRun(sum.Dir)
	if err != nil || rec.Summary.Status != experiments.StatusCancelled {
		t.Errorf("run folder: %+v, %v", rec.Summary, err)
	}
}

// TestKinds_Refusals: bad settings fail before a folder is made; memory the run cannot have
// fails with ErrMemory and a summary; resuming is refused.
func TestKinds_Refusals(t *testing.T) {
	ds := smallMNIST(t, 100, 10)
	root := t.TempDir()
	cfg := experiments.DefaultConfig()
	cfg.Kind, cfg.Settings = KindKernel, json.RawMessage(`{"bandwith": 3}`)
	sum, err := experiments.Run(context.Background(), cfg, experiments.Options{ResultsDir: root, Dataset: ds}, nil)
	if err == nil || !strings.Contains(err.Error(), "bandwith") || sum.Status != experiments.StatusFailed {
		t.Errorf("misspelt setting: %+v, %v", sum, err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("bad settings left %d entries", len(entries))
	}

	cfg.Settings = settings(t, KernelConfig{MemoryLimit: 1 << 20})
	sum, err = experiments.Run(context.Background(), cfg, experiments.Options{ResultsDir: root, Dataset: ds}, nil)
	if !errors.Is(err, ErrMemory) || sum.Status != experiments.StatusFailed || sum.Dir == "" {
		t.Errorf("memory refusal: %+v, %v", sum, err)
	}

	cfg.Kind, cfg.Settings = KindTheorem1, nil
	_, err = experiments.Run(context.Background(), cfg, experiments.Options{ResumeDir: sum.Dir, Dataset: ds}, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot be resumed") {
		t.Errorf("resume: %v", err)
	}
}

// TestPresets_Valid: the explanations' presets are listed by experiments.Presets, name
// registered kinds, validate, and their settings read back strictly.
func TestPresets_Valid(t *testing.T) {
	ids := map[string]bool{}
	for _, p := range experiments.Presets() {
		ids[p.ID] = true
	}
	for _, p := range Presets() {
		if !ids[p.ID] || p.Group != PresetGroup || p.Title == "" || p.ExpectedTime == "" || len(p.Runs) == 0 {
			t.Errorf("preset %q: listed %v, group %q, %d runs", p.ID, ids[p.ID], p.Group, len(p.Runs))
		}
		if got, err := experiments.PresetByID(p.ID); err != nil || got.Title != p.Title {
			t.Errorf("PresetByID(%q): %v", p.ID, err)
		}
		for _, c := range p.Runs {
			if _, err := experiments.KindByName(c.Kind); err != nil || c.Kind == "" {
				t.Errorf("%s: run %q has kind %q: %v", p.ID, c.Name, c.Kind, err)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("%s: run %q: %v", p.ID, c.Name, err)
			}
			var dst any
			switch c.Kind {
			case KindTheorem1:
				dst = new(Theorem1Settings)
			case KindMinNorm:
				dst = new(MinNormConfig)
			case KindKernel:
				dst = new(KernelConfig)
			default:
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(c.Settings))
			dec.DisallowUnknownFields()
			if err := dec.Decode(dst); err != nil {
				t.Errorf("%s: run %q: settings %s: %v", p.ID, c.Name, c.Settings, err)
			}
		}
	}
	for _, id := range []string{"theorem1-quick", "theorem1-precision-quick", "minnorm-quick", "kernel-quick", "kernel-variants-quick", "kernel-paper"} {
		if !ids[id] {
			t.Errorf("no preset %q", id)
		}
	}
}

// TestKinds_Pause: a run started paused holds until the pause is lifted, then finishes.
func TestKinds_Pause(t *testing.T) {
	var pause experiments.Pause
	pause.Set(true)
	cfg := experiments.DefaultConfig()
	cfg.Kind, cfg.TrainSize, cfg.Settings = KindMinNorm, 20, settings(t, MinNormConfig{Epochs: 3, Batch: 10})
	const hold = 300 * time.Millisecond
	start := time.Now()
	time.AfterFunc(hold, func() { pause.Set(false) })
	sum, err := experiments.Run(context.Background(), cfg, experiments.Options{ResultsDir: t.TempDir(), Pause: &pause,
		Dataset: smallMNIST(t, 20, 10)}, nil)
	if err != nil || sum.Status != experiments.StatusDone {
		t.Fatalf("paused run: %+v, %v", sum, err)
	}
	if took := time.Since(start); took < hold {
		t.Errorf("the run ended after %v, before its pause of %v was lifted", took, hold)
	}
}

// TestKinds_ReturnWhenTheReaderIsGone: a caller that cancels a run and stops reading its events
// (without waiting for Finished) does not leave the run blocked for ever; Finished waits
// experiments.FinishedGrace at most, as for SGD runs.
func TestKinds_ReturnWhenTheReaderIsGone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := experiments.DefaultConfig()
	cfg.Kind, cfg.Name, cfg.Settings = KindTheorem1, "reader gone", settings(t, Theorem1Settings{Sizes: []int{50, 100}})
	opts := experiments.Options{ResultsDir: t.TempDir(), Dataset: smallMNIST(t, 200, 20)}
	out := make(chan experiments.Event) // unbuffered: every event needs the reader
	done := make(chan error, 1)
	go func() {
		_, err := experiments.Run(ctx, cfg, opts, out)
		done <- err
	}()
	<-out // Started: the run is under way
	cancel()
	select {
	case <-done:
	case <-time.After(experiments.FinishedGrace + 30*time.Second):
		t.Fatal("Run still blocked 30 s after the grace, its reader having cancelled and left")
	}
}
