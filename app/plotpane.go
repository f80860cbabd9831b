package app

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments/report"
)

// plotPane is one plot on screen. It renders its chart at its own size in pixels, so that the
// text of the plot keeps its size (report.DPI: 1 point is 96/72 pixels) whatever the pane's
// size, and renders again when it is resized, when its chart changes and when the theme's
// colours change. Renders run through deps.background, at most one at a time per pane: a
// change while one runs is drawn once it ended, at the latest size, so a window being dragged
// wider costs one render in flight, not one per frame. All its fields belong to the UI
// goroutine.
//
// An image rendered at the pane's present size is drawn at exactly that size in pixels, with
// no filtering (canvas.ImageScalePixels); only an image from before a resize, while the next
// render runs, is scaled (smoothly) to the pane. Under a software OpenGL renderer a smoothly
// scaled texture costs several times more per pixel than an unscaled one, on every frame.
type plotPane struct {
	widget.BaseWidget
	img   *canvas.Image
	d     *deps
	style func() report.Style
	chart report.Chart
	// want counts the changes of chart and style; drawnWant and drawnPx are what the image on
	// screen was rendered from.
	want, drawnWant int
	drawnPx         report.Size
	rendering       bool
	// renders counts finished renders (tests read it).
	renders int
}

// newPlotPane makes a pane showing c in the colours style returns (called on the UI goroutine
// at each render).
func newPlotPane(d *deps, style func() report.Style, c report.Chart) *plotPane {
	p := &plotPane{d: d, style: style, chart: c, want: 1}
	p.img = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	p.img.FillMode = canvas.ImageFillContain
	p.img.ScaleMode = canvas.ImageScaleSmooth
	p.img.SetMinSize(fyne.NewSize(240, 100))
	p.ExtendBaseWidget(p)
	return p
}

func (p *plotPane) CreateRenderer() fyne.WidgetRenderer { return &plotRenderer{p: p} }

// Resize lays the pane out and renders it at its new size.
func (p *plotPane) Resize(s fyne.Size) {
	p.BaseWidget.Resize(s)
	p.place()
	p.kick()
}

// place sizes the image: at its own size in pixels when it was rendered for the pane's present
// size, else stretched to the pane (keeping its aspect) until the render for that size is in.
func (p *plotPane) place() {
	sz, sc := p.Size(), p.scale()
	full := report.Size{W: int(sz.Width * sc), H: int(sz.Height * sc)}
	b := p.img.Image.Bounds()
	if full.W > 0 && p.drawnPx == full && b.Dx() == full.W && b.Dy() == full.H {
		p.img.FillMode, p.img.ScaleMode = canvas.ImageFillStretch, canvas.ImageScalePixels
		p.img.Resize(fyne.NewSize(float32(full.W)/sc, float32(full.H)/sc))
	} else {
		p.img.FillMode, p.img.ScaleMode = canvas.ImageFillContain, canvas.ImageScaleSmooth
		p.img.Resize(sz)
	}
	p.img.Move(fyne.NewPos(0, 0))
}

// plotRenderer lays out the pane's one image (see place).
type plotRenderer struct{ p *plotPane }

func (r *plotRenderer) Layout(fyne.Size)             { r.p.place() }
func (r *plotRenderer) MinSize() fyne.Size           { return r.p.img.MinSize() }
func (r *plotRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.p.img} }
func (r *plotRenderer) Refresh()                     { r.p.place(); r.p.img.Refresh() }
func (r *plotRenderer) Destroy()                     {}

// Show shows the pane, rendering it first if it changed while hidden.
func (p *plotPane) Show() {
	p.BaseWidget.Show()
	p.kick()
}

// setChart shows c.
func (p *plotPane) setChart(c report.Chart) {
	p.chart = c
	p.want++
	p.kick()
}

// restyle draws the chart again in the style's present colours (after a theme change).
func (p *plotPane) restyle() {
	p.want++
	p.kick()
}

// image is the image on screen.
func (p *plotPane) image() image.Image { return p.img.Image }

// scale is the pixels of the screen per unit of Fyne's coordinates (1 before the pane is on a
// canvas).
func (p *plotPane) scale() float32 {
	if a := fyne.CurrentApp(); a != nil {
		if cv := a.Driver().CanvasForObject(p); cv != nil && cv.Scale() > 0 {
			return cv.Scale()
		}
	}
	return 1
}

// pixels is the pane's size in pixels of the screen (bounded by deps.maxPlot).
func (p *plotPane) pixels() report.Size {
	sz, sc := p.Size(), p.scale()
	px := report.Size{W: int(sz.Width * sc), H: int(sz.Height * sc)}
	if m := p.d.maxPlot; m.W > 0 && px.W > m.W {
		px.W = m.W
	}
	if m := p.d.maxPlot; m.H > 0 && px.H > m.H {
		px.H = m.H
	}
	return px
}

// kick starts a render when the image on screen is out of date and none runs.
func (p *plotPane) kick() {
	if p.rendering || !p.Visible() {
		return
	}
	px := p.pixels()
	if px.W < 60 || px.H < 40 { // not laid out yet
		return
	}
	if p.want == p.drawnWant && px == p.drawnPx {
		return
	}
	p.rendering = true
	c, st, want := p.chart, p.style(), p.want
	p.d.background(func() {
		img := c.Render(st, px)
		fyne.Do(func() {
			p.rendering = false
			p.img.Image = img
			p.drawnWant, p.drawnPx = want, px
			p.renders++
			p.place()
			p.img.Refresh()
			p.kick()
		})
	})
}
