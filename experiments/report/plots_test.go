package report

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"rethink/experiments"
	"rethink/experiments/data"
)

// manyRuns are n finished runs of a sweep, with long names, whose curves fill the plot.
func manyRuns(n int) []Run {
	var runs []Run
	for i := range n {
		cfg := experiments.DefaultConfig()
		cfg.Name = fmt.Sprintf("MLP 1x512, p=%.2f, seed %d", float64(i)/float64(n), i)
		cfg.Randomization = data.Randomization{Mode: data.PartialLabels, P: float64(i) / float64(n)}
		r := Run{Config: cfg, FitStep: 100 * (i + 1), Started: true, Done: true}
		for e := 1; e <= 50; e++ {
			step := 250 * e
			r.Epochs = append(r.Epochs, experiments.Metrics{Epoch: e, Step: step, TrainLoss: 2.3 / float64(e), TrainAcc: math.Min(1, float64(e)/20), TestAcc: 0.5})
			r.LossStep, r.Loss = append(r.LossStep, float64(step)), append(r.Loss, 2.3/float64(e))
		}
		runs = append(runs, r)
	}
	return runs
}

// TestLegend_OutsideTheDataAndTitle: with many runs, the legend is drawn in a column of its own,
// clear of the data area and of the title, at the report's size.
func TestLegend_OutsideTheDataAndTitle(t *testing.T) {
	f := Charts(manyRuns(12))
	for _, nc := range f.Named() {
		cv := vgimg.NewWith(vgimg.UseWH(inches(DefaultSize.W), inches(DefaultSize.H)), vgimg.UseDPI(DPI))
		dc := draw.New(cv)
		p := nc.Chart.build(Light(), DefaultSize)
		plotC, legC, leg := layout(p, dc)
		if leg == nil {
			t.Errorf("%s: no legend", nc.Name)
			continue
		}
		data := p.DataCanvas(plotC)
		lr := leg.Rectangle(legC)
		if lr.Min.X < data.Max.X || lr.Min.X < plotC.Max.X {
			t.Errorf("%s: legend from x=%v overlaps the plot (data area to x=%v, plot to %v)", nc.Name, lr.Min.X, data.Max.X, plotC.Max.X)
		}
		if lr.Max.X > dc.Max.X+vg.Points(1) || lr.Min.Y < dc.Min.Y {
			t.Errorf("%s: legend %v leaves the canvas %v", nc.Name, lr, dc.Rectangle)
		}
	}
}

// TestPalette_NoRepeatsPastTen: 40 runs get 40 different colours, in the report's style and in
// a theme's style with a short palette, and the palette's own colours come first.
func TestPalette_NoRepeatsPastTen(t *testing.T) {
	for _, st := range []Style{Light(), dark} {
		seen := map[color.RGBA]int{}
		for i := range 40 {
			c := st.Color(i)
			if j, ok := seen[c]; ok {
				t.Errorf("series %d and %d share colour %v", j, i, c)
			}
			seen[c] = i
			if i < len(st.Palette) && c != st.Palette[i] {
				t.Errorf("series %d: %v, want the palette's %v", i, c, st.Palette[i])
			}
		}
	}
}

// TestStepTicks_WholeNumbers: step axes have no decimals, and thousands are grouped.
func TestStepTicks_WholeNumbers(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{{0, 250, "200"}, {0, 12500, "12,000"}, {0, 40, "40"}} {
		var labels []string
		for _, tk := range (stepTicks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		all := strings.Join(labels, " ")
		if strings.Contains(all, ".") || !strings.Contains(all, c.want) {
			t.Errorf("ticks of [%g, %g]: %q, want whole numbers with %q", c.lo, c.hi, all, c.want)
		}
	}
	if l := LossChart(manyRuns(2)); !l.XSteps || !AccuracyChart(manyRuns(2)).XSteps {
		t.Error("the loss and accuracy charts do not count steps with stepTicks")
	}
}

// TestSweepCharts_ReferenceLines: Figure 1c has the 90% chance line, Figure 1b the p = 0 level.
func TestSweepCharts_ReferenceLines(t *testing.T) {
	fit, test := SweepCharts(testRuns())
	if len(test.Refs) != 1 || test.Refs[0].Y != 90 || !strings.Contains(test.Refs[0].Label, "chance") {
		t.Errorf("Figure 1c reference lines %+v, want chance at 90%%", test.Refs)
	}
	if len(fit.Refs) != 1 || fit.Refs[0].Y != 1 {
		t.Errorf("Figure 1b reference lines %+v, want the p = 0 level at 1", fit.Refs)
	}
	// The chance line is drawn: its row has many more dark pixels than without it (the
	// paper's points, whose longer legend narrows the plot, are left out of both).
	test.Series = slices.DeleteFunc(test.Series, func(s Series) bool { return s.Points })
	without := test
	without.Refs = nil
	if with, wo := darkestRow(test.Render(Light(), DefaultSize)), darkestRow(without.Render(Light(), DefaultSize)); with < wo+30 {
		t.Errorf("no dotted line across Figure 1c: darkest row has %d dark pixels, %d without the line", with, wo)
	}
}

// darkestRow is the largest number of dark pixels in a row of img.
func darkestRow(img *image.RGBA) int {
	most := 0
	for y := range img.Bounds().Dy() {
		n := 0
		for x := range img.Bounds().Dx() {
			if c := img.RGBAAt(x, y); c.R < 100 && c.G < 100 && c.B < 100 {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// TestHeader_PaperIsCIFAR10: the table says the paper's numbers are on CIFAR-10.
func TestHeader_PaperIsCIFAR10(t *testing.T) {
	var b strings.Builder
	if err := WriteTableCSV(&b, Rows(testRuns())); err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(b.String(), "\n")
	if !strings.Contains(head, "paper train % (CIFAR-10)") || !strings.Contains(head, "paper test % (CIFAR-10)") {
		t.Errorf("results.csv header %q does not say the paper's numbers are on CIFAR-10", head)
	}
}

// TestTitle_WrapsToThePlotWidth: a title wider than the plot's part of a narrow canvas (a pane
// of a 1024-pixel window) is broken at spaces into lines that each fit, every word kept; one
// that fits stays one line.
func TestTitle_WrapsToThePlotWidth(t *testing.T) {
	c := Chart{Title: "Share of clean signal kept; median over seeds, shaded: range of the seeds",
		Series: []Series{{Name: "Softmax regression, fits 0/6", X: []float64{0, 1}, Y: []float64{1, 0}, Mark: math.NaN()}}}
	sz := Size{W: 420, H: 150}
	cv := vgimg.NewWith(vgimg.UseWH(inches(sz.W), inches(sz.H)), vgimg.UseDPI(DPI))
	p := c.build(Light(), sz)
	plotC, _, _ := layout(p, draw.New(cv))
	width := plotC.Max.X - plotC.Min.X
	if p.Title.TextStyle.Width(c.Title) <= width {
		t.Fatalf("the title fits in %v: the test needs a narrower canvas", width)
	}
	got := wrapText(c.Title, p.Title.TextStyle, width)
	lines := strings.Split(got, "\n")
	if len(lines) < 2 || strings.Join(strings.Fields(got), " ") != c.Title {
		t.Fatalf("wrapped title %q: want two lines or more holding every word", got)
	}
	for _, l := range lines {
		if w := p.Title.TextStyle.Width(l); w > width {
			t.Errorf("line %q is %v wide, more than the plot's %v", l, w, width)
		}
	}
	if short := "Time to fit"; wrapText(short, p.Title.TextStyle, width) != short {
		t.Errorf("a short title was wrapped")
	}
	if img := c.Render(Light(), sz); img.Bounds().Dx() != sz.W {
		t.Errorf("rendered %v, want %d wide", img.Bounds(), sz.W)
	}

	// A title a little too wide keeps one line in a smaller font; one far too wide is wrapped
	// in the smallest font.
	size := p.Title.TextStyle.Font.Size
	title := c.Title
	for _, c := range []struct {
		width vg.Length
		lines int
	}{{p.Title.TextStyle.Width(title) * 0.9, 1}, {width, len(lines)}} {
		q := plot.New()
		q.Title.Text, q.Title.TextStyle = title, p.Title.TextStyle
		fitTitle(q, c.width)
		got := strings.Split(q.Title.Text, "\n")
		if len(got) > c.lines || q.Title.TextStyle.Font.Size >= size || q.Title.TextStyle.Font.Size < size*3/4 {
			t.Errorf("fitted to %v: %d lines at %v (from %v); want at most %d, a smaller font, at least 3/4 of it", c.width, len(got), q.Title.TextStyle.Font.Size, size, c.lines)
		}
		for _, l := range got {
			if w := q.Title.TextStyle.Width(l); w > c.width {
				t.Errorf("fitted line %q is %v wide, more than %v", l, w, c.width)
			}
		}
	}
}
