package app

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rethink/experiments"
)

// The export goes into a folder named after the experiment, holds every view (figures, table,
// metrics, filters, data sample) and replaces an earlier export only when the user says so.
func TestExport_NamedAfterTheExperimentAsksBeforeReplacing(t *testing.T) {
	f := &fakeRun{}
	u, w := newTestUI(t, f)
	u.d.loadData = func(context.Context, experiments.Config) (string, []thumb, error) {
		im := image.NewRGBA(image.Rect(0, 0, 28, 28))
		return "data", []thumb{{img: im, label: "3"}, {img: im, label: "5"}}, nil
	}
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	test.Tap(u.presets.buttons["test-quick"])
	waitView(t, shown, func(v view) bool { return v.done })

	parent := t.TempDir()
	u.exportInto(parent)
	dir := filepath.Join(parent, "figure-1a-test-quick")
	for _, name := range []string{"loss.png", "accuracy.svg", "results.csv", "metrics.csv", "filters-true-labels.png", "filters-random-labels.png", "data-sample.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("export: %s missing (%v)", name, err)
		}
	}
	u.ctrl.modal.d.Hide() // the "Exported" note
	loss := filepath.Join(dir, "loss.png")
	if err := os.Remove(loss); err != nil {
		t.Fatal(err)
	}
	u.exportInto(parent)
	if u.ctrl.modal == nil {
		t.Fatal("a second export into the same folder did not ask")
	}
	press(w, fyne.KeyEscape)
	if _, err := os.Stat(loss); err == nil {
		t.Error("Esc on the question: the export was written anyway")
	}
	u.exportInto(parent)
	press(w, fyne.KeyReturn)
	if _, err := os.Stat(loss); err != nil {
		t.Errorf("Enter on the question: loss.png not written again (%v)", err)
	}
}

// A stored run whose filter snapshots cannot be read is still reopened, and the window says
// what is missing instead of dropping the error.
func TestHistory_UnreadableFiltersSaid(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	dir := filepath.Join(u.history.root, "20261127-044000-true-labels")
	cfg := experiments.DefaultConfig()
	cfg.Name = "true labels"
	sum := experiments.Summary{Name: cfg.Name, Status: experiments.StatusDone, Epochs: 1, Steps: 10, FitStep: -1, BestTestStep: -1}
	if err := os.MkdirAll(filepath.Join(dir, "filters"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(experiments.WriteJSON(filepath.Join(dir, "config.json"), cfg),
		experiments.WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), []experiments.Metrics{{Epoch: 1, Step: 10, TrainAcc: 0.5, TestAcc: 0.4}}),
		experiments.WriteJSON(filepath.Join(dir, "summary.json"), sum),
		os.WriteFile(filepath.Join(dir, "filters", "epoch-0001.f16"), []byte("not a snapshot"), 0o644)); err != nil {
		t.Fatal(err)
	}
	rec, err := experiments.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := experiments.ReadFilterSnapshots(dir); err == nil {
		t.Fatal("the engine read a broken filter snapshot without error; this test needs one it refuses")
	}
	u.openRuns([]experiments.RunRecord{rec})
	if s := u.ctrl.runPanel.status.Text; !strings.Contains(s, "could not be read") {
		t.Errorf("status after reopening: %q, want it to say the filters could not be read", s)
	}
	if len(u.ctrl.table.rows) != 1 {
		t.Errorf("the run was not reopened: %d rows", len(u.ctrl.table.rows))
	}
}
