package app

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

	"rethink/experiments"
)

// Preset and PaperRow are the engine's: a preset is the runs that reproduce one result of the
// paper, and the paper's numbers (percent) to show beside ours.
type (
	Preset   = experiments.Preset
	PaperRow = experiments.PaperRow
)

// presetList returns the presets shown in the presets panel (tests replace it).
var presetList = experiments.Presets

// trace is what the GUI keeps of one run: enough to redraw its curves, its row of the table and
// its filters. A trace belongs to the consumer goroutine while its run is live; the view hands
// out copies.
type trace struct {
	index   int
	cfg     experiments.Config
	started *experiments.Started
	// lossStep and loss are the batch losses of StepProgress, then the epochs' training loss.
	lossStep, loss []float64
	sinceEpoch     int // StepProgress events since the last epoch
	epochs         []experiments.Metrics
	fitStep        int
	filters        []experiments.FiltersReady
	summary        *experiments.Summary
	err            error
	done           bool
	// paper is the paper's row for this run, when the experiment has one.
	paper *PaperRow
	// dir is the run's results folder (from Started or the history).
	dir string
}

func newTrace(i int, cfg experiments.Config) *trace {
	return &trace{index: i, cfg: cfg, fitStep: -1}
}

func (t *trace) label() string {
	if t.cfg.Name != "" {
		return t.cfg.Name
	}
	return t.cfg.Model.String()
}

// id tells runs apart whatever their names: the run folder's name, or its place in the
// session before it has a folder.
func (t *trace) id() string {
	if t.dir != "" {
		return filepath.Base(t.dir)
	}
	if t.started != nil && t.started.Dir != "" {
		return filepath.Base(t.started.Dir)
	}
	return fmt.Sprintf("run-%d", t.index+1)
}

// finalAcc is the last evaluated train and test accuracy (NaN before the first epoch).
func (t *trace) finalAcc() (train, test float64) {
	if t.summary != nil && t.summary.Epochs > 0 {
		return t.summary.FinalTrainAcc, t.summary.FinalTestAcc
	}
	if n := len(t.epochs); n > 0 {
		return t.epochs[n-1].TrainAcc, t.epochs[n-1].TestAcc
	}
	return math.NaN(), math.NaN()
}

// status is a word for the table: running, fitted, done, cancelled, failed…
func (t *trace) status() string {
	switch {
	case t.summary != nil && t.summary.Status != "":
		return t.summary.Status
	case t.err != nil:
		return "failed"
	case t.done:
		return "done"
	case t.started != nil:
		return "running"
	}
	return "waiting"
}

// session is one experiment: a preset's runs (or a custom one) and what they produced.
type session struct {
	title    string
	preset   Preset
	runs     []*trace
	cur      int // the run in progress
	lastPlot time.Time
	lastProg *progressView
}

func newSession(p Preset) *session {
	s := &session{title: p.Title, preset: p}
	for i, cfg := range p.Runs {
		t := newTrace(i, cfg)
		if len(p.Paper) == len(p.Runs) {
			row := p.Paper[i]
			t.paper = &row
		} else {
			for _, row := range p.Paper {
				if row.Row == cfg.Name {
					r := row
					t.paper = &r
				}
			}
		}
		s.runs = append(s.runs, t)
	}
	return s
}

// run returns the trace of run i, or nil.
func (s *session) run(i int) *trace {
	if i < 0 || i >= len(s.runs) {
		return nil
	}
	return s.runs[i]
}
