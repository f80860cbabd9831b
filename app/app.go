package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/tfgraph"
)

// closeGrace is how long closing the window waits for a cancelled run to end before it closes
// anyway (a step of the paper's Inception on a slow CPU can take seconds).
const closeGrace = 15 * time.Second

// ui is the main window: the presets and custom panels on the left, the views of the running
// experiment on the right, the run strip on top.
type ui struct {
	app  fyne.App
	win  fyne.Window
	ctrl *controller

	presets                                              *presetsPanel
	custom                                               *customPanel
	data                                                 *dataView
	history                                              *historyPanel
	left                                                 *container.AppTabs
	views                                                *container.AppTabs
	curvesTab, tableTab, filtersTab, dataTab, historyTab *container.TabItem
	about                                                *widget.Label

	// selected is what Start (and Ctrl+Enter) runs: the last preset tapped or custom run.
	selected Preset
	content  fyne.CanvasObject
}

// New builds the content of the main window. run is the runner (experiments.Run; tests pass a
// fake) and resultsDir the root of the run folders. When w is not nil, New also installs the
// keyboard shortcuts (Ctrl+Enter start, Space pause, Escape stop) and a close intercept that
// stops a running experiment, keeping what it wrote, before the window closes. Call it on the
// UI goroutine:
//
//	w.SetContent(gui.New(a, w, experiments.Run, dir))
func New(a fyne.App, w fyne.Window, run RunFunc, resultsDir string) fyne.CanvasObject {
	return newUI(a, w, run, resultsDir).content
}

func newUI(a fyne.App, w fyne.Window, run RunFunc, resultsDir string) *ui {
	if resultsDir == "" {
		resultsDir = experiments.DefaultResultsDir()
	}
	u := &ui{app: a, win: w}
	c := &controller{run: run, resultsDir: resultsDir, win: w}
	u.ctrl = c
	c.runPanel = newRunPanel(u.startSelected, c.TogglePause, c.Stop)
	c.curves = newCurvesPanel(u.export)
	c.table = newTablePanel()
	c.filters = newFiltersPanel()
	c.onDone = u.reloadHistory

	all := presetList()
	u.presets = newPresetsPanel(all, u.startPreset, u.editPreset)
	for _, p := range all {
		if p.Tier == experiments.Quick {
			u.selected = p
			break
		}
	}
	u.custom = newCustomPanel(u.startCustom, u.showData, u.countParams, c.showError)
	u.data = newDataView()
	u.history = newHistoryPanel(resultsDir, u.reloadHistory, u.openRuns)

	u.about = widget.NewLabel("")
	u.about.Wrapping = fyne.TextWrapWord
	u.about.Importance = widget.LowImportance
	u.curvesTab = container.NewTabItem("Curves", container.NewBorder(u.about, nil, nil, nil, c.curves.content))
	u.tableTab = container.NewTabItem("Table 1", c.table.content)
	u.filtersTab = container.NewTabItem("Filters", c.filters.content)
	u.dataTab = container.NewTabItem("Data", u.data.content)
	u.historyTab = container.NewTabItem("History", u.history.content)
	u.views = container.NewAppTabs(u.curvesTab, u.tableTab, u.filtersTab, u.dataTab, u.historyTab)
	u.left = container.NewAppTabs(
		container.NewTabItem("Presets", u.presets.content),
		container.NewTabItem("Custom", u.custom.content))
	split := container.NewHSplit(u.left, u.views)
	split.Offset = 0.34
	u.content = container.NewBorder(container.NewVBox(container.NewPadded(c.runPanel.content), widget.NewSeparator()),
		nil, nil, nil, split)
	u.showSelected()
	if w != nil {
		u.installShortcuts()
		w.SetCloseIntercept(u.close)
	}
	u.reloadHistory()
	return u
}

func (u *ui) showSelected() {
	u.ctrl.runPanel.experiment.SetText(u.selected.Title)
}

// startPreset is a tap on a preset: select it and start it.
func (u *ui) startPreset(p Preset) {
	if u.ctrl.running {
		u.ctrl.showError(fmt.Errorf("%q is still running: stop it first (Escape)", u.ctrl.sess.title))
		return
	}
	u.selected = p
	u.startSelected()
}

func (u *ui) startSelected() {
	if u.ctrl.running {
		return
	}
	p := u.selected
	u.showSelected()
	about := p.Description
	if p.PaperNote != "" {
		about += "\nPaper: " + p.PaperNote
	}
	if p.Departures != "" {
		about += "\nHere: " + p.Departures
	}
	u.about.SetText(about)
	if p.Group == "Filters" {
		u.views.Select(u.filtersTab)
	} else {
		u.views.Select(u.curvesTab)
	}
	u.ctrl.Start(p)
}

func (u *ui) editPreset(p Preset) {
	if len(p.Runs) == 0 {
		return
	}
	u.custom.Load(p.Runs[0])
	u.left.SelectIndex(1)
}

func (u *ui) startCustom(cfg experiments.Config) {
	if u.ctrl.running {
		u.ctrl.showError(fmt.Errorf("an experiment is still running: stop it first (Escape)"))
		return
	}
	u.selected = Preset{ID: "custom", Group: "Custom", Title: "Custom: " + cfg.Name, Tier: "custom",
		Description: "A run set up in the custom panel.", Runs: []experiments.Config{cfg}}
	u.startSelected()
}

// countParams counts on a goroutine: building the scratch graph takes a moment.
func (u *ui) countParams(arch tfgraph.Architecture, channels int64) {
	go func() {
		n, err := countParams(arch, 28, 28, channels, 10)
		fyne.Do(func() { u.custom.setParams(arch, channels, n, err) })
	}()
}

// showData loads and randomizes cfg's data on a goroutine and shows it in the data view.
func (u *ui) showData(cfg experiments.Config) {
	u.views.Select(u.dataTab)
	u.data.title.SetText(fmt.Sprintf("Loading %s and applying %s…", cfg.Dataset, cfg.Randomization.Mode))
	go func() {
		title, thumbs, err := loadThumbs(context.Background(), cfg)
		fyne.Do(func() {
			if err != nil {
				u.data.title.SetText("Could not load the data.")
				u.ctrl.showError(explain(err))
				return
			}
			u.data.show(title, thumbs)
		})
	}()
}

// reloadHistory rereads the results folder on a goroutine.
func (u *ui) reloadHistory() {
	root := u.history.root
	go func() {
		recs, err := readHistory(root)
		fyne.Do(func() { u.history.show(recs, err) })
	}()
}

// openRuns shows stored runs as one experiment, overlaid, when no experiment is running.
func (u *ui) openRuns(recs []experiments.RunRecord) {
	if u.ctrl.running || len(recs) == 0 {
		if u.ctrl.running {
			u.ctrl.showError(fmt.Errorf("stop the running experiment before opening old runs"))
		}
		return
	}
	go func() {
		s := &session{title: fmt.Sprintf("%d runs from the history", len(recs))}
		names := map[string]int{}
		for i, r := range recs {
			snaps, _ := experiments.ReadFilterSnapshots(r.Dir)
			t := recordTrace(i, r, snaps)
			if names[t.label()]++; names[t.label()] > 1 || len(recs) > 1 {
				t.cfg.Name = fmt.Sprintf("%s (%s)", t.label(), filepath.Base(r.Dir))
			}
			s.runs = append(s.runs, t)
		}
		v := view{plots: s.renderPlots(), table: tableRows(s.runs), filters: s.filterSources()}
		fyne.Do(func() {
			if u.ctrl.running {
				return
			}
			u.ctrl.sess = s
			u.ctrl.show(v)
			u.ctrl.runPanel.experiment.SetText(s.title)
			u.about.SetText("Reopened from " + u.history.root)
			u.views.Select(u.curvesTab)
		})
	}()
}

// export asks for a folder and writes the plots, the table and the metrics there.
func (u *ui) export() {
	set := exportSet{plots: u.ctrl.curves.last, table: u.ctrl.table.rows, metrics: map[string][]experiments.Metrics{}}
	if !u.ctrl.running && u.ctrl.sess != nil {
		for _, t := range u.ctrl.sess.runs {
			set.order = append(set.order, t.label())
			set.metrics[t.label()] = t.epochs
		}
	}
	if u.win == nil {
		return
	}
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			u.ctrl.showError(err)
			return
		}
		if dir == nil {
			return
		}
		files, err := set.writeTo(dir.Path())
		if err != nil {
			u.ctrl.showError(err)
			return
		}
		msg := fmt.Sprintf("Wrote %d files to %s.", len(files), dir.Path())
		if u.ctrl.running {
			msg += "\nPer-epoch metrics are in each run's folder (metrics.csv) while it runs."
		}
		dialog.ShowInformation("Exported", msg, u.win)
	}, u.win)
}

// installShortcuts binds Ctrl+Enter (start), Space (pause or resume) and Escape (stop). Space
// and Escape act only when no text field has the focus.
func (u *ui) installShortcuts() {
	cv := u.win.Canvas()
	start := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	cv.AddShortcut(start, func(fyne.Shortcut) { u.startSelected() })
	enter := &desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault}
	cv.AddShortcut(enter, func(fyne.Shortcut) { u.startSelected() })
	cv.SetOnTypedKey(func(e *fyne.KeyEvent) {
		switch e.Name {
		case fyne.KeySpace:
			u.ctrl.TogglePause()
		case fyne.KeyEscape:
			u.ctrl.Stop()
		}
	})
}

// close stops a running experiment and closes the window once it ended (or after closeGrace).
func (u *ui) close() {
	if !u.ctrl.running {
		u.win.Close()
		return
	}
	u.ctrl.closing = true
	u.ctrl.Stop()
	u.ctrl.runPanel.status.SetText("stopping the run; the window closes when it has saved its state…")
	time.AfterFunc(closeGrace, func() { fyne.Do(u.win.Close) })
}
