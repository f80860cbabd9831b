package experiments

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rethink/tfgraph"
)

// TestRun_FailedSnapshotWriteIsAWarning: a filter snapshot that cannot be written (here a file
// stands where the filters/ folder goes, as a full disk would refuse it) does not stop the run
// but is recorded, once however often it fails, in the summary's warnings, which summary.json
// keeps.
func TestRun_FailedSnapshotWriteIsAWarning(t *testing.T) {
	cfg := tinyConfig()
	p, err := Prepare(cfg, bars(16, 8, 1))
	if err != nil {
		t.Fatal(err)
	}
	m, err := tfgraph.New(cfg.Spec(p))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	dir := t.TempDir()
	if err := WriteJSON(filepath.Join(dir, "config.json"), cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "filters"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := &runner{dir: dir}
	for epoch := range 3 {
		r.snapshot(context.Background(), m, cfg, epoch, epoch*2, p)
	}
	if len(r.sum.Warnings) != 1 || !strings.Contains(r.sum.Warnings[0], "filter snapshots are incomplete") {
		t.Fatalf("warnings = %q, want one saying the filter snapshots are incomplete", r.sum.Warnings)
	}
	sum, err := r.finish(nil)
	if err != nil {
		t.Fatalf("finish: %v (a lost snapshot must not fail the run)", err)
	}
	if sum.Status != StatusDone {
		t.Errorf("status %q, want done", sum.Status)
	}
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Summary.Warnings) != 1 || rec.Summary.Warnings[0] != r.sum.Warnings[0] {
		t.Errorf("summary.json warnings = %q, want %q", rec.Summary.Warnings, r.sum.Warnings)
	}
}

// TestRun_FailedSummaryUpdateIsAWarning: summary.json that cannot be rewritten after an epoch
// (here a folder stands in its place) is a warning, not an error of the run.
func TestRun_FailedSummaryUpdateIsAWarning(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "summary.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := &runner{dir: dir, state: runState{FitStep: -1, ThresholdStep: -1, BestTestStep: -1}}
	cfg := tinyConfig()
	for epoch := 1; epoch <= 2; epoch++ {
		r.observe(context.Background(), Metrics{Epoch: epoch, Step: 4 * epoch, TrainAcc: 0.5, TestAcc: 0.5}, cfg, epoch)
	}
	if len(r.sum.Warnings) != 1 || !strings.Contains(r.sum.Warnings[0], "summary.json could not be updated: after epoch 1") {
		t.Errorf("warnings = %q, want one saying summary.json could not be updated after epoch 1", r.sum.Warnings)
	}
}
