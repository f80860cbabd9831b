package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"rethink/experiments/report"
)

// exportSize is the size exported figures are drawn at.
var exportSize = report.DefaultSize

// themeStyle is the colours of the plots on screen: the theme's background and foreground, a
// grid between the two, and the report's palette (lightened on a dark background, where its
// darker colours would sink). This is the one place the theme's colours reach the plots. Call
// it on the UI goroutine.
func themeStyle() report.Style {
	th, v := theme.Current(), fyne.ThemeVariant(theme.VariantLight)
	if a := fyne.CurrentApp(); a != nil {
		v = a.Settings().ThemeVariant()
	}
	bg := th.Color(theme.ColorNameBackground, v)
	fg := th.Color(theme.ColorNameForeground, v)
	st := report.Style{Background: bg, Foreground: fg, Grid: mix(bg, fg, 0.2), Palette: report.DefaultPalette}
	if luminance(bg) < 0.5 {
		st.Palette = make([]color.RGBA, len(report.DefaultPalette))
		for i, c := range report.DefaultPalette {
			st.Palette[i] = mix(c, color.White, 0.25)
		}
	}
	return st
}

// exportStyle is the colours of exported figures: black on white, a paper's figure, whatever
// the theme.
func exportStyle() report.Style { return report.Light() }

// mix is a + t(b - a), opaque.
func mix(a, b color.Color, t float64) color.RGBA {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	f := func(x, y uint32) uint8 { return uint8((float64(x)*(1-t) + float64(y)*t) / 257) }
	return color.RGBA{f(ar, br), f(ag, bg), f(ab, bb), 0xff}
}

// luminance is c's relative brightness, 0 (black) to 1 (white).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// reportRuns is what the report package needs of the traces.
func reportRuns(runs []*trace) []report.Run {
	out := make([]report.Run, len(runs))
	for i, t := range runs {
		out[i] = t.report()
	}
	return out
}

// pct formats a fraction as a percentage with two decimals, or "–" for NaN.
func pct(v float64) string { return report.Pct(v) }
