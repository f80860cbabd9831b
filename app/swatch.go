package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// swatchSize is the side of a swatch, in Fyne's units.
const swatchSize = 12

// newSwatch is a small square in colour c, centred in its height: a run's colour (the colour of
// its curves) beside its name in the table, the filters and the history. Recolour it with
// setSwatch. UI goroutine.
func newSwatch(c color.Color) *fyne.Container {
	r := canvas.NewRectangle(c)
	r.SetMinSize(fyne.NewSize(swatchSize, swatchSize))
	r.CornerRadius = 2
	return container.NewCenter(r)
}

// setSwatch shows c in a swatch of newSwatch, or hides it when show is false (no run).
func setSwatch(s *fyne.Container, c color.Color, show bool) {
	r := s.Objects[0].(*canvas.Rectangle)
	if !show {
		s.Hide()
		return
	}
	s.Show()
	if r.FillColor != c {
		r.FillColor = c
		r.Refresh()
	}
}

// swatchColor is the colour of a swatch: its fill (tests read it).
func swatchColor(s *fyne.Container) color.Color { return s.Objects[0].(*canvas.Rectangle).FillColor }
