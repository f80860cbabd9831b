package app

import (
	"fyne.io/fyne/v2/container"

	"rethink/experiments"
	"rethink/experiments/archnoise"
	"rethink/experiments/layers"
	"rethink/experiments/report"
	"rethink/experiments/theory"
)

// kindView is how the app shows the runs of one kind of experiment (experiments.Kind). Every
// kind sends the same events, so the run strip, the table and the history need nothing
// per kind; what differs is drawn here.
type kindView struct {
	// figures draws an experiment's runs for the Curves tab and the export (any goroutine).
	figures func(runs []report.Run) report.Figures
	// tab is the view tab brought forward when an experiment of the kind starts (UI goroutine).
	tab func(u *ui, p Preset) *container.TabItem
}

// kindViews maps the name of each kind of experiment to its view's constructor: adding a kind
// adds one entry (a test checks that every registered kind has one).
var kindViews = map[string]func() kindView{
	experiments.KindSGD: sgdView,
	theory.KindTheorem1: theoryView,
	theory.KindMinNorm:  theoryView,
	theory.KindKernel:   theoryView,
	layers.Kind:         layersView,
	archnoise.Kind:      archView,
}

// layersView shows what each layer learns (experiments/layers) on the Curves tab, 2x2, once
// each run has ended: probe accuracy per layer, CKA of the same layer, the layer-by-layer CKA
// heat map and a mosaic of top patches (report.LayersFigures); the run strip shows the stage
// (training a network, features, probes, Gram matrices, patches).
func layersView() kindView {
	return kindView{
		figures: report.LayersFigures,
		tab:     func(u *ui, p Preset) *container.TabItem { return u.curvesTab },
	}
}

// archView shows the strong-against-weak architecture sweep (package archnoise) on the Curves
// tab: the share of the clean signal kept above test accuracy, then the time to fit in steps
// and in seconds (report.ArchFigures), each filled as the runs end.
func archView() kindView {
	return kindView{
		figures: report.ArchFigures,
		tab:     func(u *ui, p Preset) *container.TabItem { return u.curvesTab },
	}
}

// theoryView shows the paper's explanations (package theory's kinds) on the Curves tab: the
// four figures of report.TheoryFigures, 2x2, drawn once each run has ended, while the run strip
// shows the stage and the table the headline numbers.
func theoryView() kindView {
	return kindView{
		figures: report.TheoryFigures,
		tab:     func(u *ui, p Preset) *container.TabItem { return u.curvesTab },
	}
}

// sgdView shows SGD training: loss and accuracy curves (and Figures 1b and 1c for a sweep over
// label corruption; the four early-stopping charts for the runs of an early-stopping preset,
// see report.EarlyStopFigures); the filters presets open on the Filters tab.
func sgdView() kindView {
	return kindView{
		figures: report.FiguresOf, // Charts, or the figures of an early-stopping preset
		tab: func(u *ui, p Preset) *container.TabItem {
			if p.Group == "Filters" {
				return u.filtersTab
			}
			return u.curvesTab
		},
	}
}

// viewOf is the view of the kind of runs (the first run's kind; SGD's for none, or for a kind
// without a view).
func viewOf(runs []experiments.Config) kindView {
	name := experiments.KindSGD
	if len(runs) > 0 {
		name = runs[0].KindName()
	}
	if v, ok := kindViews[name]; ok {
		return v()
	}
	return sgdView()
}
