package report

import (
	"image/color"
	"math"
)

// Style is the colours a figure is drawn with, so that the app can draw in its theme's colours
// and the command line in a paper's black on white.
type Style struct {
	Background, Foreground, Grid color.Color
	// Palette gives the runs of an experiment their first colours, in order; runs past its end
	// get colours of their own (see color).
	Palette []color.RGBA
}

// Size is a figure's size in pixels, drawn at DPI dots per inch.
type Size struct{ W, H int }

// DPI is the resolution figures are drawn at: 1 point of text is 96/72 pixels.
const DPI = 96

// DefaultSize is the size of report files and of the app's plots before they are scaled into
// their pane.
var DefaultSize = Size{W: 900, H: 330}

// DefaultPalette is ten distinct colours (matplotlib's tab10).
var DefaultPalette = []color.RGBA{
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

// Light is black on white, the look of a paper's figure: the report files use it.
func Light() Style {
	return Style{Background: color.White, Foreground: color.Black, Grid: color.Gray{Y: 0xcc}, Palette: DefaultPalette}
}

// Color is the colour of index i (a Run's or a Series' Color): the palette's, then, past its
// end, colours of its own for each further index (extend), so that no two runs share one.
func (s Style) Color(i int) color.RGBA {
	p := s.Palette
	if len(p) == 0 {
		p = DefaultPalette
	}
	i = max(i, 0)
	if i < len(p) {
		return p[i]
	}
	return extend(i - len(p))
}

// extend is the colour of the k-th series past the palette's end: hues a golden angle apart
// (every one new, never two alike), at three alternating lightnesses, mid saturation, so that
// they read on light and dark backgrounds.
func extend(k int) color.RGBA {
	h := math.Mod(float64(k)*137.507764+15, 360)
	l := []float64{0.45, 0.60, 0.35}[k%3]
	return hsl(h, 0.65, l)
}

// hsl converts a hue (degrees), saturation and lightness (0 to 1) to an opaque colour.
func hsl(h, s, l float64) color.RGBA {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	u := func(v float64) uint8 { return uint8(math.Round(255 * (v + m))) }
	return color.RGBA{u(r), u(g), u(b), 0xff}
}
