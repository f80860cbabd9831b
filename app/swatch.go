package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// swatchSize is the side of a swatch, in Fyne's units.
const swatchSize = 12

// newSwatch is a small square in colour c, level with the first line of a label beside it: a
// run's colour (the colour of its curves) beside its name in the table, the filters and the
// history. Recolour it with setSwatch. UI goroutine.
func newSwatch(c color.Color) *fyne.Container {
	r := canvas.NewRectangle(c)
	r.SetMinSize(fyne.NewSize(swatchSize, swatchSize))
	r.CornerRadius = 2
	return &fyne.Container{Layout: swatchLayout{}, Objects: []fyne.CanvasObject{r}}
}

// swatchLayout centres the square on the height of a label's first line (on the whole height
// when that is less), so that it stays level with a run's name that wraps onto more lines.
type swatchLayout struct{}

func (swatchLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(swatchSize, swatchSize)
}

func (swatchLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	// A label's first line: its text's height inside its inner padding.
	line := fyne.MeasureText("X", theme.TextSize(), fyne.TextStyle{}).Height + 2*theme.InnerPadding()
	line = min(size.Height, line)
	for _, o := range objs {
		o.Resize(fyne.NewSize(swatchSize, swatchSize))
		o.Move(fyne.NewPos(0, max(0, (line-swatchSize)/2)))
	}
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
