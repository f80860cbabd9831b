package app

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// curvesPanel shows the live plots: training loss against steps (Figure 1a), train and test
// accuracy, and for corruption sweeps the Figure 1b and 1c plots.
type curvesPanel struct {
	loss, acc         *canvas.Image
	sweepFit, sweep1c *canvas.Image
	sweepRow          *fyne.Container
	save              *widget.Button
	content           fyne.CanvasObject
	// last holds the images on screen, for export.
	last *plotsView
}

func newCurvesPanel(onExport func()) *curvesPanel {
	img := func(w, h float32) *canvas.Image {
		i := canvas.NewImageFromImage(blank(plotW, plotH))
		i.FillMode = canvas.ImageFillContain
		i.ScaleMode = canvas.ImageScaleSmooth
		i.SetMinSize(fyne.NewSize(w, h))
		return i
	}
	p := &curvesPanel{
		loss:     img(300, 160),
		acc:      img(300, 160),
		sweepFit: img(200, 160),
		sweep1c:  img(200, 160),
	}
	p.save = widget.NewButtonWithIcon("Export plots and metrics…", theme.DocumentSaveIcon(), onExport)
	p.sweepRow = container.NewGridWithColumns(2, p.sweepFit, p.sweep1c)
	p.sweepRow.Hide()
	plots := container.NewGridWithRows(2, p.loss, p.acc)
	body := container.NewBorder(nil, p.sweepRow, nil, nil, plots)
	p.content = container.NewBorder(nil, container.NewHBox(p.save), nil, nil, body)
	p.show(&plotsView{loss: lossChart(nil).render(plotW, plotH), acc: accuracyChart(nil).render(plotW, plotH)})
	return p
}

func (p *curvesPanel) show(v *plotsView) {
	p.last = v
	p.loss.Image = v.loss
	p.loss.Refresh()
	p.acc.Image = v.acc
	p.acc.Refresh()
	if v.sweep {
		p.sweepFit.Image = v.sweepFit
		p.sweep1c.Image = v.sweep1c
		p.sweepFit.Refresh()
		p.sweep1c.Refresh()
		p.sweepRow.Show()
	} else {
		p.sweepRow.Hide()
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
