package app

import (
	"context"
	"time"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/experiments/report"
	"rethink/tfgraph"
)

// deps is what the window takes from outside and tests replace: how slow work leaves the UI
// goroutine, the presets listed, how a model's parameters are counted, and the largest size a
// plot is drawn at. One value is shared by every panel of a window (through a pointer); change
// it on the UI goroutine only.
type deps struct {
	// background runs slow work (file reading, graph building, plot rendering) off the UI
	// goroutine; the work hands its result to the widgets through fyne.Do. Tests make it
	// synchronous: the test driver runs fyne.Do inline, so a real goroutine would race with
	// the test's own widget reads.
	background func(func())
	// presets lists the presets of the presets panel.
	presets func() []Preset
	// countParams counts a model's parameters (a scratch graph: tests avoid building it).
	countParams func(a tfgraph.Architecture, h, w, c, classes int64) (int64, error)
	// loadData reads and randomizes a config's data for the data view (tests avoid reading
	// the data sets).
	loadData func(ctx context.Context, cfg experiments.Config) (string, []thumb, error)
	// downloadStall is how long a download may go without a byte (or an answer) before it is
	// given up: a server that never answers would otherwise leave "connecting…" up for ever.
	downloadStall time.Duration
	// probeWorker checks a worker's version and lists its devices (the Workers setting's Check).
	probeWorker func(addr string) (experiments.WorkerInfo, error)
	// dataset, when not nil, replaces the data set every run reads (experiments.Options.Dataset:
	// tests pass small data they make); nil in the app.
	dataset *data.Dataset
	// maxPlot bounds the pixel size plots are rendered at (tests render small: the race
	// detector makes rendering slow). Zero values bound nothing.
	maxPlot report.Size
}

// defaultDeps are the real ones.
func defaultDeps() *deps {
	return &deps{
		background:    func(f func()) { go f() },
		presets:       experiments.Presets,
		countParams:   tfgraph.CountParams,
		loadData:      loadThumbs,
		downloadStall: 30 * time.Second,
		probeWorker:   experiments.ProbeWorker,
	}
}
