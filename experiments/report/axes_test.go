package report

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"rethink/experiments"
)

// shortRun is a 2-epoch run of 8 steps an epoch, its loss falling from about 2.3, that fit at
// its last step: the custom run whose axes missed its data.
func shortRun() Run {
	r := Run{Config: experiments.DefaultConfig(), FitStep: 16, Started: true, Done: true}
	for s := 1; s <= 16; s++ {
		r.LossStep, r.Loss = append(r.LossStep, float64(s)), append(r.Loss, 2.3*math.Exp(-float64(s)/6))
	}
	for e := 1; e <= 2; e++ {
		r.Epochs = append(r.Epochs, experiments.Metrics{Epoch: e, Step: 8 * e, TrainLoss: 1, TrainAcc: 0.5 * float64(e), TestAcc: 0.4})
	}
	return r
}

// checkContains fails when a finite point or fit mark of c lies outside the axes it is drawn
// with, or when the fit mark lies on the frame (where it cannot be seen).
func checkContains(t *testing.T, name string, c Chart) {
	t.Helper()
	p := c.build(Light(), DefaultSize)
	for _, s := range c.Series {
		for i := range min(len(s.X), len(s.Y)) {
			x, y := s.X[i], s.Y[i]
			if !finite(x) || !finite(y) {
				continue
			}
			if x < p.X.Min || x > p.X.Max || y < p.Y.Min || y > p.Y.Max {
				t.Errorf("%s: point (%g, %g) of %q outside the axes x [%g, %g], y [%g, %g]", name, x, y, s.Name, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
				return
			}
		}
		if finite(s.Mark) && !(s.Mark > p.X.Min && s.Mark < p.X.Max) {
			t.Errorf("%s: fit mark at %g not inside x (%g, %g): it would sit on the frame", name, s.Mark, p.X.Min, p.X.Max)
		}
	}
	if ticks := labelled(p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)); len(ticks) < 3 {
		t.Errorf("%s: y axis %g to %g has %d tick labels %q, want at least 3", name, p.Y.Min, p.Y.Max, len(ticks), ticks)
	}
}

// TestCharts_AxesContainTheData: the loss and accuracy axes hold every point drawn and the fit
// marks, for a short run, a run going on beside a finished one, and the sweep figures.
func TestCharts_AxesContainTheData(t *testing.T) {
	short := shortRun()
	live := shortRun()
	live.Done, live.FitStep = false, -1
	live.LossStep, live.Loss = live.LossStep[:5], []float64{2.4, 2.35, 2.3, 2.2, 2.25} // a second run starts high
	big := shortRun()
	for i := range big.LossStep {
		big.LossStep[i] *= 1000 // thousands of steps
	}
	big.FitStep *= 1000
	cases := map[string][]Run{"short run": {short}, "live run beside a finished one": {short, live}, "long run": {big}}
	for name, runs := range cases {
		checkContains(t, name+": loss", LossChart(runs))
		checkContains(t, name+": accuracy", AccuracyChart(runs))
	}
	fit, test := SweepCharts(testRuns())
	checkContains(t, "Figure 1b", fit)
	checkContains(t, "Figure 1c", test)
}

// labelled are the tick labels of ticks (the minor ticks have none).
func labelled(ticks []plotTick) []string {
	var out []string
	for _, tk := range ticks {
		if tk.Label != "" {
			out = append(out, tk.Label)
		}
	}
	return out
}

type plotTick = plot.Tick

// A short plot labels fewer ticks: its labels do not pile up.
func TestTicks_FollowThePlotSize(t *testing.T) {
	_, short := ticksFor(Size{W: 600, H: 100})
	_, tall := ticksFor(Size{W: 600, H: 400})
	ns, nt := len(short.Ticks(0, 1)), len(tall.Ticks(0, 1))
	if ns > 3 || nt < 5 {
		t.Errorf("ticks on [0, 1]: %d at 100 px high, %d at 400 px; want at most 3 and at least 5", ns, nt)
	}
	for _, tk := range tall.Ticks(0, 50000) {
		if strings.Contains(tk.Label, ".") {
			t.Errorf("tick %q on [0, 50000] has decimals", tk.Label)
		}
	}
}

// A step of 2.5 keeps its decimal: the labels say where the ticks are ("7.5", not "8").
func TestTicks_LabelAStepOfTwoAndAHalf(t *testing.T) {
	for _, tk := range (ticks{n: 6}).Ticks(0, 15) {
		if v, err := strconv.ParseFloat(tk.Label, 64); err != nil || v != tk.Value {
			t.Errorf("tick at %g is labelled %q", tk.Value, tk.Label)
		}
	}
}

// TestRanges_OnePointKeepsItsSign: a sweep whose only point so far is at p = 0 (one fitted
// network) gets an x axis from 0, not from -1; a single negative value still gets room below.
func TestRanges_OnePointKeepsItsSign(t *testing.T) {
	c := Chart{Series: []Series{{X: []float64{0}, Y: []float64{880}, Mark: math.NaN()}}, YFromZero: true}
	x, y, ok := c.Ranges()
	if !ok || x.Min < 0 || x.Max <= 0 || y.Min != 0 || y.Max < 880 {
		t.Errorf("one point at (0, 880): x %+v, y %+v; want x from 0 and y from 0 past 880", x, y)
	}
	c.Series[0].X[0] = -2
	if x, _, _ := c.Ranges(); x.Min >= -2 || x.Max <= -2 {
		t.Errorf("one point at x = -2: x %+v, want room on both sides", x)
	}
}
