package archnoise

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"testing"

	"rethink/experiments"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestSignalKept_Arithmetic(t *testing.T) {
	cases := []struct {
		accP, acc0, chance, want float64
	}{
		{0.9, 0.9, 0.1, 1},        // all of the signal
		{0.5, 0.9, 0.1, 0.5},      // (0.5 - 0.1) / (0.9 - 0.1)
		{0.1, 0.9, 0.1, 0},        // chance
		{0.05, 0.9, 0.1, -0.0625}, // worse than chance: (0.05 - 0.1) / 0.8
		{0.95, 0.9, 0.1, 1.0625},  // better than clean (noise between seeds)
		{0.3, 0.6, 0.5, -2},       // another chance level: (0.3 - 0.5) / 0.1
	}
	for _, c := range cases {
		got, err := SignalKept(c.accP, c.acc0, c.chance)
		if err != nil || !near(got, c.want) {
			t.Errorf("SignalKept(%g, %g, %g) = %g, %v; want %g", c.accP, c.acc0, c.chance, got, err, c.want)
		}
	}
}

// TestSignalKept_NoCleanSignal: a network at chance on clean labels has no signal to keep a
// share of: the share is NaN with ErrNoCleanSignal, never a division by zero (Inf) or a huge
// quotient of noises.
func TestSignalKept_NoCleanSignal(t *testing.T) {
	for _, acc0 := range []float64{0.1, 0.105, 0.109, 0.05, 0} {
		got, err := SignalKept(0.3, acc0, 0.1)
		if !errors.Is(err, ErrNoCleanSignal) || !math.IsNaN(got) {
			t.Errorf("SignalKept(0.3, %g, 0.1) = %g, %v; want NaN, ErrNoCleanSignal", acc0, got, err)
		}
	}
	if got, err := SignalKept(0.3, 0.1+MinSignal, 0.1); err != nil || math.IsInf(got, 0) || math.IsNaN(got) {
		t.Errorf("at exactly MinSignal above chance: %g, %v; want a finite share", got, err)
	}
	for _, bad := range [][3]float64{{math.NaN(), 0.9, 0.1}, {0.5, math.NaN(), 0.1}, {0.5, 0.9, math.NaN()}, {1.5, 0.9, 0.1}, {0.5, 0.9, -0.1}} {
		got, err := SignalKept(bad[0], bad[1], bad[2])
		if !errors.Is(err, ErrNoAccuracy) || !math.IsNaN(got) {
			t.Errorf("SignalKept(%v) = %g, %v; want NaN, ErrNoAccuracy", bad, got, err)
		}
	}
}

func pt(model string, p float64, seed uint64, test float64, fit int) Point {
	secs := math.NaN()
	if fit >= 0 {
		secs = float64(fit) / 10
	}
	return Point{Model: model, P: p, Seed: seed, TestAcc: test, TrainAcc: 1, FitStep: fit, FitSeconds: secs, Chance: Chance}
}

// TestMeasures_CleanAccuracyOfTheSameSeedOrTheMedian: a run's share is taken against the run of
// its network and seed at p = 0; a seed without one uses the median over the seeds that have
// one; a network without any, or at chance on clean labels, gets NaN with the reason.
func TestMeasures_CleanAccuracyOfTheSameSeedOrTheMedian(t *testing.T) {
	points := []Point{
		pt("A", 0, 1, 0.9, 10), pt("A", 0, 2, 0.7, 12), pt("A", 0, 4, 0.8, 11),
		pt("A", 0.5, 1, 0.5, 20),                         // against seed 1's 0.9: 0.4 / 0.8
		pt("A", 0.5, 3, 0.5, 30),                         // seed 3 has no clean run: median 0.8, 0.4 / 0.7
		pt("B", 0.5, 1, 0.5, -1),                         // B has no clean run at all
		pt("C", 0, 1, 0.1, -1), pt("C", 0.5, 1, 0.3, -1), // C is at chance on clean labels
	}
	ms := Measures(points)
	if len(ms) != len(points) {
		t.Fatalf("%d measures of %d points", len(ms), len(points))
	}
	check := func(i int, want float64, from string) {
		t.Helper()
		m := ms[i]
		if m.Acc0From != from || (math.IsNaN(want) != math.IsNaN(m.SignalKept)) || (!math.IsNaN(want) && !near(m.SignalKept, want)) {
			t.Errorf("measure %d (%s p=%g seed %d): share %g from %q (%s), want %g from %q", i, m.Model, m.P, m.Seed, m.SignalKept, m.Acc0From, m.Why, want, from)
		}
		if !near(m.Memorizer, 1-m.P) {
			t.Errorf("measure %d: memorizer %g, want 1 - p = %g", i, m.Memorizer, 1-m.P)
		}
	}
	check(0, 1, "same seed")
	check(3, 0.5, "same seed")
	check(4, 0.4/0.7, "median of 3 seeds")
	check(5, math.NaN(), "")
	check(7, math.NaN(), "same seed")
	if ms[5].Why != "no run at p = 0" || ms[7].Why != ErrNoCleanSignal.Error() {
		t.Errorf("reasons: %q, %q", ms[5].Why, ms[7].Why)
	}
}

func TestCells_MediansRangesAndFits(t *testing.T) {
	points := []Point{
		pt("A", 0, 1, 0.9, 10), pt("A", 0, 2, 0.7, 20), pt("A", 0, 3, 0.8, 30),
		pt("A", 1, 1, 0.1, 40), pt("A", 1, 2, 0.2, -1), pt("A", 1, 3, 0.3, -1),
		pt("B", 0, 1, 0.5, -1),
	}
	cells := Cells(Measures(points))
	if len(cells) != 3 || cells[0].Model != "A" || cells[0].P != 0 || cells[1].P != 1 || cells[2].Model != "B" {
		t.Fatalf("cells: %+v", cells)
	}
	a0, a1 := cells[0], cells[1]
	if a0.Runs != 3 || a0.Fitted != 3 || !a0.MostFitted() || !near(a0.TestAcc.Median, 0.8) || !near(a0.TestAcc.Min, 0.7) || !near(a0.TestAcc.Max, 0.9) {
		t.Errorf("A at p=0: %+v", a0)
	}
	if !near(a0.FitSteps.Median, 20) || !near(a0.FitSeconds.Max, 3) || !near(a0.SignalKept.Median, 1) {
		t.Errorf("A at p=0 fit and share: %+v", a0)
	}
	// p = 1: shares (0.1-0.1)/0.8 = 0, (0.2-0.1)/0.6, (0.3-0.1)/0.7; one of three fitted.
	if a1.Fitted != 1 || a1.MostFitted() || a1.FitSteps.N != 1 || !near(a1.FitSteps.Median, 40) {
		t.Errorf("A at p=1 fits: %+v", a1)
	}
	if !near(a1.SignalKept.Min, 0) || !near(a1.SignalKept.Median, 0.1/0.6) || !near(a1.SignalKept.Max, 0.2/0.7) || !near(a1.Memorizer, 0) {
		t.Errorf("A at p=1 shares: %+v", a1.SignalKept)
	}
	var b bytes.Buffer
	if err := WriteCellsCSV(&b, cells); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "model" || rows[2][1] != "1" || rows[2][3] != "1" {
		t.Errorf("cells CSV: %v %v", rows, err)
	}
	b.Reset()
	if err := WriteMeasuresCSV(&b, Measures([]Point{pt("D", 0.4, 1, 0.5, -1)})); err != nil {
		t.Fatal(err)
	}
	if rows, err = csv.NewReader(&b).ReadAll(); err != nil || len(rows) != 2 || rows[1][8] != "" || rows[1][6] != "" || rows[1][13] != "no run at p = 0" {
		t.Errorf("measures CSV of a run without a clean one: %v %v", rows, err)
	}
	b.Reset()
	if err := WriteMeasuresCSV(&b, Measures(points)); err != nil {
		t.Fatal(err)
	}
	rows, err = csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 8 || rows[5][10] != "false" || rows[5][11] != "" || rows[5][12] != "" || rows[4][11] != "40" || rows[5][8] != "0.166667" {
		t.Errorf("measures CSV: %v %v", rows, err)
	}
}

func TestPointOf_FitSecondsFromTheMetrics(t *testing.T) {
	rows := []experiments.Metrics{{Epoch: 1, Step: 4, Seconds: 1.5, TestAcc: 0.3}, {Epoch: 2, Step: 8, Seconds: 2.5, TestAcc: 0.4, TrainAcc: 1}}
	rec := experiments.RunRecord{Config: experiments.DefaultConfig(), Metrics: rows,
		Summary: experiments.Summary{Status: experiments.StatusDone, FitStep: 8}}
	p, ok := PointOf(rec)
	if !ok || p.FitSeconds != 2.5 || p.TestAcc != 0.4 || p.TrainAcc != 1 || p.Model != "MLP 1x512" || p.Chance != 0.1 {
		t.Errorf("PointOf: %+v, %v", p, ok)
	}
	if s := FitSeconds(rows, 6); s != 2.5 {
		t.Errorf("a fit found inside epoch 2: %g s, want the epoch's end, 2.5", s)
	}
	if s := FitSeconds(rows, -1); !math.IsNaN(s) {
		t.Errorf("not fitted: %g, want NaN", s)
	}
	rec.Summary.Status = experiments.StatusCancelled
	if _, ok := PointOf(rec); ok {
		t.Error("a cancelled run counts in the measures")
	}
}
