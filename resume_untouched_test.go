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

// TestDropEmptyRun_OnlyRunFolders: a plan.json whose run names a folder that is not a run
// (".", "../elsewhere", or a run folder whose config.json is damaged) made run --resume delete
// that folder with all it held; only a folder read as a run without metrics goes.
func TestDropEmptyRun_OnlyRunFolders(t *testing.T) {
	out := t.TempDir()
	other := filepath.Join(out, "not-a-run")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "keep.txt"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(out, "damaged-run")
	if err := os.Mkdir(damaged, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damaged, "config.json"), []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{other, out, damaged} {
		plan := experiments.Plan{Runs: []experiments.PlanRun{{Config: experiments.DefaultConfig(), Dir: dir}}}
		st, rec := plan.Runs[0].State("/")
		if st != experiments.PlanUnstarted {
			t.Fatalf("%s: state %v", dir, st)
		}
		dropEmptyRun(dir, rec)
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s was removed", dir)
		}
	}
	// A run folder with a config.json and nothing else is an empty run: it goes.
	empty := filepath.Join(out, "empty-run")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := experiments.WriteJSON(filepath.Join(empty, "config.json"), experiments.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	rec, err := experiments.ReadRun(empty)
	if err != nil {
		t.Fatal(err)
	}
	dropEmptyRun(empty, rec)
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Errorf("the empty run folder was kept (%v)", err)
	}
}

// TestCLI_ResumeLeavesFoldersOutsideThePlan: a plan.json edited to name a run folder outside
// its results folder ("../victim", an empty run) made run --resume remove that folder; it is
// left alone, and the run starts in a folder of its own.
func TestCLI_ResumeLeavesFoldersOutsideThePlan(t *testing.T) {
	root := t.TempDir()
	out, victim := filepath.Join(root, "sweep"), filepath.Join(root, "victim")
	for _, d := range []string{out, victim} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c := experiments.DefaultConfig()
	c.Name, c.TrainSize, c.TestSize, c.Epochs, c.Batch, c.Threads = "tiny", 100, 50, 1, 50, 1
	c.Model.Hidden = []int64{8}
	if err := experiments.WriteJSON(filepath.Join(victim, "config.json"), c); err != nil {
		t.Fatal(err)
	}
	if err := experiments.WritePlan(out, experiments.Plan{Runs: []experiments.PlanRun{{Config: c, Dir: "../victim"}}}); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, setEnv(), "run", "--resume", out)
	if code != 0 {
		t.Fatalf("run --resume: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(victim, "config.json")); err != nil {
		t.Errorf("the folder outside the plan's results folder was removed: %v", err)
	}
}
