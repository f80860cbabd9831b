package report

import (
	"encoding/json"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"rethink/experiments"
	"rethink/experiments/theory"
)

// theoryRun is a finished run of kind with details v.
func theoryRun(t *testing.T, kind, name string, v any) Run {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	cfg := experiments.DefaultConfig()
	cfg.Kind, cfg.Name = kind, name
	return Run{Config: cfg, Started: true, Done: true, FitStep: -1,
		Summary: &experiments.Summary{Name: name, Status: experiments.StatusDone, Details: b}}
}

// drawnPixels renders c and counts the pixels that are not the white background.
func drawnPixels(c Chart) int {
	img := c.Render(Light(), Size{W: 400, H: 250})
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		if (color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3]}) != (color.RGBA{255, 255, 255, 255}) {
			n++
		}
	}
	return n
}

func TestTheoryFigures(t *testing.T) {
	pts := []theory.Theorem1Point{
		{N: 100, Weights: 984, TwoNPlusD: 984, TrainAcc32: 1, TrainAcc64: 1, TestAcc64: 0.1, MaxResidual32: 0.2, MaxResidual64: 1e-9, MinGap: 4e-5},
		{N: 1000, Weights: 2784, TwoNPlusD: 2784, TrainAcc32: 0.34, TrainAcc64: 1, TestAcc64: 0.09, MaxResidual32: 3000, MaxResidual64: 1e-5, MinGap: 5e-7},
	}
	pic := [][]float64{{0, 0, 0}, {1, 0, 0}, {2, 1, 0}}
	t1 := TheoryFigures([]Run{theoryRun(t, theory.KindTheorem1, "random", theory.Theorem1Details{D: 784, Points: pts, Picture: pic, PictureN: 100})})
	mn := TheoryFigures([]Run{theoryRun(t, theory.KindMinNorm, "from zero", theory.MinNormDetails{NormStar: 2,
		Curve: []theory.MinNormEpoch{{Epoch: 0, Loss: 0.5, Dist: 1, DistPredicted: 1}, {Epoch: 1, Loss: 1e-3, Dist: 1e-2, DistPredicted: 1e-2, Norm: 1.9}}})})
	kr := TheoryFigures([]Run{
		theoryRun(t, theory.KindKernel, "n = 1000", theory.KernelDetails{N: 1000, TestAcc: 0.92, TestError: 8, Curve: []theory.KernelPoint{{Iter: 1, Residual: 0.3, TrainAcc: 0.99, TestAcc: -1}}}),
		theoryRun(t, theory.KindKernel, "n = 2000", theory.KernelDetails{N: 2000, TestAcc: 0.95, TestError: 5, Curve: []theory.KernelPoint{{Iter: 1, Residual: 0.2, TrainAcc: 1, TestAcc: -1}}}),
	})
	for name, f := range map[string]Figures{"theorem1": t1, "minnorm": mn, "kernel": kr} {
		named := f.Named()
		if len(named) != 4 || !f.Sweep {
			t.Fatalf("%s: %d charts, sweep %v", name, len(named), f.Sweep)
		}
		for _, nc := range named {
			if len(nc.Chart.Series) == 0 && nc.Chart.Grid == nil {
				t.Errorf("%s: chart %s has nothing to draw", name, nc.Name)
			}
			if drawnPixels(nc.Chart) < 2000 {
				t.Errorf("%s: chart %s renders almost blank", name, nc.Name)
			}
		}
	}
	// The paper's point is on the kernel's test-error chart; the kernel runs make one curve.
	errN := kr.Loss
	if len(errN.Series) != 2 || len(errN.Series[0].X) != 2 || errN.Series[1].X[0] != 60000 || errN.Series[1].Y[0] != theory.PaperKernelTestError {
		t.Errorf("test error against n: %+v", errN.Series)
	}
	// Before a run ends there are no details: the charts say they wait, and do not panic on log axes.
	empty := TheoryFigures([]Run{{Config: experiments.Config{Kind: theory.KindKernel}}})
	for _, nc := range empty.Named() {
		nc.Chart.Render(Light(), DefaultSize)
	}
	if FiguresOf([]Run{{Config: experiments.DefaultConfig()}}).Names != nil {
		t.Error("an SGD experiment got theory figures")
	}
}

// TestWriteRunCurves_Theory: the command line's per-run figures of a theory run are its own.
func TestWriteRunCurves_Theory(t *testing.T) {
	dir := t.TempDir()
	r := theoryRun(t, theory.KindMinNorm, "from zero", theory.MinNormDetails{NormStar: 2,
		Curve: []theory.MinNormEpoch{{Epoch: 0, Loss: 0.5, Dist: 1, DistPredicted: 1}, {Epoch: 1, Loss: 1e-3, Dist: 1e-2, DistPredicted: 1e-2, Norm: 1.9}}})
	if err := experiments.WriteJSON(filepath.Join(dir, "config.json"), r.Config); err != nil {
		t.Fatal(err)
	}
	if err := experiments.WriteJSON(filepath.Join(dir, "summary.json"), r.Summary); err != nil {
		t.Fatal(err)
	}
	if err := WriteRunCurves(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"minnorm-distance.png", "minnorm-loss.png", "minnorm-norms.png", "minnorm-distance-predicted.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
