package app

import (
	"os"
	"path/filepath"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
)

// storedRun writes a run folder as experiments.Run leaves it.
func storedRun(t *testing.T, root, name string, p float64, testAcc float64) string {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := experiments.DefaultConfig()
	cfg.Name, cfg.Preset = name, "table1-mlp1-random-quick"
	cfg.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
	var rows []experiments.Metrics
	for e := 1; e <= 5; e++ {
		rows = append(rows, experiments.Metrics{Epoch: e, Step: 8 * e, TrainLoss: 2 / float64(e), TrainAcc: float64(e) / 5, TestAcc: testAcc})
	}
	sum := experiments.Summary{Name: name, Status: experiments.StatusDone, FinalTrainAcc: 1, FinalTestAcc: testAcc, FitStep: 40}
	for _, err := range []error{
		experiments.WriteJSON(filepath.Join(dir, "config.json"), cfg),
		experiments.WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), rows),
		experiments.WriteJSON(filepath.Join(dir, "summary.json"), sum),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestWriteReport_SweepAndTable(t *testing.T) {
	smallPlots(t)
	root := t.TempDir()
	storedRun(t, root, "a-p0", 0, 0.9)
	storedRun(t, root, "b-p05", 0.5, 0.5)
	storedRun(t, root, "c-p1", 1, 0.1)
	files, err := WriteReport(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"loss.png", "accuracy.png", "fig1b-time-to-fit.png", "fig1c-test-error.png", "results.csv", "results.png", "metrics.csv"}
	for _, f := range want {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("report lacks %s (wrote %v)", f, files)
		}
	}
	if _, err := WriteReport(t.TempDir()); err == nil {
		t.Error("WriteReport of an empty folder succeeded, want an error")
	}
}

func TestWriteRunCurves_KeepsTheRunsMetrics(t *testing.T) {
	smallPlots(t)
	dir := storedRun(t, t.TempDir(), "one", 0, 0.9)
	before, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err := WriteRunCurves(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"loss.png", "accuracy.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if string(before) != string(after) {
		t.Error("WriteRunCurves changed the run's metrics.csv")
	}
}

// smallPlots draws small plots for the duration of the test (the race detector makes rendering slow).
func smallPlots(t *testing.T) {
	w, h := plotW, plotH
	plotW, plotH = 300, 110
	t.Cleanup(func() { plotW, plotH = w, h })
}
