package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"rethink/experiments"
)

// Group is the runs of one experiment that differ only by seed: a preset's row (or mode, or p
// of a sweep) repeated over its seeds (experiments.WithSeeds keeps their names). Tables show a
// group as one row and plots as one median curve with its range.
type Group struct {
	// Runs are the group's runs in the order they came (one per seed).
	Runs []Run
}

// Label names the group as its runs are named.
func (g Group) Label() string { return g.Runs[0].Label() }

// Color is the group's colour: its first run's (SetColors gives a group's runs one).
func (g Group) Color() int { return g.Runs[0].Color }

// groupKey is what runs of one group share: the preset, the name, the model and the data (set,
// size, randomization). Their seeds (and nothing else a preset sets) differ.
func groupKey(r Run) string {
	return strings.Join([]string{r.Config.Preset, r.Label(), r.Config.Model.String(), DataLabel(r)}, "\x00")
}

// RepeatKey is what a run shares with a repeat of it, the same run with the same seed run
// again: its group's key and its seed. Runs of one group with different seeds have different
// keys.
func RepeatKey(r Run) string { return groupKey(r) + "\x00" + fmt.Sprint(r.Config.Seed) }

// GroupRuns groups runs that differ only by seed, the groups in the order their first runs
// come and each group's runs in their order. A run whose name no other run shares is a group
// of one, drawn and tabled as a single run is.
func GroupRuns(runs []Run) []Group {
	var groups []Group
	for i, g := range GroupOf(runs) {
		if g == len(groups) {
			groups = append(groups, Group{})
		}
		groups[g].Runs = append(groups[g].Runs, runs[i])
	}
	return groups
}

// GroupOf is the index, in GroupRuns(runs), of the group of each run.
func GroupOf(runs []Run) []int {
	out := make([]int, len(runs))
	at := map[string]int{}
	for i, r := range runs {
		k := groupKey(r)
		g, ok := at[k]
		if !ok {
			g = len(at)
			at[k] = g
		}
		out[i] = g
	}
	return out
}

// Spread is experiments.Spread: the median and range of a number over the seeds that have it.
type Spread = experiments.Spread

// SpreadOf is experiments.SpreadOf: the Spread of the finite values of vs.
func SpreadOf(vs []float64) Spread { return experiments.SpreadOf(vs) }

// each is f of every run of g.
func (g Group) each(f func(Run) float64) []float64 {
	out := make([]float64, len(g.Runs))
	for i, r := range g.Runs {
		out[i] = f(r)
	}
	return out
}

// Train and Test are the spread of the final train and test accuracy (fractions) over the
// seeds that evaluated an epoch.
func (g Group) Train() Spread {
	return SpreadOf(g.each(func(r Run) float64 { tr, _ := r.FinalAcc(); return tr }))
}

// Test: see Train.
func (g Group) Test() Spread {
	return SpreadOf(g.each(func(r Run) float64 { _, te := r.FinalAcc(); return te }))
}

// BestTest is the spread of the best test accuracy (early stopping), fractions.
func (g Group) BestTest() Spread { return SpreadOf(g.each(Run.BestTest)) }

// Fit is the spread of the steps to 100% training accuracy over the seeds that reached it
// (Fit.N of them, out of len(g.Runs)).
func (g Group) Fit() Spread {
	return SpreadOf(g.each(func(r Run) float64 {
		if r.FitStep < 0 {
			return math.NaN()
		}
		return float64(r.FitStep)
	}))
}

// FitMark is the step to draw as the group's time to fit: the median over the seeds that
// fitted, when more than half of them did (NaN otherwise, as for one seed that did not fit).
func (g Group) FitMark() float64 {
	f := g.Fit()
	if 2*f.N <= len(g.Runs) {
		return math.NaN()
	}
	return f.Median
}

// Status is the status of the runs when all share it, with their number when there are
// several ("done", "3 done": the app's table shows the number of seeds so), else how many have
// each, in the order first seen ("2 done, 1 running").
func (g Group) Status() string {
	var order []string
	count := map[string]int{}
	for _, r := range g.Runs {
		s := r.Status()
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	if len(g.Runs) == 1 {
		return order[0]
	}
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%d %s", count[s], s)
	}
	return strings.Join(parts, ", ")
}

// cell formats a spread for a table: the median alone for one value, else the median, a line
// break and the range, "97.50\n[96.00–99.00]" (the report files put a space for the break).
func cell(s Spread, f func(float64) string) string {
	switch {
	case s.N == 0:
		return "–"
	case s.N == 1:
		return f(s.Median)
	}
	return fmt.Sprintf("%s\n[%s–%s]", f(s.Median), f(s.Min), f(s.Max))
}

// fitCell is the steps-to-fit cell of a group: "–" when no seed fitted, the median and range
// when every seed did, and "n of k fitted" before them when only some did.
func (g Group) fitCell() string {
	f := g.Fit()
	step := func(v float64) string { return Thousands(int64(math.Round(v))) }
	c := cell(f, step)
	if f.N > 0 && f.N < len(g.Runs) {
		c = fmt.Sprintf("%d of %d fitted: %s", f.N, len(g.Runs), strings.ReplaceAll(c, "\n", " "))
	}
	return c
}

// curve is a run's loss curve as drawn (thinned, steps divided by div).
type curve struct{ x, y []float64 }

// Band is the median and range of curves over the seeds of a group, on the union of their
// x positions: at each X, Med, Lo and Hi are the median, minimum and maximum of the curves
// that reach that far (each interpolated linearly between its own points; a curve counts from
// its first point to its last). Since each curve is straight between consecutive X, the band
// drawn from Lo to Hi contains every curve of the group.
type Band struct{ X, Med, Lo, Hi []float64 }

// bandOf is the Band of the curves (each with increasing x, finite points only).
func bandOf(cs []curve) Band {
	var xs []float64
	for _, c := range cs {
		xs = append(xs, c.x...)
	}
	sort.Float64s(xs)
	xs = slices.Compact(xs)
	var b Band
	vals := make([]float64, 0, len(cs))
	for _, x := range xs {
		vals = vals[:0]
		for _, c := range cs {
			if v, ok := at(c, x); ok {
				vals = append(vals, v)
			}
		}
		s := SpreadOf(vals)
		if s.N == 0 {
			continue
		}
		b.X, b.Med, b.Lo, b.Hi = append(b.X, x), append(b.Med, s.Median), append(b.Lo, s.Min), append(b.Hi, s.Max)
	}
	return b
}

// at is c at x, linearly interpolated, and whether x is within c's range.
func at(c curve, x float64) (float64, bool) {
	n := len(c.x)
	if n == 0 || x < c.x[0] || x > c.x[n-1] {
		return 0, false
	}
	i := sort.SearchFloat64s(c.x, x)
	if i >= n || i == 0 || c.x[i] == x { // i == 0 or n < x's place only in an unsorted curve
		i = min(i, n-1)
		return c.y[i], true
	}
	x0, x1, y0, y1 := c.x[i-1], c.x[i], c.y[i-1], c.y[i]
	return y0 + (y1-y0)*(x-x0)/(x1-x0), true
}

// finiteCurve drops the non-finite points of x, y.
func finiteCurve(x, y []float64) curve {
	var c curve
	for i := range min(len(x), len(y)) {
		if finite(x[i]) && finite(y[i]) {
			c.x, c.y = append(c.x, x[i]), append(c.y, y[i])
		}
	}
	return c
}

// series is the group's median curve as a Series of colour col, with its band when the group
// has more than one run (a single seed is drawn as before, without a band).
func (g Group) series(col int, cs []curve) Series {
	if len(cs) == 1 {
		return Series{Name: g.Label(), Color: col, X: cs[0].x, Y: cs[0].y, Mark: math.NaN()}
	}
	b := bandOf(cs)
	s := Series{Name: g.Label(), Color: col, X: b.X, Y: b.Med, Mark: math.NaN()}
	if len(g.Runs) > 1 {
		s.Lo, s.Hi = b.Lo, b.Hi
	}
	return s
}

// multiSeed reports whether any group has more than one run.
func multiSeed(groups []Group) bool {
	return slices.ContainsFunc(groups, func(g Group) bool { return len(g.Runs) > 1 })
}

// seedNote is what a chart's title adds when it shows medians over seeds.
const seedNote = "; median over seeds, shaded: range"

// addSpread draws the range of s under its line: a shaded band from s.Lo to s.Hi in col (a
// quarter opaque), or, on a scatter chart, a vertical bar at each point. Points whose range is
// not finite, or empty (one seed), are skipped; a series without Lo and Hi draws nothing.
func (c Chart) addSpread(p *plot.Plot, s Series, col color.RGBA) {
	n := min(len(s.X), len(s.Lo), len(s.Hi))
	if n == 0 {
		return
	}
	if c.Scatter {
		for i := range n {
			if !finite(s.X[i]) || !finite(s.Lo[i]) || !finite(s.Hi[i]) || s.Lo[i] == s.Hi[i] {
				continue
			}
			if l, err := plotter.NewLine(plotter.XYs{{X: s.X[i], Y: s.Lo[i]}, {X: s.X[i], Y: s.Hi[i]}}); err == nil {
				l.Color, l.Width = col, vg.Points(1)
				p.Add(l)
			}
		}
		return
	}
	var ring plotter.XYs
	for i := range n {
		if finite(s.X[i]) && finite(s.Lo[i]) {
			ring = append(ring, plotter.XY{X: s.X[i], Y: s.Lo[i]})
		}
	}
	for i := n - 1; i >= 0; i-- {
		if finite(s.X[i]) && finite(s.Hi[i]) {
			ring = append(ring, plotter.XY{X: s.X[i], Y: s.Hi[i]})
		}
	}
	if len(ring) < 3 {
		return
	}
	if pg, err := plotter.NewPolygon(ring); err == nil {
		fill := col
		fill.R, fill.G, fill.B, fill.A = fill.R/4, fill.G/4, fill.B/4, 0x40 // premultiplied alpha
		pg.Color = fill
		pg.LineStyle.Width = 0
		p.Add(pg)
	}
}
