package report

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"rethink/experiments"
)

// maxPoints bounds the points drawn per curve, so rendering stays fast on long runs.
const maxPoints = 1500

// Figures are the charts of one experiment: the loss and accuracy curves, and for a
// label-corruption sweep Figures 1b and 1c.
type Figures struct {
	Loss, Accuracy Chart
	// Sweep says the runs differ in the corruption level p; then Fit and TestError are set.
	Sweep          bool
	Fit, TestError Chart
	// Names, when set, are the file names of Loss, Accuracy, Fit and TestError for kinds that
	// draw other charts in those four places (see TheoryFigures).
	Names *[4]string
	// Choices, when set, are the app's names of the three views of a Sweep: Loss above
	// Accuracy, Fit, TestError (nil: "Loss and accuracy" and Figures 1b and 1c).
	Choices *[3]string
	// Data are tables of the numbers the charts draw, written beside them as CSV (see
	// EarlyStopFigures); none for most experiments.
	Data []NamedTable
}

// NamedTable is a table of CSV rows (the first is the header) with the file name it is written
// under (without extension).
type NamedTable struct {
	Name string
	Rows [][]string
}

// Charts makes the figures of runs.
func Charts(runs []Run) Figures {
	f := Figures{Loss: LossChart(runs), Accuracy: AccuracyChart(runs), Sweep: IsSweep(runs)}
	if f.Sweep {
		f.Fit, f.TestError = SweepCharts(runs)
	}
	return f
}

// Named lists the charts of f by file name (without extension): loss, accuracy, and for a
// sweep fig1b-time-to-fit and fig1c-test-error, in that order.
func (f Figures) Named() []NamedChart {
	if f.Names != nil {
		return []NamedChart{{f.Names[0], f.Loss}, {f.Names[1], f.Accuracy}, {f.Names[2], f.Fit}, {f.Names[3], f.TestError}}
	}
	out := []NamedChart{{"loss", f.Loss}, {"accuracy", f.Accuracy}}
	if f.Sweep {
		out = append(out, NamedChart{"fig1b-time-to-fit", f.Fit}, NamedChart{"fig1c-test-error", f.TestError})
	}
	return out
}

// NamedChart is a chart with the file name it is written under.
type NamedChart struct {
	Name  string
	Chart Chart
}

// LossChart is the paper's Figure 1a: training loss against thousands of steps, every group of
// runs (GroupRuns: a name over its seeds) overlaid in a colour of its own, each group's time to
// fit marked by a dashed line. A group of several seeds is drawn as its median curve over a
// shaded band from the lowest to the highest seed; its mark is FitMark.
func LossChart(runs []Run) Chart {
	div, unit := stepUnit(runs)
	c := Chart{Title: "Training loss (dotted: 100% training accuracy reached)", XLabel: unit, YLabel: "loss",
		Empty: "waiting for the first steps", XFromZero: true, YFromZero: true, XSteps: true}
	groups := GroupRuns(colored(runs))
	if multiSeed(groups) {
		c.Title += seedNote
	}
	for _, g := range groups {
		cs := make([]curve, len(g.Runs))
		for j, r := range g.Runs {
			cs[j] = finiteCurve(thin(r.LossStep, r.Loss, div))
		}
		s := g.series(g.Color(), cs)
		if m := g.FitMark(); finite(m) {
			s.Mark = m / div
		}
		c.Series = append(c.Series, s)
	}
	return c
}

// thin returns at most about maxPoints points of the curve (step, loss), with steps divided by
// div: long runs keep tens of thousands of points, averaged here in windows so that the curve
// keeps its level; the last point is always kept.
func thin(step, loss []float64, div float64) (x, y []float64) {
	n := min(len(step), len(loss))
	stride := max(1, (n+maxPoints-1)/maxPoints)
	for j := 0; j < n; j += stride {
		end := min(j+stride, n)
		var sum float64
		var cnt int
		for _, v := range loss[j:end] {
			if finite(v) {
				sum += v
				cnt++
			}
		}
		if cnt > 0 {
			x, y = append(x, step[end-1]/div), append(y, sum/float64(cnt))
		}
	}
	return x, y
}

// AccuracyChart shows training accuracy (solid) and test accuracy (dashed) at every epoch, per
// group of runs (GroupRuns): the median over its seeds with the range shaded.
func AccuracyChart(runs []Run) Chart {
	div, unit := stepUnit(runs)
	c := Chart{Title: "Accuracy: train (solid), test (dashed)", XLabel: unit, YLabel: "accuracy %",
		YMin: 0, YMax: 100, Empty: "accuracy appears after the first epoch", XFromZero: true, XSteps: true}
	groups := GroupRuns(colored(runs))
	if multiSeed(groups) {
		c.Title += seedNote
	}
	for _, g := range groups {
		trc, tec := make([]curve, len(g.Runs)), make([]curve, len(g.Runs))
		for j, r := range g.Runs {
			var x, tr, te []float64
			for _, m := range r.Epochs {
				x, tr, te = append(x, float64(m.Step)/div), append(tr, 100*m.TrainAcc), append(te, 100*m.TestAcc)
			}
			trc[j], tec[j] = finiteCurve(x, tr), finiteCurve(x, te)
		}
		trs, tes := g.series(g.Color(), trc), g.series(g.Color(), tec)
		tes.Name, tes.Dash = "", true
		c.Series = append(c.Series, trs, tes)
	}
	return c
}

// stepUnit is the x unit of the step axes: thousands of steps (the paper's) for long runs,
// steps for short ones.
func stepUnit(runs []Run) (float64, string) {
	var last float64
	for _, r := range runs {
		if n := len(r.LossStep); n > 0 {
			last = max(last, r.LossStep[n-1])
		}
		if n := len(r.Epochs); n > 0 {
			last = max(last, float64(r.Epochs[n-1].Step))
		}
	}
	if last >= 2000 {
		return 1000, "thousand steps"
	}
	return 1, "steps"
}

// IsSweep reports whether the runs differ in the corruption level p: then the paper's Figure
// 1b and 1c views apply.
func IsSweep(runs []Run) bool {
	seen := map[float64]bool{}
	for _, r := range runs {
		seen[r.Config.Randomization.P] = true
	}
	return len(seen) > 1
}

// sweepPoint is the finished runs of a sweep at one p (its seeds): steps to fit (the median and
// range over the seeds that fitted, drawn at fitMark, the median over all seeds with a seed that
// did not fit counted as the slowest, see fitMedian) and
// final test error in percent (median and range).
type sweepPoint struct {
	p       float64
	fitMark float64
	fit     Spread
	err     Spread
}

// SweepCharts are Figure 1b (time to fit against p, relative to p = 0 of the same model) and
// Figure 1c (test error against p), one series per model, filled as runs finish. Runs of one
// model and p over several seeds give one point, their median, with a bar over their range.
func SweepCharts(runs []Run) (fit, test Chart) {
	fit = Chart{Title: "Time to fit vs label corruption (Fig. 1b)", XLabel: "label corruption p", YLabel: "steps to fit / steps at p=0",
		Scatter: true, Empty: "filled as runs finish"}
	test = Chart{Title: "Test error vs label corruption (Fig. 1c)", XLabel: "label corruption p", YLabel: "test error %",
		Scatter: true, YMin: 0, YMax: 100, Empty: "filled as runs finish",
		// Chance on the paper's ten classes: where the paper's curves end at p = 1 (SPEC.md
		// section 5). The paper gives no other number of Figure 1c in its text.
		Refs: []Ref{{Y: 90, Label: "chance (90%)"}}}
	runs = colored(runs)
	order, byModel := sweepPoints(runs)
	seeds := false
	for _, name := range order {
		pts := byModel[name]
		base := math.NaN()
		for _, pt := range pts {
			if pt.p == 0 && finite(pt.fitMark) && pt.fitMark > 0 {
				base = pt.fitMark
			}
		}
		scale := 1000.0
		if finite(base) {
			scale = base
		}
		col := modelColor(runs, name)
		fs := Series{Name: name, Color: col, Mark: math.NaN()}
		ts := Series{Name: name, Color: col, Mark: math.NaN()}
		for _, pt := range pts {
			if finite(pt.fitMark) {
				fs.X, fs.Y = append(fs.X, pt.p), append(fs.Y, pt.fitMark/scale)
				fs.Lo, fs.Hi = append(fs.Lo, pt.fit.Min/scale), append(fs.Hi, pt.fit.Max/scale)
				seeds = seeds || pt.fit.N > 1
			}
			ts.X, ts.Y = append(ts.X, pt.p), append(ts.Y, pt.err.Median)
			ts.Lo, ts.Hi = append(ts.Lo, pt.err.Min), append(ts.Hi, pt.err.Max)
			seeds = seeds || pt.err.N > 1
		}
		fit.Series = append(fit.Series, fs)
		test.Series = append(test.Series, ts)
	}
	// The paper's own ends of Figure 1c (CIFAR-10, Table 1) as squares, for our models and the
	// paper's networks of the runs' presets, each in its model's colour (the others' after
	// ours): the clean test error at p = 0 and the random-label error at p = 1 (the paper
	// reports no number between them in its text).
	used := map[int]bool{}
	for _, name := range order {
		used[modelColor(runs, name)] = true
	}
	free := 0
	for _, name := range append(slices.Clone(order), paperModelsOf(runs, order)...) {
		if clean, random, ok := experiments.PaperTestError(name); ok {
			col := free
			if slices.Contains(order, name) {
				col = modelColor(runs, name)
			} else {
				for used[col] {
					col++
				}
				used[col], free = true, col+1
			}
			test.Series = append(test.Series, Series{Name: "paper, " + name + " (CIFAR-10)", Color: col, Points: true,
				X: []float64{0, 1}, Y: []float64{clean, random}, Mark: math.NaN()})
		}
	}
	for i, t := range FitTrends(runs) {
		// The legend says how well the medians follow p (Figure 1b's claim): Spearman's rank
		// correlation over the levels that fitted.
		if i < len(fit.Series) && finite(t.Spearman) {
			fit.Series[i].Name += fmt.Sprintf(" (Spearman %.2f)", t.Spearman)
		}
	}
	if seeds {
		fit.Title += "; median over seeds, bars: range"
		test.Title += "; median over seeds, bars: range"
	}
	if len(fit.Series) > 0 && !hasBase(runs) {
		fit.YLabel = "thousand steps to fit"
	} else {
		// The level of p = 0: the paper's curves grow from it by a small constant factor (SPEC.md
		// section 5), and gives no number for that factor in its text.
		fit.Refs = []Ref{{Y: 1, Label: "p = 0 level"}}
	}
	return fit, test
}

// modelColor is the colour of a model's series in Figures 1b and 1c: the colour of its first
// run (finished or not, so that it does not change as runs finish), usually its run at p = 0.
func modelColor(runs []Run, model string) int {
	for _, r := range runs {
		if r.Config.Model.String() == model {
			return r.Color
		}
	}
	return 0
}

// sweepPoints groups the finished runs by model (in the order models first appear) and, within
// a model, by p over their seeds, each model's points sorted by p.
func sweepPoints(runs []Run) ([]string, map[string][]sweepPoint) {
	type key struct {
		model string
		p     float64
	}
	var order []string
	var keys []key
	members := map[key]Group{}
	for _, r := range runs {
		if !r.Done {
			continue
		}
		k := key{r.Config.Model.String(), r.Config.Randomization.P}
		if !slices.Contains(order, k.model) {
			order = append(order, k.model)
		}
		g, ok := members[k]
		if !ok {
			keys = append(keys, k)
		}
		g.Runs = append(g.Runs, r)
		members[k] = g
	}
	byModel := map[string][]sweepPoint{}
	for _, k := range keys {
		g := members[k]
		pt := sweepPoint{p: k.p, fit: g.Fit(), fitMark: fitMedian(g),
			err: SpreadOf(g.each(func(r Run) float64 {
				if len(r.Epochs) == 0 {
					return math.NaN()
				}
				return 100 * (1 - r.Epochs[len(r.Epochs)-1].TestAcc)
			}))}
		byModel[k.model] = append(byModel[k.model], pt)
	}
	for _, pts := range byModel {
		sort.SliceStable(pts, func(a, b int) bool { return pts[a].p < pts[b].p })
	}
	return order, byModel
}

// fitMedian is the median steps to fit of a group of finished runs, a run that ended without
// fitting counting as slower than every run that did (it is, up to its bound): NaN when the
// median falls on such a run, so when half or more did not fit. Runs that failed or were
// cancelled before fitting say nothing of their time and are left out.
func fitMedian(g Group) float64 {
	var vs []float64
	for _, r := range g.Runs {
		switch {
		case r.FitStep >= 0:
			vs = append(vs, float64(r.FitStep))
		case r.Err == nil && (r.Summary == nil || r.Summary.Status == experiments.StatusDone):
			vs = append(vs, math.Inf(1))
		}
	}
	if len(vs) == 0 {
		return math.NaN()
	}
	sort.Float64s(vs)
	n := len(vs)
	m := vs[n/2]
	if n%2 == 0 {
		m = (vs[n/2-1] + vs[n/2]) / 2
	}
	if math.IsInf(m, 0) {
		return math.NaN()
	}
	return m
}

// paperModelsOf names the paper's networks of the runs' presets (Preset.PaperModels) that are
// not among ours, each once, in order.
func paperModelsOf(runs []Run, ours []string) []string {
	var ids, out []string
	for _, r := range runs {
		if id := r.Config.Preset; id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		p, err := experiments.PresetByID(id)
		if err != nil {
			continue
		}
		for _, m := range p.PaperModels {
			if n := m.String(); !slices.Contains(ours, n) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func hasBase(runs []Run) bool {
	for _, r := range runs {
		if r.Done && r.Config.Randomization.P == 0 && r.FitStep > 0 {
			return true
		}
	}
	return false
}
