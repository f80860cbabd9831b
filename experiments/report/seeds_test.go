package report

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"rethink/experiments"
	"rethink/experiments/data"
)

// seedRuns are three finished runs of one row over seeds 1, 2, 3 with known numbers: final
// train accuracy 0.90, 1.00, 0.95, test 0.20, 0.10, 0.40, fitted at 300, 100, 200 steps, and
// loss curves 3/e, 2/e, 1/e over five epochs of 10 steps (the third seed stops after four).
func seedRuns() []Run {
	train, test, fit := []float64{0.90, 1.00, 0.95}, []float64{0.20, 0.10, 0.40}, []int{300, 100, 200}
	var runs []Run
	for i := range 3 {
		cfg := experiments.DefaultConfig()
		cfg.Preset, cfg.Name, cfg.Seed = "p-quick", "random labels", uint64(i+1)
		cfg.Randomization = data.Randomization{Mode: data.RandomLabels}
		r := Run{Config: cfg, FitStep: fit[i], Started: true, Done: true}
		epochs := 5 - i/2
		for e := 1; e <= epochs; e++ {
			loss := float64(3-i) / float64(e)
			r.Epochs = append(r.Epochs, experiments.Metrics{Epoch: e, Step: 10 * e, TrainLoss: loss, TrainAcc: train[i], TestAcc: test[i]})
			r.LossStep, r.Loss = append(r.LossStep, float64(10*e)), append(r.Loss, loss)
		}
		runs = append(runs, r)
	}
	return runs
}

// TestGroupRuns_MedianAndRange: three seeds of one row give one group whose spreads are the
// exact median and range of the numbers put in, and one table row that shows them.
func TestGroupRuns_MedianAndRange(t *testing.T) {
	runs := seedRuns()
	other := runs[0]
	other.Config.Name = "true labels"
	runs = append(runs, other)
	groups := GroupRuns(runs)
	if len(groups) != 2 || len(groups[0].Runs) != 3 || len(groups[1].Runs) != 1 {
		t.Fatalf("groups %d (sizes %d...), want the three seeds and the other row", len(groups), len(groups[0].Runs))
	}
	g := groups[0]
	for name, c := range map[string]struct{ got, want Spread }{
		"train": {g.Train(), Spread{Median: 0.95, Min: 0.90, Max: 1.00, N: 3}},
		"test":  {g.Test(), Spread{Median: 0.20, Min: 0.10, Max: 0.40, N: 3}},
		"fit":   {g.Fit(), Spread{Median: 200, Min: 100, Max: 300, N: 3}},
	} {
		if c.got != c.want {
			t.Errorf("%s: %+v, want %+v", name, c.got, c.want)
		}
	}
	if m := g.FitMark(); m != 200 {
		t.Errorf("fit mark %v, want 200", m)
	}
	rows := Rows(runs)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want one per group (2)", len(rows))
	}
	r := rows[0]
	want := Row{Run: "random labels", Train: "95.00\n[90.00–100.00]", Test: "20.00\n[10.00–40.00]",
		FitStep: "200\n[100–300]", Seeds: "3", Status: "3 done"}
	if r.Run != want.Run || r.Train != want.Train || r.Test != want.Test || r.FitStep != want.FitStep || r.Seeds != want.Seeds || r.Status != want.Status {
		t.Errorf("row %+v, want %+v", r, want)
	}
	// A group of one looks as a single run always did.
	if one := rows[1]; one.Train != "90.00" || one.Test != "20.00" || one.FitStep != "300" || one.Seeds != "1" {
		t.Errorf("single-seed row %+v", one)
	}
	// Even counts take the mean of the middle two.
	if s := SpreadOf([]float64{4, 1, math.NaN(), 2, 3}); s != (Spread{Median: 2.5, Min: 1, Max: 4, N: 4}) {
		t.Errorf("SpreadOf even: %+v", s)
	}
}

// TestGroupRuns_UnfittedSeed: a group with one seed that never fitted says "2 of 3 fitted" and
// gives the median and range of the two that did; its mark still shows (two of three is a
// majority), and with two of three unfitted there is none.
func TestGroupRuns_UnfittedSeed(t *testing.T) {
	runs := seedRuns()
	runs[0].FitStep = -1 // the 300-step seed never fits
	runs[0].Summary = &experiments.Summary{Status: experiments.StatusDone, FitStep: -1}
	g := GroupRuns(runs)[0]
	if f := g.Fit(); f != (Spread{Median: 150, Min: 100, Max: 200, N: 2}) {
		t.Errorf("fit spread %+v, want 150 [100–200] over 2", f)
	}
	if c := Rows(runs)[0].FitStep; c != "2 of 3 fitted: 150 [100–200]" {
		t.Errorf("fit cell %q", c)
	}
	if m := g.FitMark(); m != 150 {
		t.Errorf("mark %v, want 150", m)
	}
	runs[1].FitStep = -1
	if m := GroupRuns(runs)[0].FitMark(); !math.IsNaN(m) {
		t.Errorf("mark %v with one seed of three fitted, want none", m)
	}
	runs[1].Done, runs[1].Summary = false, nil
	if s := Rows(runs)[0].Status; s != "2 done, 1 running" {
		t.Errorf("status %q, want 2 done, 1 running", s)
	}
	if c := Rows(runs)[0].FitStep; c != "1 of 3 fitted: 200" {
		t.Errorf("fit cell %q", c)
	}
	runs[2].FitStep = -1
	if c := Rows(runs)[0].FitStep; c != "–" {
		t.Errorf("fit cell %q with no seed fitted, want –", c)
	}
}

// TestLossChart_BandContainsEachSeed: the loss chart draws one series per group, its median
// curve, with a band that holds every seed's curve at each of its points; the mark is the
// median time to fit.
func TestLossChart_BandContainsEachSeed(t *testing.T) {
	runs := seedRuns()
	c := LossChart(runs)
	if len(c.Series) != 1 {
		t.Fatalf("%d series, want one for the group", len(c.Series))
	}
	s := c.Series[0]
	if len(s.Lo) != len(s.X) || len(s.Hi) != len(s.X) {
		t.Fatalf("band of %d/%d points for %d x", len(s.Lo), len(s.Hi), len(s.X))
	}
	if s.Mark != 200 || !strings.Contains(c.Title, "median over seeds") {
		t.Errorf("mark %v, title %q", s.Mark, c.Title)
	}
	for _, r := range runs {
		for j, x := range r.LossStep {
			k := -1
			for i, bx := range s.X {
				if bx == x {
					k = i
				}
			}
			if k < 0 {
				t.Fatalf("seed %d: step %v not on the band", r.Config.Seed, x)
			}
			if y := r.Loss[j]; y < s.Lo[k] || y > s.Hi[k] {
				t.Errorf("seed %d at step %v: loss %v outside [%v, %v]", r.Config.Seed, x, y, s.Lo[k], s.Hi[k])
			}
		}
	}
	// At step 10 the three losses are 3, 2, 1: median 2, range [1, 3]. At 50 only two seeds
	// reach: 3/5 and 2/5, median their mean.
	if s.Y[0] != 2 || s.Lo[0] != 1 || s.Hi[0] != 3 {
		t.Errorf("step 10: %v [%v, %v], want 2 [1, 3]", s.Y[0], s.Lo[0], s.Hi[0])
	}
	if n := len(s.X) - 1; s.X[n] != 50 || math.Abs(s.Y[n]-0.5) > 1e-12 || s.Lo[n] != 0.4 || s.Hi[n] != 0.6 {
		t.Errorf("step %v: %v [%v, %v], want 50: 0.5 [0.4, 0.6]", s.X[n], s.Y[n], s.Lo[n], s.Hi[n])
	}
	// A single seed keeps its own curve and no band.
	one := LossChart(runs[:1]).Series[0]
	if one.Lo != nil || len(one.X) != 5 || one.Y[0] != 3 || one.Mark != 300 {
		t.Errorf("single seed: %+v", one)
	}
}

// TestSweepCharts_MedianWithRangeBars: seeds of a sweep at one p are one point of Figure 1c,
// their median test error, with a bar from the lowest to the highest.
func TestSweepCharts_MedianWithRangeBars(t *testing.T) {
	var runs []Run
	for _, p := range []float64{0, 1} {
		for i, r := range seedRuns() {
			r.Config.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
			r.FitStep = []int{300, 100, 200}[i] * int(1+p)
			runs = append(runs, r)
		}
	}
	fit, test := SweepCharts(runs)
	// The model's points, then the paper's ends of Figure 1c for it.
	if len(test.Series) != 2 || len(test.Series[0].X) != 2 || !test.Series[1].Points || !strings.HasPrefix(test.Series[1].Name, "paper") {
		t.Fatalf("Figure 1c: %+v, want one model with two points and the paper's", test.Series)
	}
	ts := test.Series[0]
	// Test accuracy 0.2, 0.1, 0.4: errors 80, 90, 60.
	if ts.Y[0] != 80 || ts.Lo[0] != 60 || ts.Hi[0] != 90 {
		t.Errorf("1c at p=0: %v [%v, %v], want 80 [60, 90]", ts.Y[0], ts.Lo[0], ts.Hi[0])
	}
	fs := fit.Series[0]
	// Relative to the median at p = 0 (200): p = 1 fits at 600, 200, 400.
	if fs.Y[0] != 1 || fs.Y[1] != 2 || fs.Lo[1] != 1 || fs.Hi[1] != 3 {
		t.Errorf("1b: %v, lo %v, hi %v; want 1, 2 [1, 3]", fs.Y, fs.Lo, fs.Hi)
	}
}

// TestCharts_SeedBandsDrawn: a chart with a band renders (the band's polygon and the bars do
// not break the plot) and differs from the same chart without its band.
func TestCharts_SeedBandsDrawn(t *testing.T) {
	c := LossChart(seedRuns())
	with := c.Render(Light(), DefaultSize)
	c.Series[0].Lo, c.Series[0].Hi = nil, nil
	without := c.Render(Light(), DefaultSize)
	diff := 0
	for i := range with.Pix {
		if with.Pix[i] != without.Pix[i] {
			diff++
		}
	}
	if diff == 0 {
		t.Error("the band changes no pixel")
	}
}

// TestSeedCharts_Golden draws two groups of three seeds (the loss bands, the accuracy bands,
// Figure 1c's range bars and the table) against golden images; -regen rewrites them.
func TestSeedCharts_Golden(t *testing.T) {
	var runs []Run
	for g, p := range []float64{0, 1} {
		for _, r := range seedRuns() {
			r.Config.Name = []string{"true labels", "random labels"}[g]
			r.Config.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
			for i := range r.Loss {
				r.Loss[i] *= 1 + p
			}
			runs = append(runs, r)
		}
	}
	f := Charts(runs)
	sz := Size{W: 400, H: 200}
	for _, c := range []struct {
		name  string
		chart Chart
	}{{"loss-seeds.png", f.Loss}, {"accuracy-seeds.png", f.Accuracy}, {"fig1c-seeds.png", f.TestError}} {
		cmpimg.CheckPlotApprox(writeGolden(t, c.name, func() ([]byte, error) { return EncodePNG(c.chart.Render(Light(), sz)) }), t, 0.01, c.name)
	}
	cmpimg.CheckPlotApprox(writeGolden(t, "table-seeds.png", func() ([]byte, error) { return EncodePNG(TableImage(Rows(runs), Light())) }), t, 0.01, "table-seeds.png")
}
