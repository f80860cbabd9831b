package report

import (
	"image"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Series is one curve: a run's points in the order they arrived.
type Series struct {
	Name string
	// Color is the index of the series' colour in the Style's palette.
	Color int
	X, Y  []float64
	Dash  bool
	// Mark, when not NaN, draws a dashed vertical line at that x (the time to fit).
	Mark float64
	// Lo and Hi, when set (as long as X), are the range over seeds at each point: a shaded
	// band under a line, a vertical bar on a scatter chart (see GroupRuns).
	Lo, Hi []float64
	// Points draws the series as separate hollow squares, with no line between them: numbers
	// reported at a few x (the paper's), not a curve.
	Points bool
}

// Chart describes one plot, independent of the colours and size it is drawn at.
type Chart struct {
	Title, XLabel, YLabel string
	Series                []Series
	// YMin and YMax fix the y range when YMax > YMin.
	YMin, YMax float64
	// Scatter draws points with glyphs as well as lines (the sweep plots).
	Scatter bool
	// Empty is the text drawn when no series has a point.
	Empty string
	// XFromZero and YFromZero start the axes at 0.
	XFromZero, YFromZero bool
	// XSteps says the x axis counts steps (or thousands of steps): its ticks are whole
	// numbers where they can be, with thousands separated ("12,500").
	XSteps bool
	// Refs are reference lines drawn across the plot, such as chance level.
	Refs []Ref
	// LogX and LogY draw an axis on a log scale (points at or below zero are left out).
	LogX, LogY bool
	// Grid, when not nil, is drawn as a heat map (rows top to bottom, see addGrid in theory.go).
	Grid [][]float64
	// GridGray draws Grid in grey levels (black low, white high) instead of blue to red;
	// GridMin and GridMax, when GridMax > GridMin, fix the values of the two ends.
	GridGray         bool
	GridMin, GridMax float64
}

// Ref is a reference line y = Y + Slope*x across the plot (horizontal when Slope is 0), named
// in the legend (dotted, in the foreground colour).
type Ref struct {
	Y     float64
	Label string
	Slope float64
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

// inches converts pixels at DPI to a length.
func inches(px int) vg.Length { return vg.Length(px) * vg.Inch / DPI }

// Render draws c in st's colours into a new sz.W x sz.H image. It never fails: a plot that
// cannot be built gives an image that says why.
func (c Chart) Render(st Style, sz Size) *image.RGBA {
	cv := vgimg.NewWith(vgimg.UseWH(inches(sz.W), inches(sz.H)), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(st.Background))
	c.draw(draw.New(cv), st, sz)
	return toRGBA(cv.Image())
}

// WriteSVG draws c in st's colours as an SVG of sz pixels (at DPI).
func (c Chart) WriteSVG(out io.Writer, st Style, sz Size) error {
	cv := vgsvg.New(inches(sz.W), inches(sz.H))
	dc := draw.New(cv)
	dc.SetColor(st.Background)
	dc.Fill(dc.Rectangle.Path())
	c.draw(dc, st, sz)
	_, err := cv.WriteTo(out)
	return err
}

// toRGBA returns img as an *image.RGBA, converting it when it is another kind.
func toRGBA(img image.Image) *image.RGBA {
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

// draw draws c on dc: the plot, and its legend in a column of its own at the right, so that
// the legend never covers a curve or the title. A title wider than the plot's part of the
// canvas is fitted to it (fitTitle: gonum centres one line over the plot, and the canvas's
// edges cut both its ends).
func (c Chart) draw(dc draw.Canvas, st Style, sz Size) {
	p := c.build(st, sz)
	plotC, legC, leg := layout(p, dc)
	fitTitle(p, plotC.Max.X-plotC.Min.X)
	p.Draw(plotC)
	if leg != nil {
		leg.Draw(legC)
	}
}

// fitTitle makes p's title fit width: first in a smaller font, down to three quarters of its
// size, on one line (a second line takes height a short pane cannot spare), then, if it is
// still too wide, in lines (wrapText).
func fitTitle(p *plot.Plot, width vg.Length) {
	t := &p.Title
	if t.Text == "" || t.TextStyle.Width(t.Text) <= width {
		return
	}
	least := t.TextStyle.Font.Size * 3 / 4
	for t.TextStyle.Font.Size-vg.Points(0.5) >= least && t.TextStyle.Width(t.Text) > width {
		t.TextStyle.Font.Size -= vg.Points(0.5)
	}
	t.Text = wrapText(t.Text, t.TextStyle, width)
}

// wrapText breaks s at spaces into lines no wider than width in style, as many words a line as
// fit; a word wider than width alone keeps its own line. Line breaks already in s stay.
func wrapText(s string, style text.Style, width vg.Length) string {
	if s == "" || style.Width(s) <= width {
		return s
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case style.Width(line+" "+w) <= width:
				line += " " + w
			default:
				out = append(out, line)
				line = w
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// legendGap is the space between the plot and its legend column.
const legendGap = vg.Length(6)

// layout splits dc between the plot p and its legend, which it takes out of p: the legend (nil
// when p has no entries) goes in a column at the right of the canvas, as wide as its widest
// entry and at most 40% of the canvas, top-aligned with the plot.
func layout(p *plot.Plot, dc draw.Canvas) (plotC, legC draw.Canvas, leg *plot.Legend) {
	l := p.Legend
	r := l.Rectangle(dc)
	w := r.Max.X - r.Min.X
	if w <= 0 {
		return dc, draw.Canvas{}, nil
	}
	p.Legend = plot.NewLegend() // nothing drawn inside the data area
	w = min(w+2*legendGap, dc.Size().X*0.4)
	plotC = draw.Crop(dc, 0, -w, 0, 0)
	legC = draw.Crop(dc, dc.Size().X-w+legendGap, 0, 0, -legendGap)
	l.Top, l.Left = true, true
	l.XOffs, l.YOffs = 0, 0
	return plotC, legC, &l
}

// build makes the gonum plot of c in st's colours, its ticks spaced for sz, with non-finite
// points dropped.
func (c Chart) build(st Style, sz Size) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = c.Title, c.XLabel, c.YLabel
	paint(p, st)
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = st.Grid, st.Grid
	p.Add(grid)
	p.Legend.Top, p.Legend.Left = true, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), -vg.Points(4)
	x, y, _ := c.Ranges()
	drawn := false
	for _, s := range c.Series {
		drawn = c.addSeries(p, s, st.Color(s.Color), y.Max) || drawn
	}
	if drawn {
		c.addRefs(p, st)
	}
	gridDrawn := c.addGrid(p)
	if c.Grid == nil && !c.LogX && !c.LogY {
		// The ranges are set, not left to gonum's autoscaling: they hold every point, mark and
		// reference line.
		if drawn {
			for _, r := range c.Refs {
				y.Min, y.Max = math.Min(y.Min, r.Y), math.Max(y.Max, r.Y)
			}
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x.Min, x.Max, y.Min, y.Max
		p.X.Tick.Marker, p.Y.Tick.Marker = ticksFor(sz)
		if c.XSteps {
			p.X.Tick.Marker = stepTicks{}
		}
	} else {
		if c.YMax > c.YMin {
			p.Y.Min, p.Y.Max = c.YMin, c.YMax
		}
		if c.XFromZero {
			p.X.Min = 0
		}
		if c.YFromZero {
			p.Y.Min = 0
		}
		c.logAxes(p, drawn) // after the ranges: a log axis drops their zeros
	}
	drawn = drawn || gridDrawn
	if !drawn {
		c.addEmptyNote(p, st)
	}
	return p
}

// paint gives the title, axes, ticks and legend st's foreground colour.
func paint(p *plot.Plot, st Style) {
	p.BackgroundColor = st.Background
	p.Title.TextStyle.Color = st.Foreground
	p.Legend.TextStyle.Color = st.Foreground
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Color = st.Foreground
		a.Label.TextStyle.Color = st.Foreground
		a.Tick.Color = st.Foreground
		a.Tick.Label.Color = st.Foreground
	}
}

// addSeries adds the line of s (with its glyphs and its fit mark, drawn up to markTop) to p and
// reports whether s had a point to draw.
func (c Chart) addSeries(p *plot.Plot, s Series, col color.RGBA, markTop float64) bool {
	pts := c.positive(clean(s.X, s.Y))
	if len(pts) == 0 {
		return false
	}
	if s.Points {
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return false
		}
		sc.Color, sc.Shape, sc.Radius = col, draw.BoxGlyph{}, vg.Points(4)
		p.Add(sc)
		if s.Name != "" {
			p.Legend.Add(s.Name, sc)
		}
		return true
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return false
	}
	c.addSpread(p, s, col)
	l.Color, l.Width = col, vg.Points(1.5)
	if s.Dash {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	p.Add(l)
	if c.Scatter {
		if sc, err := plotter.NewScatter(pts); err == nil {
			sc.Color, sc.Shape, sc.Radius = col, draw.CircleGlyph{}, vg.Points(3)
			p.Add(sc)
		}
	}
	if s.Name != "" {
		p.Legend.Add(s.Name, l)
	}
	if finite(s.Mark) {
		if m, err := plotter.NewLine(plotter.XYs{{X: s.Mark, Y: 0}, {X: s.Mark, Y: markTop}}); err == nil {
			m.Color, m.Width = col, vg.Points(1)
			m.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
			p.Add(m)
		}
	}
	return true
}

// addEmptyNote writes c.Empty (or "no data yet") in the middle of an empty plot.
func (c Chart) addEmptyNote(p *plot.Plot, st Style) {
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
		l.TextStyle[0].Color = st.Foreground
		p.Add(l)
	}
}

// addRefs draws c's reference lines across the x range of its series.
func (c Chart) addRefs(p *plot.Plot, st Style) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for i, x := range s.X {
			if i < len(s.Y) && finite(x) && finite(s.Y[i]) {
				lo, hi = min(lo, x), max(hi, x)
			}
		}
	}
	if !(lo < hi) {
		lo, hi = lo-0.5, hi+0.5
	}
	fg := color.RGBAModel.Convert(st.Foreground).(color.RGBA)
	for _, r := range c.Refs {
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: r.Y + r.Slope*lo}, {X: hi, Y: r.Y + r.Slope*hi}})
		if err != nil {
			continue
		}
		l.Color, l.Width = fg, vg.Points(1)
		l.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
		p.Add(l)
		if r.Label != "" {
			p.Legend.Add(r.Label, l)
		}
	}
}

// stepTicks are the ticks of a steps axis: gonum's default places, whole numbers labelled
// without decimals and with thousands separated ("0 250 500", "12,500"); a fraction is shown
// only where the axis counts thousands of steps ("2.5").
type stepTicks struct{}

// Ticks implements plot.Ticker.
func (stepTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	whole := true
	for _, t := range ticks {
		if t.Label != "" && t.Value != math.Trunc(t.Value) {
			whole = false
		}
	}
	for i, t := range ticks {
		if t.Label == "" {
			continue
		}
		if whole {
			ticks[i].Label = groupThousands(int64(math.Round(t.Value)))
		} else {
			ticks[i].Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
		}
	}
	return ticks
}

// groupThousands writes n with a comma between groups of three digits.
func groupThousands(n int64) string {
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
