package app

import (
	"context"
	"image"
	"os"
	"path/filepath"
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
