package report

import (
	"fmt"
	"io"
	"math"

	"rethink/experiments"
	"rethink/experiments/archnoise"
)

// archViews name the three views of the architecture sweep on screen.
var archViews = [3]string{"Signal kept and test accuracy", "Time to fit (steps)", "Time to fit (seconds)"}

// ArchFigures draws the strong-against-weak architecture sweep (package archnoise) from its
// ended runs, one series per network in the order the networks first appear, each point the
// median over the seeds with their range:
//
//   - signal (in Loss's place): the share of the clean signal kept, (acc_p - chance) /
//     (acc_0 - chance), against p, a median line over a band from the lowest to the highest
//     seed, beside the line 1 - p of a memorizer; the legend says at how many of its p the
//     network fitted its training set (noise included) in most seeds ("fits 6/6").
//   - test accuracy (in Accuracy's place) against p, with chance.
//   - steps to fit and seconds to fit against p (in Fit's and TestError's places), over the
//     seeds that fitted, drawn where more than half of them did.
//
// Names are archnoise-signal-kept, archnoise-test-accuracy, archnoise-fit-steps and
// archnoise-fit-seconds; Sweep is set, so that the app shows them as a sweep's three views.
func ArchFigures(runs []Run) Figures {
	cells := archnoise.Cells(archnoise.Measures(archPoints(runs)))
	const wait = "filled as runs end (the share needs the network's run at p = 0)"
	signal := Chart{Title: "Share of clean signal kept", XLabel: "label corruption p",
		YLabel: "signal kept", Empty: wait,
		Refs: []Ref{{Y: 1, Slope: -1, Label: "1 - p (memorizer)"}, {Y: 0, Label: "chance"}}}
	test := Chart{Title: "Test accuracy vs label corruption", XLabel: "label corruption p", YLabel: "test accuracy %",
		YMin: 0, YMax: 100, Empty: wait, Refs: []Ref{{Y: 100 * archnoise.Chance, Label: "chance (10%)"}}}
	steps := Chart{Title: "Time to fit vs label corruption", XLabel: "label corruption p", YLabel: "steps to fit",
		Scatter: true, YFromZero: true, Empty: "filled as runs fit their training sets"}
	secs := Chart{Title: "Wall time to fit vs label corruption", XLabel: "label corruption p", YLabel: "seconds to fit",
		Scatter: true, YFromZero: true, Empty: steps.Empty}
	var order []string
	by := map[string][]archnoise.Cell{}
	seeds := false
	for _, c := range cells {
		if by[c.Model] == nil {
			order = append(order, c.Model)
		}
		by[c.Model] = append(by[c.Model], c)
		seeds = seeds || c.Runs > 1
	}
	for i, model := range order {
		fitted := 0
		ss := Series{Name: model, Color: i, Mark: math.NaN()}
		ts := Series{Name: model, Color: i, Mark: math.NaN()}
		fs := Series{Name: model, Color: i, Mark: math.NaN()}
		cs := Series{Name: model, Color: i, Mark: math.NaN()}
		add := func(s *Series, x float64, v archnoise.Spread, scale float64) {
			if finite(v.Median) {
				s.X, s.Y = append(s.X, x), append(s.Y, scale*v.Median)
				s.Lo, s.Hi = append(s.Lo, scale*v.Min), append(s.Hi, scale*v.Max)
			}
		}
		for _, c := range by[model] {
			add(&ss, c.P, c.SignalKept, 1)
			add(&ts, c.P, c.TestAcc, 100)
			if c.MostFitted() {
				fitted++
				add(&fs, c.P, c.FitSteps, 1)
				add(&cs, c.P, c.FitSeconds, 1)
			}
		}
		ss.Name = fmt.Sprintf("%s, fits %d/%d", model, fitted, len(by[model]))
		signal.Series = append(signal.Series, ss)
		test.Series = append(test.Series, ts)
		steps.Series = append(steps.Series, fs)
		secs.Series = append(secs.Series, cs)
	}
	// The range bars, not only the medians, inside the axes of the times to fit.
	for _, c := range []*Chart{&steps, &secs} {
		top := 0.0
		for _, s := range c.Series {
			for _, v := range append(append([]float64(nil), s.Y...), s.Hi...) {
				if finite(v) {
					top = max(top, v)
				}
			}
		}
		if top > 0 {
			c.YMin, c.YMax = 0, 1.08*top
		}
	}
	if seeds {
		signal.Title += seedNote
		test.Title += seedNote
		steps.Title += "; median over seeds, bars: range"
		secs.Title += "; median over seeds, bars: range"
	}
	return Figures{Loss: signal, Accuracy: test, Sweep: true, Fit: steps, TestError: secs,
		Names:   &[4]string{"archnoise-signal-kept", "archnoise-test-accuracy", "archnoise-fit-steps", "archnoise-fit-seconds"},
		Choices: &archViews}
}

// archPoints are the points of the runs that ended done (see archnoise.PointOf).
func archPoints(runs []Run) []archnoise.Point {
	var pts []archnoise.Point
	for _, r := range runs {
		if r.Summary == nil {
			continue
		}
		rec := experiments.RunRecord{Config: r.Config, Metrics: r.Epochs, Summary: *r.Summary}
		if pt, ok := archnoise.PointOf(rec); ok {
			pts = append(pts, pt)
		}
	}
	return pts
}

// isArch reports whether runs are of package archnoise's kind (the first run's kind decides).
func isArch(runs []Run) bool {
	return len(runs) > 0 && runs[0].Config.KindName() == archnoise.Kind
}

// writeArchCSVs writes the measures of the architecture sweep of runs through write: one row
// per run (archnoise-runs.csv) and one per network and p with medians and ranges over the seeds
// (archnoise.csv).
func writeArchCSVs(runs []Run, write func(name string, f func(io.Writer) error) error) error {
	ms := archnoise.Measures(archPoints(runs))
	if err := write("archnoise-runs.csv", func(w io.Writer) error { return archnoise.WriteMeasuresCSV(w, ms) }); err != nil {
		return err
	}
	return write("archnoise.csv", func(w io.Writer) error { return archnoise.WriteCellsCSV(w, archnoise.Cells(ms)) })
}
