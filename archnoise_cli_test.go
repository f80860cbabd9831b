package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rethink/experiments"
	"rethink/experiments/archnoise"
)

// TestCLI_ArchSweepResumesHalfDone: three runs of the architecture sweep's quick preset
// (softmax regression at p = 0, 0.6 and 1, shrunk to seconds) recorded in plan.json; Ctrl-C
// during the second leaves the first done, the second checkpointed and the third unstarted;
// run --resume ends the second from its checkpoint, starts the third, and writes the sweep's
// report: its figures and CSVs with the share of signal kept of every run.
func TestCLI_ArchSweepResumesHalfDone(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	p, err := experiments.PresetByID("archnoise-quick")
	if err != nil {
		t.Fatal(err)
	}
	plan := experiments.Plan{Preset: p.ID, Command: "test"}
	for _, i := range []int{0, 3, 5} { // softmax regression, seed 1, p = 0, 0.6, 1
		c := p.Runs[i]
		c.Preset, c.TrainSize, c.TestSize, c.Epochs, c.Threads, c.CheckpointEvery = p.ID, 50, 100, 3, 1, 1
		if i == 3 {
			c.Epochs, c.StopAfterFit = 100000, -1 // until Ctrl-C
		}
		plan.Runs = append(plan.Runs, experiments.PlanRun{Config: c})
	}
	if plan.Runs[1].Config.Name != "Softmax regression, p=0.6" {
		t.Fatalf("the preset's fourth run is %q", plan.Runs[1].Config.Name)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := experiments.WritePlan(out, plan); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := interrupt(t, filepath.Join(out, "*p-0-6", "state.json"), "run", "--resume", out)
	if code != 130 {
		t.Fatalf("Ctrl-C: exit %d, want 130\n%s", code, stderr)
	}
	plan, err = experiments.ReadPlan(out)
	if err != nil {
		t.Fatal(err)
	}
	var states []experiments.PlanRunState
	for _, r := range plan.Runs {
		st, _ := r.State(out)
		states = append(states, st)
	}
	if states[0] != experiments.PlanEnded || states[1] != experiments.PlanResumable || states[2] != experiments.PlanUnstarted {
		t.Fatalf("half-done sweep: states %v, want ended, resumable, unstarted", states)
	}
	second := plan.Runs[1].Dir
	// End the interrupted run soon: a started run resumes from its folder's config.json.
	var st struct{ Epoch int }
	if b, err := os.ReadFile(filepath.Join(out, second, "state.json")); err != nil || json.Unmarshal(b, &st) != nil {
		t.Fatalf("state.json of %s: %v", second, err)
	}
	cfgPath := filepath.Join(out, second, "config.json")
	c, err := experiments.ReadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	c.Epochs = st.Epoch + 3
	if err := experiments.WriteJSON(cfgPath, c); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, setEnv(), "run", "--resume", out)
	if code != 0 {
		t.Fatalf("run --resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"1 of 3 runs ended", "resumed at step", "[3/3] Softmax regression, p=1", "report: "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("run --resume output lacks %q:\n%s", want, stdout)
		}
	}
	plan, err = experiments.ReadPlan(out)
	if err != nil || plan.Runs[1].Dir != second {
		t.Fatalf("plan after the resume: %+v, %v", plan, err)
	}
	for _, r := range plan.Runs {
		rec, err := experiments.ReadRun(filepath.Join(out, r.Dir))
		var d archnoise.Details
		if err != nil || rec.Summary.Status != experiments.StatusDone || rec.Config.Kind != archnoise.Kind || json.Unmarshal(rec.Summary.Details, &d) != nil || d.Chance != 0.1 {
			t.Errorf("run %s: %v, status %q, kind %q, details %s", r.Dir, err, rec.Summary.Status, rec.Config.Kind, rec.Summary.Details)
		}
	}
	for _, name := range []string{"archnoise-signal-kept.png", "archnoise-test-accuracy.png", "archnoise-fit-steps.png", "archnoise-fit-seconds.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("report: %v", err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "archnoise-runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("archnoise-runs.csv: %v, %v", rows, err)
	}
	for _, row := range rows[1:] {
		// Softmax regression on 50 images of 7x7 MNIST is well above chance at p = 0, so every
		// share is defined, measured against the run of seed 1 at p = 0.
		if row[0] != "Softmax regression" || row[7] != "same seed" || row[8] == "" {
			t.Errorf("archnoise-runs.csv row %v: want a share of signal kept against the same seed", row)
		}
	}
}

// TestCLI_PresetsListsTheMediumTier: rethink presets lists the sweep's presets with their tier
// (quick, medium, paper), run count and expected time, the medium one among them.
func TestCLI_PresetsListsTheMediumTier(t *testing.T) {
	stdout, stderr, code := runCLI(t, setEnv(), "presets")
	if code != 0 {
		t.Fatalf("presets: exit %d\n%s", code, stderr)
	}
	want := map[string]string{"archnoise-quick": "quick", "archnoise-medium": "medium", "archnoise-cifar10-paper": "paper"}
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		tier, ok := want[f[0]]
		if !ok {
			continue
		}
		p, err := experiments.PresetByID(f[0])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(line, "  "+tier+"  ") || !strings.Contains(line, fmt.Sprintf("  %d  ", len(p.Runs))) || !strings.HasSuffix(strings.TrimSpace(line), p.ExpectedTime) {
			t.Errorf("presets: %q; want tier %s, %d runs, %q", line, tier, len(p.Runs), p.ExpectedTime)
		}
		delete(want, f[0])
	}
	if len(want) > 0 {
		t.Errorf("presets does not list %v:\n%s", want, stdout)
	}
}
