package report

import (
	"image/color"
)

// Style is the colours a figure is drawn with, so that the app can draw in its theme's colours
// and the command line in a paper's black on white.
type Style struct {
	Background, Foreground, Grid color.Color
	// Palette gives the runs of an experiment their colours, in order (it cycles).
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

// color is the colour of series index i.
func (s Style) color(i int) color.RGBA {
	p := s.Palette
	if len(p) == 0 {
		p = DefaultPalette
	}
	return p[((i%len(p))+len(p))%len(p)]
}
