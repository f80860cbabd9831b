package archnoise

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// stripes is a small data set made here: 7x7 images of ten classes, class k a bright row k%7
// (k < 7) or column k-7, with a little noise; softmax regression learns it in a few epochs.
func stripes(ntrain, ntest int) *data.Dataset {
	rng := rand.New(rand.NewPCG(7, 1))
	mk := func(n int) data.Set {
		s := data.Set{Images: make([]float32, n*49), Labels: make([]uint8, n), N: n, H: 7, W: 7, C: 1}
		for i := range n {
			img, k := s.Images[i*49:(i+1)*49], i%10
			for j := range img {
				img[j] = 0.2 * rng.Float32()
			}
			for j := range 7 {
				if k < 7 {
					img[k*7+j] = 1
				} else {
					img[j*7+k-7] = 1
				}
			}
			s.Labels[i] = uint8(k)
		}
		return s
	}
	return &data.Dataset{Name: "mnist", Classes: 10, Train: mk(ntrain), Test: mk(ntest)}
}

// tinyRun is an "archnoise" run of softmax regression on the made data.
func tinyRun(p float64, epochs int) experiments.Config {
	c := experiments.DefaultConfig()
	c.Kind, c.Name = Kind, "softmax"
	c.Model = tfgraph.Architecture{Arch: tfgraph.MLP}
	c.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
	c.Batch, c.Epochs, c.LearningRate, c.StopAfterFit = 10, epochs, 0.5, 0
	c.Device, c.Threads = "cpu", 1
	return c
}

// TestKind_RunsSGDAndRecordsItsDetails: an "archnoise" run trains as an SGD run does (its
// events, its folder with config.json of kind archnoise), and its summary.json holds the run's
// details: chance, the fit and its seconds from metrics.csv, the final accuracies.
func TestKind_RunsSGDAndRecordsItsDetails(t *testing.T) {
	root := t.TempDir()
	out := make(chan experiments.Event, 4096)
	sum, err := experiments.Run(context.Background(), tinyRun(0, 30), experiments.Options{ResultsDir: root, Dataset: stripes(40, 40)}, out)
	close(out)
	if err != nil || sum.Status != experiments.StatusDone {
		t.Fatalf("run: %+v, %v", sum, err)
	}
	var kinds []string
	for e := range out {
		switch e.(type) {
		case experiments.Started:
			kinds = append(kinds, "Started")
		case experiments.Fitted:
			kinds = append(kinds, "Fitted")
		case experiments.Finished:
			kinds = append(kinds, "Finished")
		}
	}
	// Fitted comes once for the 99.9% threshold and once for 100% (here at the same step).
	if len(kinds) < 3 || kinds[0] != "Started" || kinds[1] != "Fitted" || kinds[len(kinds)-1] != "Finished" {
		t.Errorf("events: want Started, Fitted..., Finished last: %v", kinds)
	}
	rec, err := experiments.ReadRun(sum.Dir)
	if err != nil || rec.Config.Kind != Kind || !rec.Config.TrainsSGD() {
		t.Fatalf("run folder: %+v, %v", rec.Config, err)
	}
	var d Details
	if err := json.Unmarshal(rec.Summary.Details, &d); err != nil {
		t.Fatalf("summary.json details %s: %v", rec.Summary.Details, err)
	}
	last := rec.Metrics[len(rec.Metrics)-1]
	if !d.Fitted || d.FitStep != rec.Summary.FitStep || d.FitSeconds != FitSeconds(rec.Metrics, d.FitStep) || d.FitSeconds <= 0 ||
		d.Chance != 0.1 || d.TestAcc != last.TestAcc || d.TrainAcc != 1 {
		t.Errorf("details %+v beside fit step %d and last row %+v", d, rec.Summary.FitStep, last)
	}
	var fd Details
	if err := json.Unmarshal(sum.Details, &fd); err != nil || fd != d {
		t.Errorf("Finished's summary details %s differ from summary.json's %s (%v)", sum.Details, rec.Summary.Details, err)
	}
}

// TestKind_ResumesFromItsCheckpoint: a run stopped after its first epochs continues through
// experiments.Run with ResumeDir (the kind read from its config.json) and ends done, with its
// details written.
func TestKind_ResumesFromItsCheckpoint(t *testing.T) {
	root := t.TempDir()
	ds := stripes(40, 40)
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan experiments.Event, 4096)
	go func() {
		n := 0
		for e := range out {
			if _, ok := e.(experiments.EpochDone); ok {
				if n++; n == 2 {
					cancel()
				}
			}
		}
	}()
	cfg := tinyRun(1, 400) // random labels: not fitted in 2 epochs
	cfg.CheckpointEvery = 1
	sum, err := experiments.Run(ctx, cfg, experiments.Options{ResultsDir: root, Dataset: ds}, out)
	close(out)
	if sum.Status != experiments.StatusCancelled || sum.Dir == "" || !experiments.HasCheckpoint(sum.Dir) {
		t.Fatalf("stopped run: %+v, %v", sum, err)
	}
	dir := sum.Dir
	var plan experiments.PlanRun
	plan.Dir = filepath.Base(dir)
	if st, _ := plan.State(root); st != experiments.PlanResumable {
		t.Fatalf("the stopped run's plan state is %v, want resumable", st)
	}
	// Resume with a bound the made data reaches: the config comes from the folder.
	c, err := experiments.ReadConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	c.Epochs = 6
	if err := experiments.WriteJSON(filepath.Join(dir, "config.json"), c); err != nil {
		t.Fatal(err)
	}
	sum, err = experiments.Run(context.Background(), experiments.Config{}, experiments.Options{ResumeDir: dir, Dataset: ds}, nil)
	if err != nil || sum.Status != experiments.StatusDone {
		t.Fatalf("resumed: %+v, %v", sum, err)
	}
	rec, err := experiments.ReadRun(dir)
	if err != nil || len(rec.Metrics) != 6 || len(rec.Summary.Details) == 0 {
		t.Errorf("resumed run: %d metrics rows, details %s, %v", len(rec.Metrics), rec.Summary.Details, err)
	}
}
