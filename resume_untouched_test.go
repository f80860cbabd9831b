package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rethink/experiments"
)

// TestRunOne_RefusedResumeWritesNothing: a resume refused before the run starts (no
// checkpoint yet) drew the run's curves into its folder anyway, and on a full disk printed a
// second, unrelated error about loss.png; it must leave the folder as it was.
func TestRunOne_RefusedResumeWritesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := experiments.WriteJSON(filepath.Join(dir, "config.json"), experiments.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	rows := []experiments.Metrics{{Epoch: 1, Step: 10, TrainLoss: 1, TrainAcc: 0.5, TestLoss: 1.2, TestAcc: 0.4, LearningRate: 0.01}}
	if err := experiments.WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), rows); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = runOne(context.Background(), experiments.Config{}, experiments.Options{ResumeDir: dir}, 1, 1, nil)
	if err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Fatalf("resume without a checkpoint: err = %v, want one saying there is no checkpoint", err)
	}
	after, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The lock file a resume takes stays, as in every run folder; nothing else may appear.
	var names []string
	for _, e := range after {
		if e.Name() != ".lock" {
			names = append(names, e.Name())
		}
	}
	if len(names) != len(before) {
		t.Errorf("the refused resume changed the folder: %v, was %d files", names, len(before))
	}
}
