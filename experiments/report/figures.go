package report

import (
	"math"
	"sort"
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

// LossChart is the paper's Figure 1a: training loss against thousands of steps, every run of
// the experiment overlaid, each run's time to fit marked by a dashed line.
func LossChart(runs []Run) Chart {
	div, unit := stepUnit(runs)
	c := Chart{Title: "Training loss (dotted: 100% training accuracy reached)", XLabel: unit, YLabel: "loss",
		Empty: "waiting for the first steps", XFromZero: true, YFromZero: true}
	for i, r := range runs {
		s := Series{Name: r.Label(), Color: i, Mark: math.NaN()}
		s.X, s.Y = thin(r.LossStep, r.Loss, div)
		if r.FitStep >= 0 {
			s.Mark = float64(r.FitStep) / div
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

// AccuracyChart shows training accuracy (solid) and test accuracy (dashed) at every epoch.
func AccuracyChart(runs []Run) Chart {
	div, unit := stepUnit(runs)
	c := Chart{Title: "Accuracy: train (solid), test (dashed)", XLabel: unit, YLabel: "accuracy %",
		YMin: 0, YMax: 100, Empty: "accuracy appears after the first epoch", XFromZero: true}
	for i, r := range runs {
		tr := Series{Name: r.Label(), Color: i, Mark: math.NaN()}
		te := Series{Color: i, Dash: true, Mark: math.NaN()}
		for _, m := range r.Epochs {
			x := float64(m.Step) / div
			tr.X, tr.Y = append(tr.X, x), append(tr.Y, 100*m.TrainAcc)
			te.X, te.Y = append(te.X, x), append(te.Y, 100*m.TestAcc)
		}
		c.Series = append(c.Series, tr, te)
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

// sweepPoint is one finished run of a sweep: its p, steps to fit (NaN: never) and final test
// error in percent.
type sweepPoint struct{ p, fit, err float64 }

// SweepCharts are Figure 1b (time to fit against p, relative to p = 0 of the same model) and
// Figure 1c (test error against p), one series per model, filled as runs finish.
func SweepCharts(runs []Run) (fit, test Chart) {
	fit = Chart{Title: "Time to fit vs label corruption (Fig. 1b)", XLabel: "label corruption p", YLabel: "steps to fit / steps at p=0",
		Scatter: true, Empty: "filled as runs finish"}
	test = Chart{Title: "Test error vs label corruption (Fig. 1c)", XLabel: "label corruption p", YLabel: "test error %",
		Scatter: true, YMin: 0, YMax: 100, Empty: "filled as runs finish"}
	order, byModel := sweepPoints(runs)
	for i, name := range order {
		pts := byModel[name]
		base := math.NaN()
		for _, pt := range pts {
			if pt.p == 0 && finite(pt.fit) && pt.fit > 0 {
				base = pt.fit
			}
		}
		fs := Series{Name: name, Color: i, Mark: math.NaN()}
		ts := Series{Name: name, Color: i, Mark: math.NaN()}
		for _, pt := range pts {
			if finite(pt.fit) {
				v := pt.fit / 1000
				if finite(base) {
					v = pt.fit / base
				}
				fs.X, fs.Y = append(fs.X, pt.p), append(fs.Y, v)
			}
			ts.X, ts.Y = append(ts.X, pt.p), append(ts.Y, pt.err)
		}
		fit.Series = append(fit.Series, fs)
		test.Series = append(test.Series, ts)
	}
	if len(fit.Series) > 0 && !hasBase(runs) {
		fit.YLabel = "thousand steps to fit"
	}
	return fit, test
}

// sweepPoints groups the finished runs by model (in the order models first appear), each
// group sorted by p.
func sweepPoints(runs []Run) ([]string, map[string][]sweepPoint) {
	byModel := map[string][]sweepPoint{}
	var order []string
	for _, r := range runs {
		if !r.Done {
			continue
		}
		name := r.Config.Model.String()
		if _, ok := byModel[name]; !ok {
			order = append(order, name)
		}
		pt := sweepPoint{p: r.Config.Randomization.P, fit: math.NaN(), err: math.NaN()}
		if r.FitStep >= 0 {
			pt.fit = float64(r.FitStep)
		}
		if len(r.Epochs) > 0 {
			pt.err = 100 * (1 - r.Epochs[len(r.Epochs)-1].TestAcc)
		}
		byModel[name] = append(byModel[name], pt)
	}
	for _, pts := range byModel {
		sort.Slice(pts, func(a, b int) bool { return pts[a].p < pts[b].p })
	}
	return order, byModel
}

func hasBase(runs []Run) bool {
	for _, r := range runs {
		if r.Done && r.Config.Randomization.P == 0 && r.FitStep > 0 {
			return true
		}
	}
	return false
}
