package experiments

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// PlanFile is the file in a results folder that records the runs one command asked for (a
// preset's runs, a sweep), so that the command can be resumed as a whole: the runs it finished
// stay, the one it was in continues from its checkpoint, and those it had not started start.
const PlanFile = "plan.json"

// Plan is what plan.json holds: the runs of one command, in order, each with its folder once
// it has one.
type Plan struct {
	// Preset is the preset's ID ("" for a sweep or a list of configs).
	Preset string `json:"preset,omitempty"`
	// Command is the command line that made the plan, for people.
	Command string    `json:"command,omitempty"`
	Runs    []PlanRun `json:"runs"`
}

// PlanRun is one run of a plan: its full config (with every --set applied) and its run folder,
// relative to the plan's folder ("" until it starts).
type PlanRun struct {
	Config Config `json:"config"`
	Dir    string `json:"dir,omitempty"`
}

// ReadPlan reads dir's plan.json; an error wrapping os.ErrNotExist says dir has none.
func ReadPlan(dir string) (Plan, error) {
	var p Plan
	b, err := os.ReadFile(filepath.Join(dir, PlanFile))
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("experiments: %s: %w", filepath.Join(dir, PlanFile), err)
	}
	if len(p.Runs) == 0 {
		return p, fmt.Errorf("experiments: %s lists no runs", filepath.Join(dir, PlanFile))
	}
	return p, nil
}

// WritePlan writes p to dir's plan.json atomically.
func WritePlan(dir string, p Plan) error {
	return WriteJSON(filepath.Join(dir, PlanFile), p)
}

// LockPlan takes dir's lock for the plan run in it, so that two processes do not run or resume
// the same plan at once; release lets it go. It fails when another live process holds it.
func LockPlan(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("experiments: results folder: %w", err)
	}
	release, err = lockRun(dir)
	if errors.Is(err, errLocked) {
		return nil, fmt.Errorf("experiments: another rethink process is running a plan in %s (%w)", dir, ErrPlanBusy)
	}
	return release, err
}

// ErrPlanBusy is wrapped by LockPlan's error when another process runs a plan in the folder.
var ErrPlanBusy = errors.New("folder busy")

// PlanRunState is where one run of a plan stands, from its folder.
type PlanRunState int

// States of a plan's run.
const (
	// PlanUnstarted: no folder yet, or a folder with nothing to continue from (no checkpoint):
	// the run starts from the beginning.
	PlanUnstarted PlanRunState = iota
	// PlanResumable: its folder has a checkpoint and the run has not ended.
	PlanResumable
	// PlanEnded: done or diverged; its summary is final.
	PlanEnded
)

// State is where the plan's run r stands, reading its folder under dir, with the folder's
// record when it has one.
func (r PlanRun) State(dir string) (PlanRunState, RunRecord) {
	if r.Dir == "" {
		return PlanUnstarted, RunRecord{}
	}
	runDir := filepath.Join(dir, r.Dir)
	rec, err := ReadRun(runDir)
	if err != nil {
		return PlanUnstarted, RunRecord{}
	}
	switch rec.Summary.Status {
	case StatusDone, StatusDiverged:
		return PlanEnded, rec
	}
	if HasCheckpoint(runDir) {
		return PlanResumable, rec
	}
	return PlanUnstarted, rec
}

// HasCheckpoint reports whether the run folder dir has a checkpoint to resume from.
func HasCheckpoint(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "state.json"))
	return err == nil
}
