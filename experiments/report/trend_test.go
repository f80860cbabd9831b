package report

import (
	"math"
	"strings"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// TestSpearman: known values, ties by mean rank, and NaN where it is undefined.
func TestSpearman(t *testing.T) {
	for _, c := range []struct {
		x, y []float64
		want float64
	}{
		{[]float64{0, 1, 2, 3}, []float64{10, 20, 30, 40}, 1},
		{[]float64{0, 1, 2, 3}, []float64{4, 3, 2, 1}, -1},
		// Ranks of y: 1, 3, 2, 4; sum of d^2 = 2: 1 - 6*2/(4*15) = 0.8.
		{[]float64{0, 1, 2, 3}, []float64{5, 9, 7, 11}, 0.8},
		// The "jump then flat": ties among the last four give their mean rank.
		{[]float64{0, 0.2, 0.4, 0.6, 0.8, 1}, []float64{48, 140, 112, 156, 112, 112}, 0.2125},
		{[]float64{0, 1}, []float64{3, 3}, math.NaN()},
		{[]float64{0}, []float64{1}, math.NaN()},
		{[]float64{0, 1}, []float64{1}, math.NaN()},
	} {
		got := Spearman(c.x, c.y)
		if math.IsNaN(c.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-c.want) > 0.001 {
			t.Errorf("Spearman(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

// sweepRuns are finished runs of a sweep of MLP 1x512 over p = 0, 0.5, 1 and seeds, fitted at
// the given steps (-1: not fitted).
func sweepRuns(fits map[float64][]int) []Run {
	var runs []Run
	for _, p := range []float64{0, 0.5, 1} {
		for i, f := range fits[p] {
			c := experiments.DefaultConfig()
			c.Model = tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{512}}
			c.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
			c.Seed = uint64(i + 1)
			runs = append(runs, Run{Config: c, FitStep: f, Started: true, Done: true,
				Epochs: []experiments.Metrics{{Epoch: 1, Step: 10, TestAcc: 1 - 0.8*p}}})
		}
	}
	return runs
}

// TestFitTrends: medians over seeds, their rank correlation with p and the ratio at p = 1
// come from the runs; a level where most seeds did not fit has no median and is left out of
// the correlation; the legend of Figure 1b shows it; the paper's ends are on Figure 1c.
func TestFitTrends(t *testing.T) {
	rising := sweepRuns(map[float64][]int{0: {100, 120, 90}, 0.5: {300, 150, 200}, 1: {260, 400, 250}})
	tr := FitTrends(rising)
	if len(tr) != 1 {
		t.Fatalf("%d trends, want one for the one model", len(tr))
	}
	got := tr[0]
	if got.Model != "MLP 1x512" || !equal(got.P, []float64{0, 0.5, 1}) || !equal(got.Steps, []float64{100, 200, 260}) {
		t.Errorf("trend %+v, want medians 100, 200, 260 at p = 0, 0.5, 1", got)
	}
	if got.Spearman != 1 || got.Ratio != 2.6 || !got.Rises(0.9) {
		t.Errorf("Spearman %v, ratio %v, rises %v; want 1, 2.6, true", got.Spearman, got.Ratio, got.Rises(0.9))
	}
	if s := got.String(); !strings.Contains(s, "100, 200, 260") || !strings.Contains(s, "Spearman 1.00") || !strings.Contains(s, "2.6x") {
		t.Errorf("trend text %q", s)
	}
	fit, test := SweepCharts(rising)
	if len(fit.Series) != 1 || !strings.Contains(fit.Series[0].Name, "Spearman 1.00") {
		t.Errorf("Figure 1b legend %v does not show the rank correlation", fit.Series)
	}
	var paper *Series
	for i := range test.Series {
		if strings.HasPrefix(test.Series[i].Name, "paper") {
			paper = &test.Series[i]
		}
	}
	if paper == nil || !equal(paper.X, []float64{0, 1}) || math.Abs(paper.Y[0]-49.49) > 1e-9 || math.Abs(paper.Y[1]-89.39) > 1e-9 {
		t.Errorf("Figure 1c has no paper points for MLP 1x512 at 49.49%% and 89.39%%: %+v", paper)
	}

	// A sweep of a preset shows the paper's points of the preset's networks too (Inception,
	// AlexNet and MLP 1x512 for Figure 1b), ours first.
	named := sweepRuns(map[float64][]int{0: {100}, 0.5: {200}, 1: {300}})
	for i := range named {
		named[i].Config.Preset = "fig1bc-quick"
	}
	_, test = SweepCharts(named)
	var names []string
	for _, s := range test.Series {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, "; "); got != "MLP 1x512; paper, MLP 1x512 (CIFAR-10); paper, Inception (CIFAR-10); paper, AlexNet (CIFAR-10)" {
		t.Errorf("Figure 1c of a fig1bc-quick sweep: series %s", got)
	}

	// A seed that did not fit counts as the slowest: medians 100, 300 (not 200), 400.
	slow := sweepRuns(map[float64][]int{0: {100, 100, 100}, 0.5: {200, 300, -1}, 1: {400, 400, 400}})
	if s := FitTrends(slow)[0]; !equal(s.Steps, []float64{100, 300, 400}) {
		t.Errorf("unfitted seed: medians %v, want 100, 300, 400", s.Steps)
	}

	// A cancelled run that had not fitted says nothing of its time: medians 100, 250, 400.
	cancelled := sweepRuns(map[float64][]int{0: {100, 100, 100}, 0.5: {200, 300, -1}, 1: {400, 400, 400}})
	for i := range cancelled {
		if cancelled[i].FitStep < 0 {
			cancelled[i].Summary = &experiments.Summary{Status: experiments.StatusCancelled, FitStep: -1}
		}
	}
	if s := FitTrends(cancelled)[0]; !equal(s.Steps, []float64{100, 250, 400}) {
		t.Errorf("cancelled seed: medians %v, want 100, 250, 400", s.Steps)
	}

	// Falling medians give a negative correlation and do not count as rising.
	falling := sweepRuns(map[float64][]int{0: {300, 300, 300}, 0.5: {200, 200, 200}, 1: {100, 100, 100}})
	if f := FitTrends(falling)[0]; f.Spearman != -1 || f.Rises(0.5) {
		t.Errorf("falling: %+v, want Spearman -1, not rising", f)
	}
	// p = 0.5 with two of three seeds unfitted: no median there, two levels left, no correlation.
	gap := sweepRuns(map[float64][]int{0: {100, 100, 100}, 0.5: {-1, -1, 300}, 1: {400, 400, 400}})
	g := FitTrends(gap)[0]
	if !math.IsNaN(g.Steps[1]) || !math.IsNaN(g.Spearman) || g.Ratio != 4 || g.Rises(0.5) {
		t.Errorf("unfitted level: %+v, want no median at p = 0.5, no correlation, ratio 4", g)
	}
	if !strings.Contains(g.String(), "not fitted") {
		t.Errorf("trend text %q does not say p = 0.5 did not fit", g.String())
	}
	// Runs that are not a sweep have no trend.
	if tr := FitTrends(seedRuns()); tr != nil {
		t.Errorf("not a sweep: trends %+v", tr)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
