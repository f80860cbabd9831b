package report

import (
	"image"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
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
	c.build(st, sz).Draw(draw.New(cv))
	return toRGBA(cv.Image())
}

// WriteSVG draws c in st's colours as an SVG of sz pixels (at DPI).
func (c Chart) WriteSVG(out io.Writer, st Style, sz Size) error {
	cv := vgsvg.New(inches(sz.W), inches(sz.H))
	dc := draw.New(cv)
	dc.SetColor(st.Background)
	dc.Fill(dc.Rectangle.Path())
	c.build(st, sz).Draw(dc)
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
		drawn = c.addSeries(p, s, st.color(s.Color), y.Max) || drawn
	}
	// The ranges are set, not left to gonum's autoscaling: they hold every point and mark.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x.Min, x.Max, y.Min, y.Max
	p.X.Tick.Marker, p.Y.Tick.Marker = ticksFor(sz)
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
	pts := clean(s.X, s.Y)
	if len(pts) == 0 {
		return false
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return false
	}
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
