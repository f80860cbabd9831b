package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"rethink/experiments"
	"rethink/experiments/earlystop"
)

// Early-stopping figures (package earlystop's presets): file names of the four charts, in the
// places of Figures.
var earlyStopNames = [4]string{"earlystop-test-curves", "earlystop-best-final", "earlystop-steps", "earlystop-gain"}

// earlyStopChoices name the app's three views of them (short: the row of choices sets the
// window's least width).
var earlyStopChoices = [3]string{"Test accuracy", "Peak vs fit", "Gain"}

// IsEarlyStop reports whether runs are an early-stopping experiment (the first run's preset).
func IsEarlyStop(runs []Run) bool { return len(runs) > 0 && earlystop.IsEarlyStop(runs[0].Config) }

// EarlyStopResults analyzes the runs that ended with status done (earlystop.Analyze of their
// metrics rows and step of fit), with the index of each in runs: a run still going, cancelled
// or failed has no final test accuracy yet and is left out.
func EarlyStopResults(runs []Run) (idx []int, out []earlystop.Result) {
	for i, r := range runs {
		if r.Status() != "done" {
			continue
		}
		res, err := earlystop.Analyze(r.Epochs, r.FitStep)
		if err != nil {
			continue
		}
		res.P, res.Seed = r.Config.Randomization.P, r.Config.Seed
		idx, out = append(idx, i), append(out, res)
	}
	return idx, out
}

// EarlyStopFigures draws an early-stopping experiment as four charts in the places of Figures
// (Sweep set, so the app lays them out 2x2), named by earlyStopNames, with the numbers of the
// last three as CSV tables in Data:
//
//   - test accuracy over training for each p: the median over seeds with its range shaded,
//     the median step of fit as a dotted line (updated live, every epoch);
//   - best (early-stopped) and final test accuracy against p (finished runs, median and range);
//   - the step where test accuracy peaks and the step of fit against p (median and range);
//   - the gain of early stopping, best minus final in points, against p (median, range band).
func EarlyStopFigures(runs []Run) Figures {
	idx, res := EarlyStopResults(runs)
	levels := earlystop.Levels(res)
	f := Figures{Loss: earlyStopCurves(runs), Sweep: true, Names: &earlyStopNames, Choices: &earlyStopChoices}
	f.Accuracy, f.Fit, f.TestError = earlyStopBestFinal(levels), earlyStopSteps(levels), earlyStopGain(levels)
	f.Data = []NamedTable{{Name: "earlystop-runs", Rows: earlyStopRunRows(runs, idx, res)}, {Name: "earlystop-levels", Rows: EarlyStopLevelRows(levels)}}
	return f
}

// earlyStopCurves is test accuracy (percent) against steps, one median curve per p (over its
// seeds, whatever the runs are called: the history renames the runs it reopens), ascending,
// each p's fit marked.
func earlyStopCurves(runs []Run) Chart {
	div, unit := stepUnit(runs)
	c := Chart{Title: "Test accuracy (dotted: training set fitted)", XLabel: unit, YLabel: "test accuracy %",
		YMin: 0, YMax: 100, Empty: "test accuracy appears after the first epoch", XFromZero: true, XSteps: true}
	groups := groupByP(runs)
	if multiSeed(groups) {
		c.Title += "; median, shaded: range"
	}
	for i, g := range groups {
		cs := make([]curve, len(g.Runs))
		for j, r := range g.Runs {
			var x, y []float64
			for _, m := range r.Epochs {
				x, y = append(x, float64(m.Step)/div), append(y, 100*m.TestAcc)
			}
			cs[j] = finiteCurve(x, y)
		}
		s := g.series(i, cs)
		s.Name = earlystop.RunName(g.Runs[0].Config.Randomization.P)
		if m := g.FitMark(); finite(m) {
			s.Mark = m / div
		}
		c.Series = append(c.Series, s)
	}
	return c
}

// groupByP groups runs by their corruption level p, in ascending p, each group's runs in
// their order; cancelled and failed runs are left out (a resumed preset starts a run that had
// no checkpoint again, in a new folder, beside the cancelled one).
func groupByP(runs []Run) []Group {
	at := map[float64]int{}
	var groups []Group
	for _, r := range runs {
		if st := r.Status(); st == string(experiments.StatusCancelled) || st == string(experiments.StatusFailed) {
			continue
		}
		p := r.Config.Randomization.P
		i, ok := at[p]
		if !ok {
			i = len(groups)
			at[p] = i
			groups = append(groups, Group{})
		}
		groups[i].Runs = append(groups[i].Runs, r)
	}
	sort.SliceStable(groups, func(a, b int) bool {
		return groups[a].Runs[0].Config.Randomization.P < groups[b].Runs[0].Config.Randomization.P
	})
	return groups
}

// levelSeries is a series over the levels' p of the spread get picks, scaled by k.
func levelSeries(name string, col int, levels []earlystop.Level, get func(earlystop.Level) earlystop.Spread, k float64) Series {
	s := Series{Name: name, Color: col, Mark: math.NaN()}
	for _, l := range levels {
		sp := get(l)
		if sp.N == 0 {
			continue
		}
		s.X, s.Y = append(s.X, l.P), append(s.Y, k*sp.Median)
		s.Lo, s.Hi = append(s.Lo, k*sp.Min), append(s.Hi, k*sp.Max)
	}
	return s
}

// fitRange sets c's y range from lo to hold every band of its series and its reference lines
// (Ranges holds the lines alone).
func fitRange(c *Chart, lo float64) {
	hi := math.Inf(-1)
	for _, s := range c.Series {
		for _, v := range append(append([]float64(nil), s.Hi...), s.Y...) {
			if finite(v) {
				hi = max(hi, v)
			}
		}
		for _, v := range s.Lo {
			if finite(v) {
				lo = min(lo, v)
			}
		}
	}
	for _, r := range c.Refs {
		hi = max(hi, r.Y)
	}
	if finite(hi) && hi > lo {
		r := nice(Range{lo, hi}, true) // round ends with headroom, as Ranges gives the lines
		c.YMin, c.YMax = r.Min, r.Max
	}
}

// earlyStopBestFinal is the best and the final test accuracy (percent) against p.
func earlyStopBestFinal(levels []earlystop.Level) Chart {
	c := Chart{Title: "Best (early-stopped) vs final test accuracy", XLabel: "label corruption p", YLabel: "test accuracy %",
		Scatter: true, Empty: "filled as runs finish", YMin: 0, YMax: 100}
	c.Series = []Series{
		levelSeries("best (early stopping)", 0, levels, func(l earlystop.Level) earlystop.Spread { return l.Best }, 100),
		levelSeries("final", 1, levels, func(l earlystop.Level) earlystop.Spread { return l.Final }, 100),
	}
	c.Series[1].Dash = true
	if seedsIn(levels) {
		c.Title += "; median, bars: range"
	}
	return c
}

// earlyStopSteps is the step of the test-accuracy peak and the step of fit against p.
func earlyStopSteps(levels []earlystop.Level) Chart {
	div, unit := 1.0, "steps"
	if lastStep(levels) >= 2000 {
		div, unit = 1000, "thousand steps"
	}
	c := Chart{Title: "Test-accuracy peak vs training-set fit", XLabel: "label corruption p", YLabel: unit,
		Scatter: true, Empty: "filled as runs finish", YFromZero: true}
	c.Series = []Series{
		levelSeries("peak of test accuracy", 0, levels, func(l earlystop.Level) earlystop.Spread { return l.PeakStep }, 1/div),
		levelSeries("100% training accuracy", 1, levels, func(l earlystop.Level) earlystop.Spread { return l.FitStep }, 1/div),
	}
	c.Series[1].Dash = true
	if last := lastStep(levels); last > 0 {
		// The end of the runs: a peak on it means test accuracy was still rising.
		c.Refs = []Ref{{Y: last / div, Label: "last evaluation"}}
	}
	fitRange(&c, 0)
	if seedsIn(levels) {
		c.Title += "; median, bars: range"
	}
	return c
}

// lastStep is the latest final step of the levels' runs (0 when there is none).
func lastStep(levels []earlystop.Level) float64 {
	last := 0.0
	for _, l := range levels {
		if l.FinalSteps.N > 0 {
			last = max(last, l.FinalSteps.Max)
		}
	}
	return last
}

// earlyStopGain is best minus final test accuracy, in points, against p, with its range band.
func earlyStopGain(levels []earlystop.Level) Chart {
	c := Chart{Title: "Gain of early stopping (best - final)", XLabel: "label corruption p", YLabel: "points of test accuracy",
		Empty: "filled as runs finish", YFromZero: true}
	s := levelSeries("gain", 0, levels, func(l earlystop.Level) earlystop.Spread { return l.Gain }, 100)
	if len(s.X) == 1 { // one level: a line needs two points to be seen, so give it a glyph
		c.Scatter = true
	}
	c.Series = []Series{s}
	fitRange(&c, 0)
	if seedsIn(levels) {
		c.Title += "; median, shaded: range"
	}
	return c
}

// seedsIn reports whether any level has more than one run.
func seedsIn(levels []earlystop.Level) bool {
	for _, l := range levels {
		if l.Runs > 1 {
			return true
		}
	}
	return false
}

// earlyStopRunRows is the table of every analyzed run: its ID and name, p, seed and its numbers
// (accuracies as fractions, steps; fit_step -1 and test_acc_at_fit empty when it never fitted),
// with the flip rate of its training labels (the share that really changed).
func earlyStopRunRows(runs []Run, idx []int, res []earlystop.Result) [][]string {
	rows := [][]string{{"run_id", "run", "p", "seed", "evaluations", "best_test_acc", "peak_step", "final_test_acc", "final_step",
		"gain", "fit_step", "test_acc_at_fit", "peak_before_fit", "train_acc_at_peak", "flip_rate"}}
	for k, r := range res {
		run := runs[idx[k]]
		id := run.ID
		if id == "" {
			id = fmt.Sprintf("run-%d", idx[k]+1)
		}
		flip := ""
		if run.Summary != nil {
			flip = fnum(run.Summary.FlipRate)
		}
		rows = append(rows, []string{id, run.Label(), fnum(r.P), strconv.FormatUint(r.Seed, 10), strconv.Itoa(r.Evaluations),
			fnum(r.Best), strconv.Itoa(r.PeakStep), fnum(r.Final), strconv.Itoa(r.FinalStep), fnum(r.Gain),
			strconv.Itoa(r.FitStep), fnum(r.TestAtFit), strconv.FormatBool(r.PeakBeforeFit()), fnum(r.TrainAtPeak), flip})
	}
	return rows
}

// EarlyStopLevelRows is the table of the levels: for each p the number of runs, of runs that
// fitted and of runs that peaked before their fit, and the median, minimum and maximum of
// each number (accuracies as fractions; the fit columns over the runs that fitted; empty
// where no run has the number).
func EarlyStopLevelRows(levels []earlystop.Level) [][]string {
	head := []string{"p", "runs", "fitted", "peak_before_fit"}
	cols := []struct {
		name string
		get  func(earlystop.Level) earlystop.Spread
	}{
		{"best_test_acc", func(l earlystop.Level) earlystop.Spread { return l.Best }},
		{"final_test_acc", func(l earlystop.Level) earlystop.Spread { return l.Final }},
		{"gain", func(l earlystop.Level) earlystop.Spread { return l.Gain }},
		{"peak_step", func(l earlystop.Level) earlystop.Spread { return l.PeakStep }},
		{"fit_step", func(l earlystop.Level) earlystop.Spread { return l.FitStep }},
		{"test_acc_at_fit", func(l earlystop.Level) earlystop.Spread { return l.TestAtFit }},
		{"train_acc_at_peak", func(l earlystop.Level) earlystop.Spread { return l.TrainAtPeak }},
	}
	for _, c := range cols {
		head = append(head, c.name+"_median", c.name+"_min", c.name+"_max")
	}
	rows := [][]string{head}
	for _, l := range levels {
		row := []string{fnum(l.P), strconv.Itoa(l.Runs), strconv.Itoa(l.Fitted), strconv.Itoa(l.PeakBeforeFit)}
		for _, c := range cols {
			s := c.get(l)
			row = append(row, fnum(s.Median), fnum(s.Min), fnum(s.Max))
		}
		rows = append(rows, row)
	}
	return rows
}

// fnum formats v for a CSV cell: empty when it is not finite.
func fnum(v float64) string {
	if !finite(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 8, 64)
}
