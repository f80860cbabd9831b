package app

import (
	"image"

	"rethink/experiments/report"
)

// plotSize is the size the plots are drawn at. The images are scaled to fit their place in the
// window, so it only sets the resolution and the relative size of the text.
var plotSize = report.DefaultSize

// plotStyle is the colours of the plots: black on white, the look of a paper's figure in both
// light and dark themes.
func plotStyle() report.Style { return report.Light() }

// reportRuns is what the report package needs of the traces.
func reportRuns(runs []*trace) []report.Run {
	out := make([]report.Run, len(runs))
	for i, t := range runs {
		out[i] = t.report()
	}
	return out
}

// render draws c at w x h pixels in the plots' colours.
func render(c report.Chart, w, h int) *image.RGBA {
	return c.Render(plotStyle(), report.Size{W: w, H: h})
}

// pct formats a fraction as a percentage with two decimals, or "–" for NaN.
func pct(v float64) string { return report.Pct(v) }
