package report

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"rethink/experiments"
)

// TestWrite_RunsWithTheSameNameStaySeparate: two runs that share a name (a sweep's
// rounded p once made them) both reach the combined metrics.csv, told apart by their folders.
func TestWrite_RunsWithTheSameNameStaySeparate(t *testing.T) {
	root := t.TempDir()
	for i, dir := range []string{"20250101-000000-mlp", "20250101-000001-mlp"} {
		d := filepath.Join(root, dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := experiments.DefaultConfig()
		cfg.Name = "MLP 1x512, p=0.1"
		if err := experiments.WriteJSON(filepath.Join(d, "config.json"), cfg); err != nil {
			t.Fatal(err)
		}
		m := []experiments.Metrics{{Epoch: 1, Step: 10, TrainLoss: 1 + float64(i), TrainAcc: 0.5, TestLoss: 1, TestAcc: 0.4, LearningRate: 0.01}}
		if err := experiments.WriteMetricsCSV(filepath.Join(d, "metrics.csv"), m); err != nil {
			t.Fatal(err)
		}
		if err := experiments.WriteJSON(filepath.Join(d, "summary.json"), experiments.Summary{Name: cfg.Name, Status: experiments.StatusDone, Epochs: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Write(root); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(root, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("combined metrics.csv has %d rows, want a header and one row per run (2): %q", len(recs), recs)
	}
	if recs[1][0] == recs[2][0] {
		t.Errorf("the two runs share the id %q in metrics.csv", recs[1][0])
	}
}
