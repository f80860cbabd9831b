package app

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
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
	// worker is the worker the run trains on ("" for this machine); place says where it trains
	// in words (see placeOf), "" until it started; frac is how far it got, 0 to 1.
	worker, place string
	frac          float64
	// color is the run's colour in every view (report.Run.Color), given once by colorTraces
	// when the experiment is set up or reopened; tag tells reopened runs apart (report.Run.Tag).
	color    int
	hasColor bool
	tag      string
}

// truncate drops what the trace holds past step: a run that continues from a checkpoint at step
// (on another worker) trains those steps again.
func (t *trace) truncate(step int) {
	n := 0
	for n < len(t.lossStep) && t.lossStep[n] <= float64(step) {
		n++
	}
	t.lossStep, t.loss = t.lossStep[:n:n], t.loss[:n:n]
	e := 0
	for e < len(t.epochs) && t.epochs[e].Step <= step {
		e++
	}
	t.epochs = t.epochs[:e:e]
	if t.fitStep > step {
		t.fitStep = -1
	}
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
		Summary: t.summary, Err: t.err, Started: t.started != nil, Done: t.done, Paper: t.paper,
		Color: t.color, HasColor: t.hasColor, Tag: t.tag}
}

// colorTraces gives the runs of one experiment their colours (report.SetColors), once, before
// any of them shows: a run keeps its colour while the others arrive and finish.
func colorTraces(ts []*trace) {
	runs := reportRuns(ts)
	report.SetColors(runs)
	for i, t := range ts {
		t.color, t.hasColor = runs[i].Color, true
	}
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
	// workers are the workers the runs train on, several at a time (nil: one after the other on
	// this machine); notes are what their scheduler said (a worker refused or lost).
	workers []string
	notes   []string
}

// onWorker takes an event of experiments.RunOnWorkers: a note gives the view to show and a nil
// event; a run's event makes its run the current one and comes back to be handled as the events
// of a run in this process are.
func (s *session) onWorker(w experiments.WorkerEvent) (view, experiments.Event) {
	t := s.run(w.Run)
	switch {
	case w.Event != nil && t != nil:
		s.cur = w.Run
		if e, ok := w.Event.(experiments.Started); ok {
			t.worker, t.done, t.err, t.summary = w.Worker, false, nil, nil
			if e.Resumed {
				t.truncate(e.FirstStep)
			}
		}
		return view{}, w.Event
	case w.Event != nil:
		return view{}, nil
	}
	note := w.Note
	if t != nil { // its worker was lost: the run waits for another
		t.worker, t.place, t.done, t.err, t.summary = "", "waiting for another worker", false, nil, nil
		note = fmt.Sprintf("%s: %s", s.runTitle(w.Run), w.Note)
	}
	s.notes = append(s.notes, note)
	p := &progressView{runsRunning: true, indefinite: s.lastProg == nil, text: note}
	if s.lastProg != nil {
		p.frac, p.info = s.lastProg.frac, s.lastProg.info
	}
	s.spread(p)
	return view{progress: p, table: tableRows(s.runs)}, nil
}

// info is the run strip's second line after e started: where the run trains and what it is or,
// on workers, where each run is.
func (s *session) info(e experiments.Started) string {
	t := s.run(s.cur)
	if len(s.workers) == 0 || t == nil {
		return startedInfo(e, placeOf("", e.Device))
	}
	var parts []string
	var waiting, done, stopped, notRun int
	for i, r := range s.runs {
		switch {
		case r.skipped:
			notRun++
		case r.done && r.summary != nil && r.summary.Status == experiments.StatusCancelled:
			stopped++
		case r.done:
			done++
		case r.place == "" || r.worker == "":
			waiting++
		default:
			parts = append(parts, fmt.Sprintf("run %d on %s", i+1, r.place))
		}
	}
	for _, c := range []struct {
		n    int
		what string
	}{{waiting, "waiting"}, {done, "done"}, {stopped, "stopped"}, {notRun, "not run"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.Join(parts, " · ")
}

// spread fills in p, for runs that train at the same time on workers, each run's own progress
// (the strip) and their mean (the bar); it leaves p as it is for runs one after the other.
func (s *session) spread(p *progressView) {
	if len(s.workers) == 0 {
		return
	}
	p.fracs = make([]float64, len(s.runs))
	var sum float64
	for i, t := range s.runs {
		p.fracs[i] = t.frac
		if t.done {
			p.fracs[i] = 1
		}
		sum += p.fracs[i]
	}
	p.frac = sum / float64(max(len(s.runs), 1))
	p.run, p.runs = 0, 0
	if t := s.run(s.cur); t != nil && t.started != nil && s.lastProg != nil && p != s.lastProg {
		p.info = s.info(*t.started)
	}
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
	colorTraces(s.runs)
	return s
}

// run returns the trace of run i, or nil.
func (s *session) run(i int) *trace {
	if i < 0 || i >= len(s.runs) {
		return nil
	}
	return s.runs[i]
}
