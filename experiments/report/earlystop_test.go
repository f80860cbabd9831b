package report

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/experiments/earlystop"
)

// earlyRuns are finished runs of the quick early-stopping preset at p = 0 and 0.4 over seeds
// 1, 2, 3, 10 evaluations of 10 steps each: at p = 0 test accuracy rises to 0.90 + 0.01*seed
// at the end (gain 0); at p = 0.4 it peaks at 0.80 at step 20*seed and ends at 0.80 - 0.05*seed
// (gains 5, 10 and 15 points). Every run fits at step 50 + 10*seed; a seventh run, p = 0.4 seed
// 4, is still going and must be left out of the numbers.
func earlyRuns() []Run {
	var runs []Run
	for _, seed := range []uint64{1, 2, 3, 4} {
		for _, p := range []float64{0, 0.4} {
			if seed == 4 && p == 0 {
				continue
			}
			c := experiments.DefaultConfig()
			c.Name, c.Preset, c.Seed = earlystop.RunName(p), earlystop.QuickID, seed
			c.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
			fit := 50 + 10*int(seed)
			r := Run{Config: c, ID: c.Name + "-" + string(rune('0'+seed)), FitStep: fit, Started: true, Done: seed < 4}
			s := float64(seed)
			for e := 1; e <= 10; e++ {
				step := 10 * e
				test := 0.50 + (0.40+0.01*s)*float64(e)/10 // p = 0: rising to the end
				if p > 0 {
					peak := 2 * int(seed)
					switch {
					case e < peak:
						test = 0.80 - 0.02*float64(peak-e)
					case e == peak:
						test = 0.80
					default:
						test = 0.80 - 0.05*s*float64(e-peak)/float64(10-peak)
					}
				}
				train := math.Min(1, float64(step)/float64(fit))
				r.Epochs = append(r.Epochs, experiments.Metrics{Epoch: e, Step: step, TrainAcc: train, TestAcc: test, TrainLoss: 1 - train})
				r.LossStep, r.Loss = append(r.LossStep, float64(step)), append(r.Loss, 1-train)
			}
			if r.Done {
				r.Summary = &experiments.Summary{Status: experiments.StatusDone, FitStep: fit, Epochs: 10, Steps: 100}
			}
			runs = append(runs, r)
		}
	}
	return runs
}

// The four charts draw the runs' numbers: one median test curve per p with its fit marked, and
// against p the best and final accuracy, the peak and fit steps and the gain, each point the
// median of the finished seeds with their range; every point and band lies inside its axes.
func TestEarlyStopFigures_DrawTheirData(t *testing.T) {
	runs := earlyRuns()
	if !IsEarlyStop(runs) {
		t.Fatal("runs of the quick preset are not an early-stopping experiment")
	}
	f := FiguresOf(runs)
	named := f.Named()
	if len(named) != 4 || named[0].Name != "earlystop-test-curves" || named[3].Name != "earlystop-gain" || !f.Sweep {
		t.Fatalf("figures %v, sweep %v", names(named), f.Sweep)
	}
	curves := named[0].Chart
	// The curves are live: the run still going counts there (fit marks 60, 70, 80 and 90).
	if len(curves.Series) != 2 || curves.Series[0].Name != "p = 0" || curves.Series[1].Mark != 75 {
		t.Errorf("test curves: %d series, first %q, p = 0.4 fit mark %g; want 2, p = 0, 75 (median of 60, 70, 80, 90)",
			len(curves.Series), curves.Series[0].Name, curves.Series[1].Mark)
	}
	gain := named[3].Chart.Series[0]
	if !slices.Equal(gain.X, []float64{0, 0.4}) || !close(gain.Y, []float64{0, 10}) || !close(gain.Lo, []float64{0, 5}) || !close(gain.Hi, []float64{0, 15}) {
		t.Errorf("gain series x %v, y %v, range %v to %v; want [0 0.4], [0 10], [0 5], [0 15]", gain.X, gain.Y, gain.Lo, gain.Hi)
	}
	steps := named[2].Chart
	if peak, fit := steps.Series[0], steps.Series[1]; !close(peak.Y, []float64{100, 40}) || !close(peak.Lo, []float64{100, 20}) ||
		!close(fit.Y, []float64{70, 70}) || !close(fit.Hi, []float64{80, 80}) {
		t.Errorf("steps: peak %v [%v], fit %v [%v]; want peak 100, 40 (from 20), fit 70, 70 (to 80)", peak.Y, peak.Lo, fit.Y, fit.Hi)
	}
	bf := named[1].Chart
	if best, final := bf.Series[0], bf.Series[1]; !close(best.Y, []float64{92, 80}) || !close(final.Y, []float64{92, 70}) {
		t.Errorf("best %v, final %v; want [92 80], [92 70]", best.Y, final.Y)
	}
	for _, nc := range named {
		checkContains(t, nc.Name, nc.Chart)
		checkBands(t, nc.Name, nc.Chart)
	}
}

// One finished run, of a single evaluation, still gives all four charts, each with its point.
func TestEarlyStopFigures_OneRunOneEvaluation(t *testing.T) {
	r := earlyRuns()[1]
	r.Epochs, r.LossStep, r.Loss = r.Epochs[:1], r.LossStep[:1], r.Loss[:1]
	r.FitStep, r.Summary.FitStep = -1, -1
	f := EarlyStopFigures([]Run{r})
	for _, nc := range f.Named()[1:] {
		n := 0
		for _, s := range nc.Chart.Series {
			n += len(s.X)
		}
		if nc.Name != "earlystop-steps" && n == 0 {
			t.Errorf("%s draws no point", nc.Name)
		}
		checkContains(t, nc.Name, nc.Chart)
	}
	if g := f.Named()[3].Chart.Series[0]; len(g.Y) != 1 || g.Y[0] != 0 {
		t.Errorf("gain of one evaluation: %v, want [0]", g.Y)
	}
	if fit := f.Named()[2].Chart.Series[1]; len(fit.X) != 0 {
		t.Errorf("a run that never fitted has a fit point at %v", fit.X)
	}
}

// An export writes the four charts and the two CSV tables, whose numbers are the analysis's.
func TestEarlyStopFigures_ExportWritesTheirTables(t *testing.T) {
	runs := earlyRuns()
	dir := t.TempDir()
	files, err := Export{Figures: FiguresOf(runs), Table: Rows(runs), Runs: runs}.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"earlystop-test-curves.png", "earlystop-gain.png", "earlystop-gain.svg", "earlystop-runs.csv", "earlystop-levels.csv"} {
		if !slices.Contains(files, filepath.Join(dir, want)) {
			t.Errorf("%s not written (files %v)", want, files)
		}
	}
	levels := readCSV(t, filepath.Join(dir, "earlystop-levels.csv"))
	if len(levels) != 3 {
		t.Fatalf("levels table has %d rows, want a header and 2", len(levels))
	}
	col := slices.Index(levels[0], "gain_median")
	if col < 0 || levels[2][0] != "0.4" || levels[2][1] != "3" || levels[2][col] != "0.1" || levels[2][col+1] != "0.05" || levels[2][col+2] != "0.15" {
		t.Errorf("levels row of p = 0.4: %v (header %v); want 3 runs, gain 0.1 [0.05, 0.15]", levels[2], levels[0])
	}
	rows := readCSV(t, filepath.Join(dir, "earlystop-runs.csv"))
	if len(rows) != 7 {
		t.Errorf("runs table has %d rows, want a header and the 6 finished runs", len(rows))
	}
}

func names(ncs []NamedChart) []string {
	var out []string
	for _, nc := range ncs {
		out = append(out, nc.Name)
	}
	return out
}

func close(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9 {
			return false
		}
	}
	return true
}

// checkBands fails when a range band or bar of c leaves its axes.
func checkBands(t *testing.T, name string, c Chart) {
	t.Helper()
	p := c.build(Light(), DefaultSize)
	for _, s := range c.Series {
		for i := range min(len(s.Lo), len(s.Hi)) {
			if s.Lo[i] < p.Y.Min || s.Hi[i] > p.Y.Max {
				t.Errorf("%s: range [%g, %g] of %q outside y [%g, %g]", name, s.Lo[i], s.Hi[i], s.Name, p.Y.Min, p.Y.Max)
			}
		}
	}
	for _, r := range c.Refs {
		if r.Y < p.Y.Min || r.Y >= p.Y.Max {
			t.Errorf("%s: reference line %q at %g not inside y [%g, %g)", name, r.Label, r.Y, p.Y.Min, p.Y.Max)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Runs the history reopened carry names of their own ("p = 0.4 @16:30:36"): the curves still
// group them by p over their seeds, in ascending p, named by p; a cancelled run is left out.
func TestEarlyStopFigures_CurvesGroupByP(t *testing.T) {
	runs := earlyRuns()
	for i := range runs {
		runs[i].Config.Name += " @" + runs[i].ID
	}
	cancelled := runs[0]
	cancelled.Config.Randomization.P = 0.2
	cancelled.Summary = &experiments.Summary{Status: experiments.StatusCancelled}
	runs = append(runs, cancelled) // a run a resume started again: not a curve of its own
	slices.Reverse(runs)
	c := EarlyStopFigures(runs).Loss
	if len(c.Series) != 2 || c.Series[0].Name != "p = 0" || c.Series[1].Name != "p = 0.4" || len(c.Series[1].Lo) == 0 {
		var got []string
		for _, s := range c.Series {
			got = append(got, s.Name)
		}
		t.Errorf("curves %q; want p = 0 and p = 0.4, each a median with its range", got)
	}
}
