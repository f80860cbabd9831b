package app

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments/report"
)

// curvesPanel shows the live plots: training loss against steps (Figure 1a), train and test
// accuracy, and for corruption sweeps the Figure 1b and 1c plots.
type curvesPanel struct {
	loss, acc         *canvas.Image
	sweepFit, sweep1c *canvas.Image
	plots             *fyne.Container
	save              *widget.Button
	content           fyne.CanvasObject
	// last holds the images on screen, for export.
	last *plotsView
}

func newCurvesPanel(onExport func()) *curvesPanel {
	img := func(w, h float32) *canvas.Image {
		i := canvas.NewImageFromImage(blank(plotSize.W, plotSize.H))
		i.FillMode = canvas.ImageFillContain
		i.ScaleMode = canvas.ImageScaleSmooth
		i.SetMinSize(fyne.NewSize(w, h))
		return i
	}
	p := &curvesPanel{
		loss:     img(240, 100),
		acc:      img(240, 100),
		sweepFit: img(240, 100),
		sweep1c:  img(240, 100),
	}
	p.save = widget.NewButtonWithIcon("Export plots and metrics…", theme.DocumentSaveIcon(), onExport)
	p.plots = container.NewGridWithRows(2, p.loss, p.acc)
	p.content = container.NewBorder(nil, container.NewHBox(p.save), nil, nil, p.plots)
	p.show(&plotsView{loss: render(report.LossChart(nil), plotSize.W, plotSize.H), acc: render(report.AccuracyChart(nil), plotSize.W, plotSize.H)})
	return p
}

func (p *curvesPanel) show(v *plotsView) {
	p.last = v
	p.loss.Image = v.loss
	p.loss.Refresh()
	p.acc.Image = v.acc
	p.acc.Refresh()
	// A sweep shows four plots, 2x2: the curves on top, Figures 1b and 1c below.
	if v.sweep && v.sweepFit != nil && v.sweep1c != nil {
		p.sweepFit.Image = v.sweepFit
		p.sweep1c.Image = v.sweep1c
		if len(p.plots.Objects) != 4 {
			p.plots.Layout = layout.NewGridLayoutWithColumns(2)
			p.plots.Objects = []fyne.CanvasObject{p.loss, p.acc, p.sweepFit, p.sweep1c}
		}
		p.plots.Refresh()
	} else if len(p.plots.Objects) != 2 {
		p.plots.Layout = layout.NewGridLayoutWithRows(2)
		p.plots.Objects = []fyne.CanvasObject{p.loss, p.acc}
		p.plots.Refresh()
	}
}

// blank is a white placeholder image.
func blank(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return img
}
