package experiments

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// bars is a tiny data set made in code: 8x8 images with one horizontal (class 0) or vertical
// (class 1) bar at a random place, plus a little noise.
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

func tinyConfig() Config {
	c := DefaultConfig()
	c.Name = "tiny"
	c.Model = tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{32}}
	c.Batch, c.Epochs, c.LearningRate = 16, 4, 0.05
	c.Device, c.Threads = "cpu", 1
	return c
}

// collect runs cfg to the end and returns its events.
func collect(t *testing.T, ctx context.Context, cfg Config, opts Options) ([]Event, Summary, error) {
	t.Helper()
	out := make(chan Event, 1024)
	sum, err := Run(ctx, cfg, opts, out)
	close(out)
	var evs []Event
	for e := range out {
		evs = append(evs, e)
	}
	return evs, sum, err
}

func metricsOf(evs []Event) []Metrics {
	var ms []Metrics
	for _, e := range evs {
		if d, ok := e.(EpochDone); ok {
			d.Metrics.Seconds, d.Metrics.ImagesPerSec = 0, 0 // wall-clock, not science
			ms = append(ms, d.Metrics)
		}
	}
	return ms
}

func TestRun_CancelAfterFirstEpoch(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 50
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan Event)
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 1)}, out)
		done <- err
	}()
	var dir string
	deadline := time.After(60 * time.Second)
	for finished := false; !finished; {
		select {
		case e := <-out:
			switch e := e.(type) {
			case Started:
				dir = e.Dir
			case EpochDone:
				cancel()
			case Finished:
				finished = true
			}
		case <-deadline:
			t.Fatal("no Finished event within 60 s of the start")
		}
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: err = %v, want context.Canceled", err)
	}
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatalf("cancelled run's folder is not readable: %v", err)
	}
	if got, want := rec.Summary.Status, StatusCancelled; got != want {
		t.Errorf("summary status = %q, want %q", got, want)
	}
	if len(rec.Metrics) == 0 {
		t.Error("cancelled run kept no metrics")
	}
}

func TestRun_SameSeedSameMetrics(t *testing.T) {
	cfg := tinyConfig()
	cfg.Model = tfgraph.Architecture{Arch: tfgraph.AlexNet}
	cfg.Randomization = data.Randomization{Mode: data.RandomLabels}
	cfg.Epochs = 2
	a, _, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 1)})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ma, mb := metricsOf(a), metricsOf(b)
	if len(ma) != 2 || len(mb) != 2 {
		t.Fatalf("got %d and %d epochs, want 2 each", len(ma), len(mb))
	}
	for i := range ma {
		if ma[i] != mb[i] {
			t.Errorf("epoch %d: %+v vs %+v with the same config and seed", i+1, ma[i], mb[i])
		}
	}
}

func TestRun_ResumeGivesSameNumbers(t *testing.T) {
	cfg := tinyConfig()
	cfg.Model = tfgraph.Architecture{Arch: tfgraph.Inception, BatchNorm: true}
	cfg.Epochs, cfg.Batch, cfg.LearningRate = 4, 32, 0.1
	ds := bars(64, 32, 2)
	full, _, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}

	// The same run, stopped after epoch 2 (as a kill would: the folder holds its checkpoint),
	// then resumed.
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan Event, 1024)
	var dir string
	go func() {
		for e := range out {
			switch e := e.(type) {
			case Started:
				dir = e.Dir
			case EpochDone:
				if e.Metrics.Epoch == 2 {
					cancel()
				}
			}
		}
	}()
	_, err = Run(ctx, cfg, Options{ResultsDir: t.TempDir(), Dataset: ds}, out)
	close(out)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first half: err = %v, want context.Canceled", err)
	}
	// The folder holds what a kill right after epoch 2's checkpoint leaves: epochs 1-2 of
	// metrics and the epoch-2 checkpoint. A kill a little later, after epoch 3's row of
	// metrics.csv was written but before its checkpoint, leaves one more row that no checkpoint
	// covers: add it (with a loss no run gives), as that kill would, and the resume must drop it.
	var st runState
	if b, err := os.ReadFile(filepath.Join(dir, "state.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	before, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Epoch != 2 || len(before.Metrics) != 2 {
		t.Fatalf("after the cancel at epoch 2: checkpoint of epoch %d and %d rows of metrics, want 2 and 2", st.Epoch, len(before.Metrics))
	}
	stale := before.Metrics[1]
	stale.Epoch, stale.Step, stale.TrainLoss = 3, stale.Step+2, 99
	if err := WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), append(before.Metrics, stale)); err != nil {
		t.Fatal(err)
	}
	resumed, sum, err := collect(t, context.Background(), Config{}, Options{ResumeDir: dir, Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Status != StatusDone {
		t.Errorf("resumed status = %q", sum.Status)
	}
	want, got := metricsOf(full), metricsOf(resumed)
	if len(got) != 2 {
		t.Fatalf("resumed run reported %d epochs, want epochs 3 and 4", len(got))
	}
	for i := range got {
		if got[i] != want[i+2] {
			t.Errorf("resumed epoch %d: %+v\nuninterrupted:   %+v", got[i].Epoch, got[i], want[i+2])
		}
	}
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Metrics) != 4 {
		t.Fatalf("metrics.csv of the resumed run has %d rows, want 4", len(rec.Metrics))
	}
	for i, m := range rec.Metrics {
		// metrics.csv keeps float32 precision.
		if m.Epoch != i+1 || float32(m.TrainLoss) != float32(want[i].TrainLoss) {
			t.Errorf("metrics.csv row %d: epoch %d, train loss %v; want epoch %d, %v (the uninterrupted run's)", i+1, m.Epoch, m.TrainLoss, i+1, want[i].TrainLoss)
		}
	}
}

func TestRun_DivergedRunStopsAndKeepsMetrics(t *testing.T) {
	cfg := tinyConfig()
	cfg.Model = tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{256, 256, 256}}
	cfg.LearningRate, cfg.Momentum, cfg.Epochs = 10, 0.99, 30
	evs, sum, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 3)})
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("err = %v, want ErrDiverged", err)
	}
	if got, want := sum.Status, StatusDiverged; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	var dir string
	for _, e := range evs {
		if s, ok := e.(Started); ok {
			dir = s.Dir
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err != nil {
		t.Errorf("diverged run has no summary: %v", err)
	}
	if _, ok := evs[len(evs)-1].(Finished); !ok {
		t.Errorf("last event is %T, want Finished", evs[len(evs)-1])
	}
}

func TestRun_FitsAndWritesItsFolder(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.StopAfterFit = 40, 0
	evs, sum, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 4)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.FitStep < 0 {
		t.Fatalf("the bars were not fitted in 40 epochs: train acc %.3f", sum.FinalTrainAcc)
	}
	if got := sum.FinalTrainAcc; got != 1 {
		t.Errorf("stopped at fit with train acc %v, want 1", got)
	}
	var dir string
	var filters int
	for _, e := range evs {
		switch e := e.(type) {
		case Started:
			dir = e.Dir
		case FiltersReady:
			filters++
			if len(e.Filters()) != 32 {
				t.Errorf("snapshot has %d filters, want 32", len(e.Filters()))
			}
		}
	}
	if filters < 2 {
		t.Errorf("%d filter snapshots, want the initial one and at least one more", filters)
	}
	for _, f := range []string{"config.json", "metrics.csv", "summary.json", "state.json", "filters.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run folder lacks %s: %v", f, err)
		}
	}
	snaps, err := ReadFilterSnapshots(dir)
	if err != nil || len(snaps) != filters {
		t.Errorf("ReadFilterSnapshots: %d snapshots, %v; want %d", len(snaps), err, filters)
	}
}

func TestRun_RejectsBadConfig(t *testing.T) {
	cfg := tinyConfig()
	cfg.LearningRate = -1
	_, sum, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(8, 8, 1)})
	if err == nil || sum.Status != StatusFailed {
		t.Errorf("negative learning rate: err = %v, status %q; want an error and %q", err, sum.Status, StatusFailed)
	}
}
