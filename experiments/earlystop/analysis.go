package earlystop

import (
	"errors"
	"math"
	"sort"

	"rethink/experiments"
)

// ErrNoEvaluations is returned by Analyze for a run with no metrics row yet: it has no test
// accuracy to stop early at.
var ErrNoEvaluations = errors.New("earlystop: the run has no evaluation yet")

// Result is the early-stopping view of one run. Accuracies are fractions in [0, 1] of the
// whole test set; steps are SGD steps (the step after which the evaluation was made).
type Result struct {
	// P is the run's label-corruption probability; Seed its seed.
	P    float64
	Seed uint64
	// Evaluations is the number of metrics rows (one per epoch).
	Evaluations int
	// Best is the highest test accuracy of any evaluation, PeakStep the step of its first
	// occurrence: what early stopping with the test set as the oracle keeps.
	Best     float64
	PeakStep int
	// TrainAtPeak is the training accuracy (on the training labels as corrupted) at PeakStep:
	// near 1 - flip rate when the network has fitted the clean part and not yet the noise.
	TrainAtPeak float64
	// Final is the test accuracy of the last evaluation, FinalStep its step.
	Final     float64
	FinalStep int
	// Gain is Best - Final (never negative): what stopping at PeakStep gains over training on.
	Gain float64
	// FitStep is the first step at which the whole training set was classified 100% right
	// (-1: never in the run). TestAtFit is the test accuracy of the first evaluation at or
	// after FitStep (NaN when the run never fitted).
	FitStep   int
	TestAtFit float64
}

// Fitted reports whether the run fitted its training set.
func (r Result) Fitted() bool { return r.FitStep >= 0 }

// PeakBeforeFit reports whether test accuracy peaked strictly before the training set was
// fitted (false for a run that never fitted).
func (r Result) PeakBeforeFit() bool { return r.Fitted() && r.PeakStep < r.FitStep }

// Analyze finds the early-stopping numbers of a run from its metrics rows (in the order they
// were recorded, one per evaluation) and its step of fit: fitStep is the summary's FitStep
// (which may fall inside an epoch when the run checks the fit more often than it evaluates);
// a negative fitStep means "take it from the rows": the first row whose training accuracy is
// 100%, or -1. Rows whose test accuracy is not finite are skipped; with no row left Analyze
// returns ErrNoEvaluations.
func Analyze(rows []experiments.Metrics, fitStep int) (Result, error) {
	r := Result{FitStep: -1, TestAtFit: math.NaN(), Best: math.NaN(), Final: math.NaN(), PeakStep: -1, FinalStep: -1, TrainAtPeak: math.NaN()}
	if fitStep < 0 {
		for _, m := range rows {
			if m.TrainAcc >= 1 {
				fitStep = m.Step
				break
			}
		}
	}
	if fitStep >= 0 {
		r.FitStep = fitStep
	}
	for _, m := range rows {
		if math.IsNaN(m.TestAcc) || math.IsInf(m.TestAcc, 0) {
			continue
		}
		r.Evaluations++
		if r.PeakStep < 0 || m.TestAcc > r.Best {
			r.Best, r.PeakStep, r.TrainAtPeak = m.TestAcc, m.Step, m.TrainAcc
		}
		r.Final, r.FinalStep = m.TestAcc, m.Step
		if r.FitStep >= 0 && math.IsNaN(r.TestAtFit) && m.Step >= r.FitStep {
			r.TestAtFit = m.TestAcc
		}
	}
	if r.Evaluations == 0 {
		return r, ErrNoEvaluations
	}
	r.Gain = r.Best - r.Final
	return r, nil
}

// AnalyzeRecord is Analyze of a stored run (its metrics.csv and summary.json), with its p and
// seed filled in from its config.
func AnalyzeRecord(rec experiments.RunRecord) (Result, error) {
	fit := -1
	if rec.Summary.Status != "" {
		fit = rec.Summary.FitStep
	}
	r, err := Analyze(rec.Metrics, fit)
	r.P, r.Seed = rec.Config.Randomization.P, rec.Config.Seed
	return r, err
}

// Spread is experiments.Spread: the median and range of a number over the seeds that have it.
type Spread = experiments.Spread

// SpreadOf is experiments.SpreadOf: the Spread of the finite values of vs.
func SpreadOf(vs []float64) Spread { return experiments.SpreadOf(vs) }

// Level is the results of the runs at one corruption level p, over their seeds: median and
// range of the best, final and gain (fractions), of the peak step and the training accuracy
// there, of the last step, and of the step of fit and the test accuracy at fit over the runs
// that fitted (Fitted of Runs).
type Level struct {
	P                     float64
	Runs, Fitted          int
	PeakBeforeFit         int // runs whose test accuracy peaked before their fit
	Best, Final, Gain     Spread
	PeakStep, FitStep     Spread
	TestAtFit, FinalSteps Spread
	TrainAtPeak           Spread
}

// Levels groups results by p (ascending) and gives each level's medians and ranges.
func Levels(results []Result) []Level {
	byP := map[float64][]Result{}
	var ps []float64
	for _, r := range results {
		if _, ok := byP[r.P]; !ok {
			ps = append(ps, r.P)
		}
		byP[r.P] = append(byP[r.P], r)
	}
	sort.Float64s(ps)
	out := make([]Level, 0, len(ps))
	for _, p := range ps {
		rs := byP[p]
		l := Level{P: p, Runs: len(rs)}
		var best, final, gain, peak, fit, atFit, last, trainPeak []float64
		for _, r := range rs {
			trainPeak = append(trainPeak, r.TrainAtPeak)
			best, final, gain = append(best, r.Best), append(final, r.Final), append(gain, r.Gain)
			peak, last = append(peak, float64(r.PeakStep)), append(last, float64(r.FinalStep))
			if r.Fitted() {
				l.Fitted++
				fit, atFit = append(fit, float64(r.FitStep)), append(atFit, r.TestAtFit)
			}
			if r.PeakBeforeFit() {
				l.PeakBeforeFit++
			}
		}
		l.Best, l.Final, l.Gain = SpreadOf(best), SpreadOf(final), SpreadOf(gain)
		l.PeakStep, l.FitStep, l.TestAtFit, l.FinalSteps = SpreadOf(peak), SpreadOf(fit), SpreadOf(atFit), SpreadOf(last)
		l.TrainAtPeak = SpreadOf(trainPeak)
		out = append(out, l)
	}
	return out
}

// FromSummary is the Result of a finished run from its summary alone (best test accuracy and
// its step, final test accuracy, steps, step of fit), at corruption level p; TestAtFit and
// TrainAtPeak, which need the metrics rows, are NaN. ok is false for a run that did not end with status done
// after at least one evaluation.
func FromSummary(s experiments.Summary, p float64) (r Result, ok bool) {
	if s.Status != experiments.StatusDone || s.Epochs == 0 || s.BestTestStep < 0 {
		return Result{}, false
	}
	r = Result{P: p, Seed: s.Seed, Evaluations: s.Epochs, Best: s.BestTestAcc, PeakStep: s.BestTestStep,
		Final: s.FinalTestAcc, FinalStep: s.Steps, FitStep: s.FitStep, TestAtFit: math.NaN(), TrainAtPeak: math.NaN()}
	if r.FitStep < 0 {
		r.FitStep = -1
	}
	r.Gain = math.Max(0, r.Best-r.Final)
	return r, true
}
