package report

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"testing"

	"rethink/experiments"
	"rethink/experiments/archnoise"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// archRun is an ended "archnoise" run of a at p with seed, its final test accuracy test,
// fitted at step fit (-1: not) after fit/100 seconds.
func archRun(a tfgraph.Architecture, p float64, seed uint64, test float64, fit int) Run {
	c := experiments.DefaultConfig()
	c.Kind, c.Model, c.Seed = archnoise.Kind, a, seed
	c.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
	step := 400
	if fit >= 0 {
		step = fit
	}
	r := Run{Config: c, FitStep: fit, Started: true, Done: true,
		Epochs:  []experiments.Metrics{{Epoch: 1, Step: step, TrainAcc: 1, TestAcc: test, Seconds: float64(step) / 100}},
		Summary: &experiments.Summary{Status: experiments.StatusDone, Epochs: 1, FitStep: fit, FinalTestAcc: test, FinalTrainAcc: 1}}
	return r
}

// archSweep is two networks at p = 0, 0.5, 1 over three seeds: the strong one keeps its signal
// and fits everything, the weak one loses it and never fits the noise; a run still going and a
// run of the strong network at p = 0.5 that failed count nowhere.
func archSweep() []Run {
	strong, weak := tfgraph.Architecture{Arch: tfgraph.AlexNet}, tfgraph.Architecture{Arch: tfgraph.MLP}
	var runs []Run
	for seed := uint64(1); seed <= 3; seed++ {
		d := 0.01 * float64(seed)
		runs = append(runs,
			archRun(strong, 0, seed, 0.9+d, 100), archRun(strong, 0.5, seed, 0.7+d, 200), archRun(strong, 1, seed, 0.1+d, 300*int(seed)),
			archRun(weak, 0, seed, 0.5+d, 50), archRun(weak, 0.5, seed, 0.2+d, -1), archRun(weak, 1, seed, 0.1, -1))
	}
	live := archRun(strong, 0.5, 4, 0.01, -1)
	live.Done, live.Summary = false, nil
	failed := archRun(strong, 0.5, 5, 0.01, -1)
	failed.Summary.Status = experiments.StatusFailed
	return append(runs, live, failed)
}

// TestArchFigures_DataInTheirAxes: the four figures hold the medians over the seeds of each
// network at each p (the share of signal kept against p with its range, the test accuracy, the
// steps and seconds to fit where most seeds fitted), every point inside the axes, and the
// memorizer's line 1 - p and chance as references.
func TestArchFigures_DataInTheirAxes(t *testing.T) {
	f := ArchFigures(archSweep())
	if !f.Sweep || f.Names == nil || f.Choices == nil || f.Names[0] != "archnoise-signal-kept" {
		t.Fatalf("figures: sweep %v, names %v, views %v", f.Sweep, f.Names, f.Choices)
	}
	for _, nc := range f.Named() {
		checkContains(t, nc.Name, nc.Chart)
		if len(nc.Chart.Series) != 2 {
			t.Errorf("%s: %d series, want one per network", nc.Name, len(nc.Chart.Series))
		}
	}
	sig := f.Loss
	if len(sig.Refs) < 1 || sig.Refs[0].Y != 1 || sig.Refs[0].Slope != -1 {
		t.Errorf("signal figure refs %+v: want the line 1 - p", sig.Refs)
	}
	s := sig.Series[0]                             // AlexNet: acc0 0.91, 0.92, 0.93; at 0.5: 0.71, 0.72, 0.73
	want := []float64{1, 0.62 / 0.82, 0.02 / 0.82} // medians: seed 2's shares
	if s.Name != "AlexNet, fits 3/3" || len(s.X) != 3 || s.X[1] != 0.5 {
		t.Fatalf("AlexNet's series: %+v", s)
	}
	for i, w := range want {
		if math.Abs(s.Y[i]-w) > 1e-9 {
			t.Errorf("AlexNet's share at p=%g: %g, want %g", s.X[i], s.Y[i], w)
		}
	}
	if math.Abs(s.Lo[2]-0.01/0.81) > 1e-9 || math.Abs(s.Hi[2]-0.03/0.83) > 1e-9 {
		t.Errorf("AlexNet's range at p=1: [%g, %g], want [%g, %g]", s.Lo[2], s.Hi[2], 0.01/0.81, 0.03/0.83)
	}
	if w := sig.Series[1]; w.Name != "Softmax regression, fits 1/3" || math.Abs(w.Y[1]-0.12/0.42) > 1e-9 {
		t.Errorf("the weak network's series: %+v", w)
	}
	if te := f.Accuracy.Series[0]; math.Abs(te.Y[0]-92) > 1e-9 || math.Abs(te.Lo[0]-91) > 1e-9 || math.Abs(te.Hi[0]-93) > 1e-9 {
		t.Errorf("test accuracy at p=0: %+v", te)
	}
	if fs := f.Fit.Series; len(fs[0].X) != 3 || fs[0].Y[2] != 600 || fs[0].Lo[2] != 300 || fs[0].Hi[2] != 900 || len(fs[1].X) != 1 {
		t.Errorf("steps to fit: %+v", fs)
	}
	for _, c := range []Chart{f.Fit, f.TestError} {
		p := c.build(Light(), DefaultSize)
		for _, s := range c.Series {
			for _, hi := range s.Hi {
				if hi > p.Y.Max {
					t.Errorf("%s: range bar up to %g above the axis (%g)", c.Title, hi, p.Y.Max)
				}
			}
		}
	}
	if cs := f.TestError.Series[0]; cs.Y[2] != 6 {
		t.Errorf("seconds to fit at p=1: %+v, want the median 6", cs)
	}
	if len(ArchFigures(nil).Loss.Series) != 0 || *FiguresOf(archSweep()).Names != *f.Names {
		t.Error("no runs should give empty figures; FiguresOf should dispatch to ArchFigures")
	}
}

// TestArchExport_WritesTheFiguresAndCSVs: the export of the sweep writes its four figures and
// the two CSVs of measures, the per-network one with the medians the figure shows.
func TestArchExport_WritesTheFiguresAndCSVs(t *testing.T) {
	dir := t.TempDir()
	runs := archSweep()
	files, err := Export{Figures: ArchFigures(runs), Table: Rows(runs), Runs: runs, Size: Size{W: 500, H: 300}}.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"archnoise-signal-kept.png", "archnoise-fit-seconds.svg", "archnoise.csv", "archnoise-runs.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not written (%v): %v", name, files, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "archnoise.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 7 || rows[2][0] != "AlexNet" || rows[2][1] != "0.5" || rows[2][2] != "3" || rows[2][11] != "0.756098" {
		t.Errorf("archnoise.csv: %v, %v", rows, err)
	}
}
