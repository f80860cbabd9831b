package experiments

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// runUntil runs cfg and cancels it once stop(e) says so; it returns the run's folder.
func runUntil(t *testing.T, cfg Config, ds *data.Dataset, root string, stop func(EpochDone) bool) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan Event, 1024)
	done := make(chan string)
	go func() {
		var dir string
		for e := range out {
			switch e := e.(type) {
			case Started:
				dir = e.Dir
			case EpochDone:
				if stop(e) {
					cancel()
				}
			}
		}
		done <- dir
	}()
	_, err := Run(ctx, cfg, Options{ResultsDir: root, Dataset: ds}, out)
	close(out)
	dir := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first part: err = %v, want context.Canceled", err)
	}
	return dir
}

// scienceRows reads a run's metrics.csv without its wall-clock columns.
func scienceRows(t *testing.T, dir string) []Metrics {
	t.Helper()
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rec.Metrics {
		rec.Metrics[i].Seconds, rec.Metrics[i].ImagesPerSec = 0, 0
	}
	return rec.Metrics
}

// TestRun_ResumeIsExactForEveryFamily stops a run of each preset family (the in-graph
// randomness of dropout, random crops and flips included) after its first epoch, resumes it, and
// wants every row of metrics.csv equal to the uninterrupted run's.
func TestRun_ResumeIsExactForEveryFamily(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*Config)
	}{
		{"mlp dropout random labels", func(c *Config) {
			c.Model = tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{32, 32}, Dropout: 0.5}
			c.Randomization = data.Randomization{Mode: data.RandomLabels}
		}},
		{"alexnet crop flip weight decay", func(c *Config) {
			c.Model = tfgraph.Architecture{Arch: tfgraph.AlexNet, Dropout: 0.3}
			c.RandomCrop, c.Flip, c.WeightDecay, c.LearningRate = true, true, 5e-4, 0.01
		}},
		{"inception bn crop partial labels", func(c *Config) {
			c.Model = tfgraph.Architecture{Arch: tfgraph.Inception, BatchNorm: true}
			c.RandomCrop, c.LearningRate = true, 0.1
			c.Randomization = data.Randomization{Mode: data.PartialLabels, P: 0.5}
		}},
		{"inception w/o bn flip dropout shuffled pixels clipped", func(c *Config) {
			c.Model = tfgraph.Architecture{Arch: tfgraph.Inception, Dropout: 0.5}
			c.Flip, c.LearningRate, c.ClipNorm = true, 0.01, 0.5
			c.Randomization = data.Randomization{Mode: data.ShuffledPixels}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig()
			cfg.Epochs, cfg.Batch = 3, 32
			tc.set(&cfg)
			ds := bars(64, 16, 5)
			full := t.TempDir()
			if _, _, err := collect(t, context.Background(), cfg, Options{ResultsDir: full, Dataset: ds}); err != nil {
				t.Fatal(err)
			}
			dirs, err := ListRuns(full)
			if err != nil || len(dirs) != 1 {
				t.Fatalf("ListRuns: %v, %v", dirs, err)
			}
			want := scienceRows(t, dirs[0])

			dir := runUntil(t, cfg, ds, t.TempDir(), func(e EpochDone) bool { return e.Metrics.Epoch == 1 })
			if _, sum, err := collect(t, context.Background(), Config{}, Options{ResumeDir: dir, Dataset: ds}); err != nil || sum.Status != StatusDone {
				t.Fatalf("resume: %v, status %q", err, sum.Status)
			}
			got := scienceRows(t, dir)
			if len(got) != len(want) {
				t.Fatalf("resumed metrics.csv has %d rows, uninterrupted %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("epoch %d resumed:      %+v\nepoch %d uninterrupted: %+v", got[i].Epoch, got[i], want[i].Epoch, want[i])
				}
			}
		})
	}
}

// TestRun_ResumeOfFinishedRunChangesNothing resumes a run that is done: nothing trains, no file
// changes, and the error says it is finished.
func TestRun_ResumeOfFinishedRunChangesNothing(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 2
	ds := bars(64, 16, 6)
	evs, first, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	dir := evs[0].(Started).Dir
	before := map[string][]byte{}
	for _, f := range []string{"metrics.csv", "summary.json", "state.json"} {
		if before[f], err = os.ReadFile(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	evs, sum, err := collect(t, context.Background(), Config{}, Options{ResumeDir: dir, Dataset: ds})
	if !errors.Is(err, ErrFinished) {
		t.Fatalf("resume of a finished run: err = %v, want ErrFinished", err)
	}
	if sum.Status != StatusDone || sum.FinalTrainAcc != first.FinalTrainAcc || sum.Epochs != first.Epochs {
		t.Errorf("resume of a finished run returned summary %+v, want the stored one %+v", sum, first)
	}
	for _, e := range evs {
		if _, ok := e.(EpochDone); ok {
			t.Errorf("resume of a finished run trained an epoch: %+v", e)
		}
	}
	for f, b := range before {
		now, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.Equal(now, b) {
			t.Errorf("%s changed by resuming a finished run (err %v)", f, err)
		}
	}
}

// TestRun_StopAfterFitCountsFromTheFit: a run stopped between its fit and its end, then resumed,
// ends at the same epoch as the uninterrupted run (StopAfterFit epochs after the fit).
func TestRun_StopAfterFitCountsFromTheFit(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.StopAfterFit = 40, 3
	ds := bars(64, 16, 4)
	_, full, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	if full.FitStep < 0 {
		t.Fatalf("the bars were not fitted in 40 epochs")
	}
	fitEpoch := -1
	dir := runUntil(t, cfg, ds, t.TempDir(), func(e EpochDone) bool {
		if fitEpoch < 0 && e.Metrics.TrainAcc >= 1 {
			fitEpoch = e.Metrics.Epoch
		}
		return fitEpoch >= 0 && e.Metrics.Epoch == fitEpoch+1
	})
	_, sum, err := collect(t, context.Background(), Config{}, Options{ResumeDir: dir, Dataset: ds})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Epochs != full.Epochs || sum.Epochs != fitEpoch+cfg.StopAfterFit {
		t.Errorf("resumed run ended at epoch %d, uninterrupted at %d, fit at epoch %d with stop_after_fit %d",
			sum.Epochs, full.Epochs, fitEpoch, cfg.StopAfterFit)
	}
}

// A process killed in the middle of a write leaves WriteAtomic's temporary file behind; the
// resume removes it (and nothing else of the folder's).
func TestRun_ResumeRemovesTempFilesOfAKilledWrite(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 6
	ds := bars(64, 16, 6)
	dir := runUntil(t, cfg, ds, t.TempDir(), func(e EpochDone) bool { return e.Metrics.Epoch == 2 })
	stale := []string{".summary.json.tmp123456", ".metrics.csv.tmp987"}
	for _, n := range append(slices.Clone(stale), "notes.txt") {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("{"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, sum, err := collect(t, context.Background(), Config{}, Options{ResumeDir: dir, Dataset: ds}); err != nil || sum.Status != StatusDone {
		t.Fatalf("resume: status %q, err %v", sum.Status, err)
	}
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still in the run folder after the resume (stat: %v)", n, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("the resume removed a file of the user's: %v", err)
	}
}
