package earlystop

import (
	"errors"
	"math"
	"testing"

	"rethink/experiments"
)

// rows makes metrics rows at steps 10, 20, ... with the given training and test accuracies.
func rows(train, test []float64) []experiments.Metrics {
	var out []experiments.Metrics
	for i := range test {
		out = append(out, experiments.Metrics{Epoch: i + 1, Step: 10 * (i + 1), TrainAcc: train[i], TestAcc: test[i]})
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// A noisy-label run: test accuracy peaks at step 20 (0.80, first of two equal maxima), the
// training set is fitted at step 40, the last evaluation is 0.60 at step 60.
func TestAnalyze_PeakFitAndGain(t *testing.T) {
	m := rows([]float64{0.5, 0.7, 0.9, 1, 1, 1}, []float64{0.70, 0.80, 0.75, 0.65, 0.80, 0.60})
	r, err := Analyze(m, -1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Best != 0.80 || r.PeakStep != 20 || r.Final != 0.60 || r.FinalStep != 60 || !near(r.Gain, 0.20) {
		t.Errorf("best %g at %d, final %g at %d, gain %g; want 0.80 at 20, 0.60 at 60, 0.20", r.Best, r.PeakStep, r.Final, r.FinalStep, r.Gain)
	}
	if r.TrainAtPeak != 0.7 {
		t.Errorf("training accuracy at the peak %g, want 0.7", r.TrainAtPeak)
	}
	if r.FitStep != 40 || r.TestAtFit != 0.65 || !r.PeakBeforeFit() || r.Evaluations != 6 {
		t.Errorf("fit %d, test at fit %g, peak before fit %v, %d evaluations; want 40, 0.65, true, 6", r.FitStep, r.TestAtFit, r.PeakBeforeFit(), r.Evaluations)
	}
	// The summary's step of fit (checked inside an epoch) wins over the rows'; the test
	// accuracy at fit is then that of the first evaluation at or after it.
	r, _ = Analyze(m, 33)
	if r.FitStep != 33 || r.TestAtFit != 0.65 {
		t.Errorf("with fit step 33: fit %d, test at fit %g; want 33, 0.65", r.FitStep, r.TestAtFit)
	}
}

// Clean labels: test accuracy still rising at the end peaks at the last evaluation, after the
// fit, and stopping early gains nothing.
func TestAnalyze_RisingToTheEnd(t *testing.T) {
	r, err := Analyze(rows([]float64{0.9, 1, 1}, []float64{0.90, 0.91, 0.92}), -1)
	if err != nil {
		t.Fatal(err)
	}
	if r.PeakStep != 30 || r.Gain != 0 || r.FitStep != 20 || r.PeakBeforeFit() {
		t.Errorf("peak %d, gain %g, fit %d, before fit %v; want 30, 0, 20, false", r.PeakStep, r.Gain, r.FitStep, r.PeakBeforeFit())
	}
}

// A run that never fits: fit step -1, no test accuracy at fit, not "peaked before fit".
func TestAnalyze_NeverFits(t *testing.T) {
	r, err := Analyze(rows([]float64{0.3, 0.6, 0.99}, []float64{0.5, 0.6, 0.55}), -1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Fitted() || r.FitStep != -1 || !math.IsNaN(r.TestAtFit) || r.PeakBeforeFit() {
		t.Errorf("fitted %v, fit step %d, test at fit %g, peak before fit %v; want false, -1, NaN, false", r.Fitted(), r.FitStep, r.TestAtFit, r.PeakBeforeFit())
	}
	if r.Best != 0.6 || r.PeakStep != 20 || !near(r.Gain, 0.05) {
		t.Errorf("best %g at %d, gain %g; want 0.6 at 20, 0.05", r.Best, r.PeakStep, r.Gain)
	}
}

// One evaluation: best and final are the same, the gain is 0; none: an error, and rows whose
// test accuracy is not finite do not count.
func TestAnalyze_OneOrNoEvaluation(t *testing.T) {
	r, err := Analyze(rows([]float64{1}, []float64{0.42}), -1)
	if err != nil || r.Best != 0.42 || r.Final != 0.42 || r.Gain != 0 || r.PeakStep != 10 || r.FinalStep != 10 || r.FitStep != 10 || r.Evaluations != 1 {
		t.Errorf("one evaluation: %+v, %v", r, err)
	}
	if _, err := Analyze(nil, -1); !errors.Is(err, ErrNoEvaluations) {
		t.Errorf("no rows: error %v, want ErrNoEvaluations", err)
	}
	if _, err := Analyze(rows([]float64{0.1}, []float64{math.NaN()}), -1); !errors.Is(err, ErrNoEvaluations) {
		t.Errorf("a NaN row only: error %v, want ErrNoEvaluations", err)
	}
	r, _ = Analyze(rows([]float64{0.1, 0.2, 0.3}, []float64{0.3, math.NaN(), 0.2}), -1)
	if r.Evaluations != 2 || r.Final != 0.2 || r.FinalStep != 30 || r.Best != 0.3 {
		t.Errorf("NaN in the middle: %+v", r)
	}
}

// Levels: results grouped by p in ascending order, with the exact median and range; the fit
// numbers over the runs that fitted only.
func TestLevels_MedianAndRange(t *testing.T) {
	res := []Result{
		{P: 0.4, Best: 0.80, Final: 0.70, Gain: 0.10, PeakStep: 40, FinalStep: 100, FitStep: 300, TestAtFit: 0.72},
		{P: 0, Best: 0.90, Final: 0.90, Gain: 0, PeakStep: 100, FinalStep: 100, FitStep: 50, TestAtFit: 0.88},
		{P: 0.4, Best: 0.78, Final: 0.60, Gain: 0.18, PeakStep: 20, FinalStep: 100, FitStep: -1, TestAtFit: math.NaN()},
		{P: 0.4, Best: 0.82, Final: 0.66, Gain: 0.16, PeakStep: 30, FinalStep: 100, FitStep: 200, TestAtFit: 0.70},
	}
	ls := Levels(res)
	if len(ls) != 2 || ls[0].P != 0 || ls[1].P != 0.4 {
		t.Fatalf("levels %+v; want p = 0 then 0.4", ls)
	}
	l := ls[1]
	if l.Runs != 3 || l.Fitted != 2 || l.PeakBeforeFit != 2 {
		t.Errorf("p = 0.4: %d runs, %d fitted, %d peaked before fit; want 3, 2, 2", l.Runs, l.Fitted, l.PeakBeforeFit)
	}
	for _, c := range []struct {
		name          string
		s             Spread
		med, min, max float64
		n             int
	}{
		{"best", l.Best, 0.80, 0.78, 0.82, 3}, {"final", l.Final, 0.66, 0.60, 0.70, 3}, {"gain", l.Gain, 0.16, 0.10, 0.18, 3},
		{"peak", l.PeakStep, 30, 20, 40, 3}, {"fit", l.FitStep, 250, 200, 300, 2}, {"test at fit", l.TestAtFit, 0.71, 0.70, 0.72, 2},
	} {
		if !near(c.s.Median, c.med) || c.s.Min != c.min || c.s.Max != c.max || c.s.N != c.n {
			t.Errorf("p = 0.4 %s: %+v; want median %g [%g, %g] of %d", c.name, c.s, c.med, c.min, c.max, c.n)
		}
	}
	if s := SpreadOf(nil); s.N != 0 || !math.IsNaN(s.Median) {
		t.Errorf("SpreadOf(nil) = %+v", s)
	}
}

// FromSummary reads a finished run's numbers from its summary and refuses one that did not end.
func TestFromSummary(t *testing.T) {
	s := experiments.Summary{Status: experiments.StatusDone, Seed: 2, Epochs: 80, Steps: 640, BestTestAcc: 0.7, BestTestStep: 40,
		FinalTestAcc: 0.55, FitStep: 300}
	r, ok := FromSummary(s, 0.6)
	if !ok || r.P != 0.6 || r.Seed != 2 || r.PeakStep != 40 || r.FinalStep != 640 || !near(r.Gain, 0.15) || r.FitStep != 300 || !r.PeakBeforeFit() {
		t.Errorf("FromSummary = %+v, %v", r, ok)
	}
	s.Status = experiments.StatusCancelled
	if _, ok := FromSummary(s, 0.6); ok {
		t.Error("a cancelled run counted")
	}
}
