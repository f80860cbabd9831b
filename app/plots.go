package app

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Plot sizes in pixels. The images are scaled to fit their place in the window, so these only
// set the resolution and the relative size of the text. (Variables: tests draw small plots.)
var (
	plotW, plotH = 900, 330
)

const plotDPI = 96

// palette gives each run of an experiment its own color, in the order of the runs.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
}

// maxPoints bounds the points drawn per curve, so rendering stays fast on long runs.
const maxPoints = 1500

func runColor(i int) color.RGBA { return palette[i%len(palette)] }

// series is one curve: a run's points in the order they arrived.
type series struct {
	Name  string
	Color color.RGBA
	X, Y  []float64
	Dash  bool
	// Mark, when not NaN, draws a dashed vertical line at that x (the time to fit).
	Mark float64
}

// finite reports whether v is neither NaN nor infinite; gonum/plot rejects both.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// clean returns the finite points of x, y (a diverged run's NaN losses are dropped).
func clean(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(x))
	for i := range min(len(x), len(y)) {
		if finite(x[i]) && finite(y[i]) {
			pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return pts
}

// chart describes one plot to render.
type chart struct {
	Title, XLabel, YLabel string
	Series                []series
	// YMin and YMax fix the y range when YMax > YMin.
	YMin, YMax float64
	// Scatter draws points with glyphs as well as lines (the sweep plots).
	Scatter bool
	// Empty is the text drawn when no series has a point.
	Empty string
	// XFromZero and YFromZero start the axes at 0.
	XFromZero, YFromZero bool
}

// render draws c into a new w x h RGBA image on a white background, the look of a paper's
// figure in both light and dark themes. It never fails: a plot that cannot be built gives an
// image that says why.
func (c chart) render(w, h int) *image.RGBA {
	p := c.build()
	cv := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/plotDPI, vg.Length(h)*vg.Inch/plotDPI),
		vgimg.UseDPI(plotDPI), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(cv))
	img := cv.Image()
	if rgba, ok := img.(*image.RGBA); ok {
		return rgba
	}
	out := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

// writeSVG draws c as an SVG of w x h pixels (at plotDPI) for export.
func (c chart) writeSVG(out io.Writer, w, h int) error {
	cv := vgsvg.New(vg.Length(w)*vg.Inch/plotDPI, vg.Length(h)*vg.Inch/plotDPI)
	c.build().Draw(draw.New(cv))
	_, err := cv.WriteTo(out)
	return err
}

// build makes the gonum plot of c, with non-finite points dropped.
func (c chart) build() *plot.Plot {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Points(8)
	p.Legend.YOffs = -vg.Points(4)
	any := false
	var ymax float64
	for _, s := range c.Series {
		for i, y := range s.Y {
			if i < len(s.X) && finite(y) && finite(s.X[i]) {
				ymax = max(ymax, y)
			}
		}
	}
	for _, s := range c.Series {
		pts := clean(s.X, s.Y)
		if len(pts) == 0 {
			continue
		}
		any = true
		l, err := plotter.NewLine(pts)
		if err != nil {
			continue
		}
		l.Color = s.Color
		l.Width = vg.Points(1.5)
		if s.Dash {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		if c.Scatter {
			if sc, err := plotter.NewScatter(pts); err == nil {
				sc.Color = s.Color
				sc.Shape = draw.CircleGlyph{}
				sc.Radius = vg.Points(3)
				p.Add(sc)
			}
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
		}
		if finite(s.Mark) {
			top := ymax
			if c.YMax > c.YMin {
				top = c.YMax
			}
			if top <= 0 {
				top = 1
			}
			if m, err := plotter.NewLine(plotter.XYs{{X: s.Mark, Y: 0}, {X: s.Mark, Y: top}}); err == nil {
				m.Color = s.Color
				m.Width = vg.Points(1)
				m.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
				p.Add(m)
			}
		}
	}
	if c.YMax > c.YMin {
		p.Y.Min, p.Y.Max = c.YMin, c.YMax
	}
	if c.XFromZero {
		p.X.Min = 0
	}
	if c.YFromZero {
		p.Y.Min = 0
	}
	if !any {
		p.X.Min, p.X.Max = 0, 1
		if !(c.YMax > c.YMin) {
			p.Y.Min, p.Y.Max = 0, 1
		}
		msg := c.Empty
		if msg == "" {
			msg = "no data yet"
		}
		if l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 0.5, Y: (p.Y.Min + p.Y.Max) / 2}}, Labels: []string{msg}}); err == nil {
			l.TextStyle[0].XAlign = draw.XCenter
			p.Add(l)
		}
	}
	return p
}

// lossChart is the paper's Figure 1a: training loss against thousands of steps, every run of the
// experiment overlaid, each run's time to fit marked by a dashed line.
func lossChart(runs []*trace) chart {
	div, unit := stepUnit(runs)
	c := chart{Title: "Training loss (dotted: 100% training accuracy reached)", XLabel: unit, YLabel: "loss",
		Empty: "waiting for the first steps", XFromZero: true, YFromZero: true}
	for i, t := range runs {
		s := series{Name: t.label(), Color: runColor(i), Mark: math.NaN()}
		// Long runs keep tens of thousands of points: draw at most about maxPoints of them
		// (averaged in windows, so the curve keeps its level), and always the last one.
		n := min(len(t.lossStep), len(t.loss))
		stride := max(1, (n+maxPoints-1)/maxPoints)
		for j := 0; j < n; j += stride {
			end := min(j+stride, n)
			var sum float64
			var cnt int
			for _, v := range t.loss[j:end] {
				if finite(v) {
					sum += v
					cnt++
				}
			}
			if cnt == 0 {
				continue
			}
			s.X = append(s.X, t.lossStep[end-1]/div)
			s.Y = append(s.Y, sum/float64(cnt))
		}
		if t.fitStep >= 0 {
			s.Mark = float64(t.fitStep) / div
		}
		c.Series = append(c.Series, s)
	}
	return c
}

// accuracyChart shows training accuracy (solid) and test accuracy (dashed) at every epoch.
func accuracyChart(runs []*trace) chart {
	div, unit := stepUnit(runs)
	c := chart{Title: "Accuracy: train (solid), test (dashed)", XLabel: unit, YLabel: "accuracy %",
		YMin: 0, YMax: 100, Empty: "accuracy appears after the first epoch", XFromZero: true}
	for i, t := range runs {
		tr := series{Name: t.label(), Color: runColor(i), Mark: math.NaN()}
		te := series{Color: runColor(i), Dash: true, Mark: math.NaN()}
		for _, m := range t.epochs {
			x := float64(m.Step) / div
			tr.X, tr.Y = append(tr.X, x), append(tr.Y, 100*m.TrainAcc)
			te.X, te.Y = append(te.X, x), append(te.Y, 100*m.TestAcc)
		}
		c.Series = append(c.Series, tr, te)
	}
	return c
}

// stepUnit is the x unit of the step axes: thousands of steps (the paper's) for long runs, steps
// for short ones.
func stepUnit(runs []*trace) (float64, string) {
	var last float64
	for _, t := range runs {
		if n := len(t.lossStep); n > 0 {
			last = max(last, t.lossStep[n-1])
		}
		if n := len(t.epochs); n > 0 {
			last = max(last, float64(t.epochs[n-1].Step))
		}
	}
	if last >= 2000 {
		return 1000, "thousand steps"
	}
	return 1, "steps"
}

// isSweep reports whether the runs differ in the corruption level p: then the paper's Figure 1b
// and 1c views apply.
func isSweep(runs []*trace) bool {
	seen := map[float64]bool{}
	for _, t := range runs {
		seen[t.cfg.Randomization.P] = true
	}
	return len(seen) > 1
}

// sweepCharts are Figure 1b (time to fit against p, relative to p = 0 of the same model) and
// Figure 1c (test error against p), one series per model, filled as runs finish.
func sweepCharts(runs []*trace) (fit, test chart) {
	fit = chart{Title: "Time to fit vs label corruption (Fig. 1b)", XLabel: "label corruption p", YLabel: "steps to fit / steps at p=0",
		Scatter: true, Empty: "filled as runs finish"}
	test = chart{Title: "Test error vs label corruption (Fig. 1c)", XLabel: "label corruption p", YLabel: "test error %",
		Scatter: true, YMin: 0, YMax: 100, Empty: "filled as runs finish"}
	type point struct{ p, fit, err float64 }
	byModel := map[string][]point{}
	var order []string
	for _, t := range runs {
		if !t.done {
			continue
		}
		name := t.cfg.Model.String()
		if _, ok := byModel[name]; !ok {
			order = append(order, name)
		}
		pt := point{p: t.cfg.Randomization.P, fit: math.NaN(), err: math.NaN()}
		if t.fitStep >= 0 {
			pt.fit = float64(t.fitStep)
		}
		if len(t.epochs) > 0 {
			pt.err = 100 * (1 - t.epochs[len(t.epochs)-1].TestAcc)
		}
		byModel[name] = append(byModel[name], pt)
	}
	for i, name := range order {
		pts := byModel[name]
		sort.Slice(pts, func(a, b int) bool { return pts[a].p < pts[b].p })
		base := math.NaN()
		for _, pt := range pts {
			if pt.p == 0 && finite(pt.fit) && pt.fit > 0 {
				base = pt.fit
			}
		}
		fs := series{Name: name, Color: runColor(i), Mark: math.NaN()}
		ts := series{Name: name, Color: runColor(i), Mark: math.NaN()}
		for _, pt := range pts {
			if finite(pt.fit) {
				v := pt.fit / 1000
				if finite(base) {
					v = pt.fit / base
				}
				fs.X, fs.Y = append(fs.X, pt.p), append(fs.Y, v)
			}
			ts.X, ts.Y = append(ts.X, pt.p), append(ts.Y, pt.err)
		}
		fit.Series = append(fit.Series, fs)
		test.Series = append(test.Series, ts)
	}
	if len(fit.Series) > 0 && !hasBase(runs) {
		fit.YLabel = "thousand steps to fit"
	}
	return fit, test
}

func hasBase(runs []*trace) bool {
	for _, t := range runs {
		if t.done && t.cfg.Randomization.P == 0 && t.fitStep > 0 {
			return true
		}
	}
	return false
}

// pct formats a fraction in [0, 1] as a percentage with two decimals, or "–" for NaN.
func pct(v float64) string {
	if !finite(v) {
		return "–"
	}
	return fmt.Sprintf("%.2f", 100*v)
}
