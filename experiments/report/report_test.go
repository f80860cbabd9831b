package report

import (
	"bytes"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"rethink/experiments"
	"rethink/experiments/data"
)

// testRuns are three finished runs of a small sweep (p = 0, 0.5, 1) with made-up metrics.
func testRuns() []Run {
	var runs []Run
	for i, p := range []float64{0, 0.5, 1} {
		cfg := experiments.DefaultConfig()
		cfg.Name = []string{"a-p0", "b-p05", "c-p1"}[i]
		cfg.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
		r := Run{Config: cfg, FitStep: 40 * (i + 1), Started: true, Done: true}
		for e := 1; e <= 5*(i+1); e++ {
			step := 8 * e
			r.Epochs = append(r.Epochs, experiments.Metrics{Epoch: e, Step: step, TrainLoss: 2 / float64(e),
				TrainAcc: math.Min(1, float64(e)/float64(5*(i+1))), TestAcc: 0.9 - 0.4*p})
			r.LossStep, r.Loss = append(r.LossStep, float64(step)), append(r.Loss, 2/float64(e))
		}
		runs = append(runs, r)
	}
	runs[1].Loss[2] = math.NaN() // a diverged point is dropped, not drawn
	return runs
}

// dark is a theme-like style, to check that the colours passed in are the ones drawn.
var dark = Style{Background: color.RGBA{0x20, 0x20, 0x24, 0xff}, Foreground: color.RGBA{0xee, 0xee, 0xee, 0xff},
	Grid: color.RGBA{0x44, 0x44, 0x48, 0xff}, Palette: []color.RGBA{{0x60, 0xa0, 0xff, 0xff}, {0xff, 0x80, 0x60, 0xff}}}

// writeGolden renders into testdata/name.png for cmpimg.CheckPlot.
func writeGolden(t *testing.T, name string, png func() ([]byte, error)) func() {
	return func() {
		b, err := png()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCharts_Golden draws each figure and compares it with its golden image, the gonum/plot
// way: go test ./experiments/report -regen rewrites testdata/*_golden.png after a deliberate
// change (look at them before committing).
func TestCharts_Golden(t *testing.T) {
	runs := testRuns()
	f := Charts(runs)
	if !f.Sweep {
		t.Fatal("runs with p = 0, 0.5, 1 are not seen as a sweep")
	}
	sz := Size{W: 400, H: 200}
	for _, c := range []struct {
		name  string
		chart Chart
		st    Style
	}{
		{"loss.png", f.Loss, Light()},
		{"accuracy.png", f.Accuracy, Light()},
		{"fig1b.png", f.Fit, Light()},
		{"fig1c.png", f.TestError, Light()},
		{"loss-dark.png", f.Loss, dark},
		{"empty.png", LossChart(nil), Light()},
	} {
		cmpimg.CheckPlotApprox(writeGolden(t, c.name, func() ([]byte, error) { return EncodePNG(c.chart.Render(c.st, sz)) }), t, 0.01, c.name)
	}
	cmpimg.CheckPlotApprox(writeGolden(t, "table.png", func() ([]byte, error) { return EncodePNG(TableImage(Rows(runs), Light())) }), t, 0.01, "table.png")
}

func TestRender_SizeAndColours(t *testing.T) {
	img := LossChart(testRuns()).Render(dark, Size{W: 210, H: 90})
	if b := img.Bounds(); b.Dx() != 210 || b.Dy() != 90 {
		t.Errorf("rendered %v, want 210x90", b)
	}
	if got := img.RGBAAt(0, 0); got != dark.Background {
		t.Errorf("corner pixel %v, want the style's background %v", got, dark.Background)
	}
	found := false
	for i := 0; i < len(img.Pix); i += 4 {
		if c := (color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3]}); c == dark.Palette[1] {
			found = true
			break
		}
	}
	if !found {
		t.Error("the second run is not drawn in the palette's second colour")
	}
}

func TestWriteSVG_UsesStyle(t *testing.T) {
	var b bytes.Buffer
	if err := AccuracyChart(testRuns()).WriteSVG(&b, dark, Size{W: 300, H: 120}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("stroke:#60A0FF")) {
		t.Error("the SVG does not use the palette's first colour #60A0FF")
	}
}

func TestRows_PaperAndStatus(t *testing.T) {
	runs := testRuns()
	runs[0].Paper = &experiments.PaperRow{Row: "a-p0", Train: 100, Test: 50.51}
	runs[2].Done, runs[2].Started = false, true
	rows := Rows(runs)
	if rows[0].PaperTest != "50.51" || rows[0].PaperTrain != "100.00" {
		t.Errorf("paper columns %q %q, want 100.00 50.51", rows[0].PaperTrain, rows[0].PaperTest)
	}
	if rows[1].PaperTest != "–" {
		t.Errorf("a run without a paper row shows %q", rows[1].PaperTest)
	}
	if rows[2].Status != "running" || rows[0].Status != "done" {
		t.Errorf("statuses %q %q, want done and running", rows[0].Status, rows[2].Status)
	}
	if rows[1].Data != "mnist all, p=0.5" {
		t.Errorf("data label %q", rows[1].Data)
	}
}
