package app

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"rethink/experiments"
	"rethink/experiments/report"
)

// Preset and PaperRow are the engine's: a preset is the runs that reproduce one result of the
// paper, and the paper's numbers (percent) to show beside ours.
type (
	Preset   = experiments.Preset
	PaperRow = experiments.PaperRow
)

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
	// skipped says the experiment was stopped before this run started.
	skipped bool
}

// divergedNote says how a run diverged: its loss became NaN or infinite (the engine's
// StatusDiverged), or it ended with a training loss more than 3 times its first and above 5
// (a learning rate far too high: SGD overshoots while every number stays finite). It is ""
// for a run that did not.
func (t *trace) divergedNote() string {
	if t.summary != nil && t.summary.Status == experiments.StatusDiverged || errors.Is(t.err, experiments.ErrDiverged) {
		return "the loss became NaN or infinite"
	}
	if !t.done || len(t.epochs) == 0 {
		return ""
	}
	first := math.NaN()
	for _, l := range t.loss {
		if !math.IsNaN(l) && !math.IsInf(l, 0) {
			first = l
			break
		}
	}
	last := t.epochs[len(t.epochs)-1].TrainLoss
	if first > 0 && last > 3*first && last > 5 {
		return fmt.Sprintf("the training loss rose from %.3g to %.3g", first, last)
	}
	return ""
}

// report is the trace as the report package draws it (sharing its slices: they are only
// appended to).
func (t *trace) report() report.Run {
	id := t.dir
	if id == "" && t.started != nil {
		id = t.started.Dir
	}
	if id != "" {
		id = filepath.Base(id)
	}
	return report.Run{Config: t.cfg, ID: id, LossStep: t.lossStep, Loss: t.loss, Epochs: t.epochs, FitStep: t.fitStep,
		Summary: t.summary, Err: t.err, Started: t.started != nil, Done: t.done, Paper: t.paper}
}

func newTrace(i int, cfg experiments.Config) *trace {
	return &trace{index: i, cfg: cfg, fitStep: -1}
}

func (t *trace) label() string { return t.report().Label() }

// session is one experiment: a preset's runs (or a custom one) and what they produced.
type session struct {
	title    string
	preset   Preset
	runs     []*trace
	cur      int // the run in progress
	lastPlot time.Time
	// stale says points arrived since the last figures were made.
	stale    bool
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
