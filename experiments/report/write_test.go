package report

import (
	"os"
	"path/filepath"
	"strings"
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

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWrite_SweepAndTable(t *testing.T) {
	root := t.TempDir()
	storedRun(t, root, "a-p0", 0, 0.9)
	storedRun(t, root, "b-p05", 0.5, 0.5)
	storedRun(t, root, "c-p1", 1, 0.1)
	files, err := Write(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"loss.png", "accuracy.png", "fig1b-time-to-fit.png", "fig1c-test-error.png", "loss.svg",
		"fig1c-test-error.svg", "results.csv", "results.png", "metrics.csv"}
	for _, f := range want {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("report lacks %s (wrote %v)", f, files)
		}
	}
	csv := readFile(t, filepath.Join(root, "results.csv"))
	// The preset has one paper row (MLP 1x512, random labels: 99.34 / 10.61): every run shows it.
	if strings.Count(csv, "99.34,10.61") != 3 {
		t.Errorf("results.csv lacks the paper's numbers on each row:\n%s", csv)
	}
	if m := readFile(t, filepath.Join(root, "metrics.csv")); strings.Count(m, "\n") != 1+3*5 {
		t.Errorf("metrics.csv has %d lines, want a header and 15 rows", strings.Count(m, "\n"))
	}
	if _, err := Write(t.TempDir()); err == nil {
		t.Error("Write of an empty folder succeeded, want an error")
	}
}

func TestWrite_BrokenRunIsNamed(t *testing.T) {
	root := t.TempDir()
	storedRun(t, root, "good", 0, 0.9)
	bad := storedRun(t, root, "bad", 0, 0.9)
	if err := os.WriteFile(filepath.Join(bad, "config.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Write(root)
	if err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("Write with a broken run folder: %v, want an error naming it", err)
	}
	if _, serr := os.Stat(filepath.Join(root, "loss.png")); serr != nil {
		t.Error("the good run's report was not written")
	}
}

func TestWrite_FailureKeepsEarlierFiles(t *testing.T) {
	root := t.TempDir()
	storedRun(t, root, "one", 0, 0.9)
	if _, err := Write(root); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, filepath.Join(root, "loss.png"))
	// results.csv becomes a folder: writing it fails after loss.png was rewritten atomically.
	if err := os.Remove(filepath.Join(root, "results.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "results.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(root); err == nil {
		t.Fatal("Write succeeded although results.csv could not be written")
	}
	if after := readFile(t, filepath.Join(root, "loss.png")); len(after) == 0 || after[:8] != before[:8] {
		t.Error("loss.png is not a PNG any more")
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestWriteRunCurves_KeepsTheRunsMetrics(t *testing.T) {
	dir := storedRun(t, t.TempDir(), "one", 0, 0.9)
	before := readFile(t, filepath.Join(dir, "metrics.csv"))
	if err := WriteRunCurves(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"loss.png", "accuracy.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	if after := readFile(t, filepath.Join(dir, "metrics.csv")); before != after {
		t.Error("WriteRunCurves changed the run's metrics.csv")
	}
}
