package report

import (
	"math"
	"path/filepath"

	"rethink/experiments"
)

// Run is what a report knows of one run: its config and what it produced so far. The app
// builds one per live run from the events; FromRecord builds one from a run folder.
type Run struct {
	Config experiments.Config
	// ID tells runs apart whatever their names: the run folder's name ("" before it has one).
	ID string
	// LossStep and Loss are the curve of Figure 1a: the batch losses (StepProgress) or the epochs'
	// training loss, at their step.
	LossStep, Loss []float64
	// Epochs are the rows of metrics.csv.
	Epochs []experiments.Metrics
	// FitStep is the step at which training accuracy reached 100% (-1: not yet).
	FitStep int
	// Summary is summary.json (nil while the run is going).
	Summary *experiments.Summary
	// Err is the error the run ended with.
	Err error
	// Started and Done say whether the run began and whether it ended.
	Started, Done bool
	// Paper is the paper's row for this run, when the experiment has one.
	Paper *experiments.PaperRow
	// Color is the run's colour in every chart, table and list that shows it: an index into
	// Style.Palette (past its end, colours of their own: see Style.Color). Runs of one group
	// share it. It is given once, when an experiment is set up or reopened (SetColors,
	// ColorsOf), so that it stays when other runs arrive or finish. HasColor says it was
	// given; charts and tables give runs without one their colour themselves (SetColors).
	Color    int
	HasColor bool
	// Tag, when set, is added to the run's label ("true labels @04:40:09"): reopened runs
	// compared with each other are told apart by the time they ran. A run's colour in its
	// preset (SetColors) goes by its label without the tag.
	Tag string
}

// FromRecord turns a stored run into a Run, as if it had just run.
func FromRecord(r experiments.RunRecord) Run {
	run := Run{Config: r.Config, ID: filepath.Base(r.Dir), Epochs: r.Metrics, FitStep: -1, Started: true, Done: true}
	for _, m := range r.Metrics {
		run.LossStep = append(run.LossStep, float64(m.Step))
		run.Loss = append(run.Loss, m.TrainLoss)
	}
	if r.Summary.Status != "" {
		s := r.Summary
		s.Dir = r.Dir // a kind's figures may read its folder (experiments/layers' patches)
		run.Summary = &s
		run.FitStep = s.FitStep
	}
	return run
}

// Label names the run in legends and tables: its name, or its model, and its tag.
func (r Run) Label() string {
	if r.Tag != "" {
		return r.name() + " @" + r.Tag
	}
	return r.name()
}

// name is the run's name, or its model.
func (r Run) name() string {
	if r.Config.Name != "" {
		return r.Config.Name
	}
	return r.Config.Model.String()
}

// FinalAcc is the last evaluated train and test accuracy, fractions (NaN before the first epoch).
func (r Run) FinalAcc() (train, test float64) {
	if r.Summary != nil && r.Summary.Epochs > 0 {
		return r.Summary.FinalTrainAcc, r.Summary.FinalTestAcc
	}
	if n := len(r.Epochs); n > 0 {
		return r.Epochs[n-1].TrainAcc, r.Epochs[n-1].TestAcc
	}
	return math.NaN(), math.NaN()
}

// Status is a word for the table: waiting, running, done, cancelled, failed…
func (r Run) Status() string {
	switch {
	case r.Summary != nil && r.Summary.Status != "":
		return string(r.Summary.Status)
	case r.Err != nil:
		return "failed"
	case r.Done:
		return "done"
	case r.Started:
		return "running"
	}
	return "waiting"
}

// BestTest is the best test accuracy seen (early stopping), a fraction, or NaN.
func (r Run) BestTest() float64 {
	if r.Summary != nil && r.Summary.BestTestStep >= 0 && r.Summary.Epochs > 0 {
		return r.Summary.BestTestAcc
	}
	best := math.NaN()
	for _, m := range r.Epochs {
		if !finite(best) || m.TestAcc > best {
			best = m.TestAcc
		}
	}
	return best
}
