package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments/report"
)

// The figures a sweep over label corruption can show, one at a time.
const (
	showCurves = "Loss and accuracy"
	showFit    = "Fig. 1b: time to fit"
	showTest   = "Fig. 1c: test error"
)

// curvesPanel shows the live plots: training loss against steps (Figure 1a) above train and
// test accuracy, and for corruption sweeps, one at a time at the pane's full size, Figure 1b
// (time to fit) and Figure 1c (test error). Use it on the UI goroutine.
type curvesPanel struct {
	loss, acc, fit, testErr *plotPane
	// figure picks what a sweep shows (a drop-down: three radio buttons in a row were wider
	// than the pane of a 1024-pixel window); it and its label are hidden for other experiments.
	figure      *widget.Select
	figureLabel *widget.Label
	curves      *fyne.Container
	save        *widget.Button
	content     fyne.CanvasObject
	// last holds the figures on screen, for export.
	last *plotsView
}

func newCurvesPanel(d *deps, style func() report.Style, onExport func()) *curvesPanel {
	idle := report.LossChart(nil)
	idle.Empty = "no run yet: pick a preset on the left"
	p := &curvesPanel{
		loss:    newPlotPane(d, style, idle),
		acc:     newPlotPane(d, style, report.AccuracyChart(nil)),
		fit:     newPlotPane(d, style, report.Chart{}),
		testErr: newPlotPane(d, style, report.Chart{}),
	}
	p.figure = widget.NewSelect([]string{showCurves, showFit, showTest}, func(string) { p.arrange() })
	p.figure.Selected = showCurves
	p.figure.Hide()
	p.figureLabel = widget.NewLabel("Show")
	p.figureLabel.Hide()
	p.save = widget.NewButtonWithIcon("Export plots and metrics…", theme.DocumentSaveIcon(), onExport)
	p.curves = container.NewGridWithRows(2, p.loss, p.acc)
	p.fit.Hide()
	p.testErr.Hide()
	// One row above the plots for the choice and the export, so that the plots keep the height.
	top := container.NewBorder(nil, nil, p.figureLabel, p.save, p.figure)
	p.content = container.NewBorder(top, nil, nil, nil, container.NewStack(p.curves, p.fit, p.testErr))
	p.last = &plotsView{figures: report.Figures{Loss: idle, Accuracy: p.acc.chart}}
	return p
}

// show puts the figures of v on screen.
func (p *curvesPanel) show(v *plotsView) {
	p.last = v
	f := v.figures
	p.loss.setChart(f.Loss)
	p.acc.setChart(f.Accuracy)
	if f.Sweep {
		p.fit.setChart(f.Fit)
		p.testErr.setChart(f.TestError)
		p.setChoices(f.Choices)
		p.figure.Show()
		p.figureLabel.Show()
	} else {
		p.figure.Hide()
		p.figureLabel.Hide()
	}
	p.arrange()
}

// setChoices names the three views of a sweep (nil: the curves and Figures 1b and 1c),
// keeping the view picked.
func (p *curvesPanel) setChoices(names *[3]string) {
	want := []string{showCurves, showFit, showTest}
	if names != nil {
		want = names[:]
	}
	if slices.Equal(p.figure.Options, want) {
		return
	}
	i := max(slices.Index(p.figure.Options, p.figure.Selected), 0)
	p.figure.Options = append([]string(nil), want...)
	p.figure.Selected = want[i]
	p.figure.Refresh()
}

// arrange shows the figure picked (the curves for an experiment that is not a sweep): the
// first, second or third of the sweep's views.
func (p *curvesPanel) arrange() {
	pick := showCurves
	if p.figure.Visible() {
		pick = [3]string{showCurves, showFit, showTest}[max(slices.Index(p.figure.Options, p.figure.Selected), 0)]
	}
	vis := func(o fyne.CanvasObject, on bool) {
		if on && !o.Visible() {
			o.Show()
		} else if !on && o.Visible() {
			o.Hide()
		}
	}
	vis(p.curves, pick == showCurves)
	vis(p.fit, pick == showFit)
	vis(p.testErr, pick == showTest)
}

// panes are the panel's plots.
func (p *curvesPanel) panes() []*plotPane { return []*plotPane{p.loss, p.acc, p.fit, p.testErr} }

// restyle redraws every plot in the theme's present colours.
func (p *curvesPanel) restyle() {
	for _, pp := range p.panes() {
		pp.restyle()
	}
}
