package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rethink/assets"
	"rethink/experiments"
	"rethink/experiments/report"
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
	d    *deps
	// style is the plots' colours, from the theme (updated when the theme changes).
	style report.Style

	presets                                              *presetsPanel
	custom                                               *customPanel
	data                                                 *dataView
	history                                              *historyPanel
	table1                                               *table1Panel
	left                                                 *container.AppTabs
	views                                                *container.AppTabs
	curvesTab, tableTab, filtersTab, dataTab, historyTab *container.TabItem
	// about says what the experiment on screen shows, what the paper found and how ours departs,
	// one wrapped paragraph each.
	about *widget.RichText

	// selected is what Start (and Ctrl+Enter) runs when the presets are on screen: the last
	// preset tapped.
	selected Preset
	// queue is the experiments to start after the running one, in order.
	queue []Preset
	// menu is the window's main menu, which carries the shortcuts.
	menu    *fyne.MainMenu
	content fyne.CanvasObject
	// workers is the Workers setting: the workers runs started here train on (nil: this
	// machine). It is kept in the app's preferences.
	workers []string
	// workerTimeout is the Workers setting's call timeout (experiments.Options.WorkerTimeout;
	// 0: tfgraph.RemoteTimeout).
	workerTimeout time.Duration
}

// New builds the content of the main window. run is the runner (experiments.Run; tests pass a
// fake) and resultsDir the root of the run folders. When w is not nil, New also installs the
// keyboard shortcuts (Ctrl+Enter start, Space pause, Escape stop) and a close intercept that
// stops a running experiment, keeping what it wrote, before the window closes. Call it on the
// UI goroutine:
//
//	w.SetContent(gui.New(a, w, experiments.Run, dir))
func New(a fyne.App, w fyne.Window, run RunFunc, resultsDir string) fyne.CanvasObject {
	setTheme(a, themeSystem)
	return newUI(a, w, run, resultsDir, defaultDeps()).content
}

func newUI(a fyne.App, w fyne.Window, run RunFunc, resultsDir string, d *deps) *ui {
	if resultsDir == "" {
		resultsDir = experiments.DefaultResultsDir()
	}
	u := &ui{app: a, win: w, d: d, style: themeStyle(), workers: loadWorkers(a), workerTimeout: loadWorkerTimeout(a)}
	c := &controller{run: run, resultsDir: resultsDir, win: w, workers: func() []string { return u.workers },
		workerTimeout: func() time.Duration { return u.workerTimeout }, runOnWorkers: experiments.RunOnWorkers, dataset: d.dataset}
	u.ctrl = c
	c.runPanel = newRunPanel(u.startOnScreen, c.TogglePause, c.Stop, func() { u.queue = nil; u.showQueue() })
	c.runPanel.where.SetText(workersLabel(u.workers))
	c.runPanel.where.OnTapped = u.showWorkers
	c.curves = newCurvesPanel(d, func() report.Style { return u.style }, u.export)
	style := func() report.Style { return u.style }
	c.table = newTablePanel(style)
	c.filters = newFiltersPanel(style)
	c.onStart = func() { u.table1.refresh() }
	c.onDone = func() {
		if c.sess != nil {
			u.table1.addTraces(c.sess.runs)
			// The Data tab shows the data of the experiment's last run, unless it shows some.
			if n := len(c.sess.runs); n > 0 && len(u.data.grid.Objects) == 0 && !u.ctrl.closing {
				u.loadData(c.sess.runs[n-1].cfg, false)
			}
		}
		u.reloadHistory()
		u.next()
	}

	all := d.presets()
	u.presets = newPresetsPanel(all, u.startPreset, u.editPreset)
	for _, p := range all {
		if p.Tier == experiments.Quick {
			u.selected = p
			break
		}
	}
	u.custom = newCustomPanel(d, u.startCustom, u.showData, c.showError)
	u.custom.onValid = func(bool) { u.updateStart() }
	for _, f := range u.custom.fields {
		f.entry.onEscape = u.escape
	}
	u.custom.name.onEscape, u.custom.dataDir.onEscape = u.escape, u.escape
	u.data = newDataView()
	u.history = newHistoryPanel(resultsDir, style, u.reloadHistory, u.openRuns)

	u.about = widget.NewRichText()
	u.about.Wrapping = fyne.TextWrapWord
	// The lines above the plots scroll in their own share of the height (a fifth to start
	// with; the divider moves it), so that the plots keep their room in a short window.
	aboutSplit := container.NewVSplit(container.NewVScroll(u.about), c.curves.content)
	aboutSplit.Offset = 0.2
	u.curvesTab = newTab("Curves", aboutSplit)
	u.table1 = newTable1Panel(all, u.presetState, u.runPresets)
	// The paper's table on top, the rows of the experiment on screen below.
	tables := container.NewVSplit(u.table1.content, c.table.content)
	tables.Offset = 0.72
	u.tableTab = newTab("Table 1", tables)
	u.filtersTab = newTab("Filters", c.filters.content)
	u.dataTab = newTab("Data", u.data.content)
	u.historyTab = newTab("History", u.history.content)
	u.views = container.NewAppTabs(u.curvesTab, u.tableTab, u.filtersTab, u.dataTab, u.historyTab)
	u.left = container.NewAppTabs(
		newTab("Presets", u.presets.content),
		newTab("Custom", u.custom.content))
	u.left.OnSelected = func(*container.TabItem) { u.updateStart() }
	c.runPanel.canStart = u.canStart
	split := container.NewHSplit(u.left, u.views)
	split.Offset = 0.4 // the custom form needs about 480 px
	u.content = container.NewBorder(container.NewVBox(container.NewPadded(c.runPanel.content), widget.NewSeparator()),
		nil, nil, nil, split)
	u.showSelected()
	u.setAbout(u.selected.Description, u.selected.PaperNote, u.selected.Departures())
	if w != nil {
		w.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
		u.installShortcuts()
		w.SetCloseIntercept(u.close)
	}
	if a != nil {
		// The plots follow the theme: a change of theme (or of the desktop's light or dark
		// preference) redraws them in its colours. Fyne calls this on the UI goroutine.
		a.Settings().AddListener(func(fyne.Settings) {
			u.style = themeStyle()
			c.curves.restyle()
			c.table.show(c.table.rows) // the runs' swatches
			c.filters.redraw()
			u.history.list.Refresh()
		})
	}
	u.reloadHistory()
	return u
}

// showSelected names the selected experiment in the run strip and, while nothing runs, says
// what it is on the strip's second line (its tier, expected time and runs), with the idle
// hint and an empty bar: nothing the strip said of another experiment stays under its name.
func (u *ui) showSelected() {
	u.ctrl.runPanel.experiment.SetText(u.selected.Title)
	if !u.ctrl.running {
		u.ctrl.runPanel.showProgress(progressView{text: idleHint, info: presetMeta(u.selected) + " · results go to " + u.ctrl.resultsDir})
	}
}

// startPreset is a tap on a preset: select it and start it, or, while an experiment runs,
// offer to queue it or to stop the running one.
func (u *ui) startPreset(p Preset) {
	if u.ctrl.running {
		u.offerQueue(p)
		return
	}
	u.selected = p
	u.startSelected()
}

// startOnScreen is Start and Ctrl+Enter: it starts what the left pane shows, the custom form
// (when it is valid) or the selected preset.
func (u *ui) startOnScreen() {
	if u.left.SelectedIndex() == 1 {
		if cfg, err := u.custom.Config(); err == nil {
			u.startCustom(cfg)
		}
		return
	}
	if u.ctrl.running {
		return
	}
	u.startSelected()
}

// canStart says whether Start can start what is on screen: not a custom form that is invalid.
func (u *ui) canStart() bool { return u.left.SelectedIndex() != 1 || u.custom.valid }

// updateStart enables Start when nothing runs and what is on screen can start.
func (u *ui) updateStart() {
	if !u.ctrl.running {
		u.ctrl.runPanel.setRunning(false, false)
	}
}

func (u *ui) startSelected() { u.start(true) }

// start starts the selected experiment; with checkData it first offers to download CIFAR-10
// when a run needs it and it is absent.
func (u *ui) start(checkData bool) {
	if u.ctrl.running {
		return
	}
	p := u.selected
	if dir, missing := missingCIFAR(p.Runs); checkData && missing && u.win != nil {
		// The strip names this experiment and says where it stands: not the end of the last one.
		u.showSelected()
		u.notStarted("waiting for CIFAR-10, which is not in " + dir)
		failed := func(err error) {
			u.notStarted("not started: CIFAR-10 could not be downloaded")
			u.ctrl.showError(err)
		}
		cancelled := func() { u.notStarted("not started: the CIFAR-10 download was cancelled") }
		offerCIFARDownload(u.win, u.d, u.ctrl.present, dir, failed, cancelled, func() { u.start(false) })
		return
	}
	u.showSelected()
	u.setAbout(p.Description, p.PaperNote, p.Departures())
	u.views.Select(viewOf(p.Runs).tab(u, p))
	u.ctrl.Start(p)
}

// notStarted says in the run strip why the selected experiment has not started, with an empty
// bar (what the strip said of the last experiment, "finished" or its runs, is gone). It does
// nothing while an experiment runs.
func (u *ui) notStarted(why string) {
	if u.ctrl.running {
		return
	}
	u.ctrl.runPanel.showProgress(progressView{text: why, info: presetMeta(u.selected) + " · results go to " + u.ctrl.resultsDir})
}

// presetState is "running" or "queued" for a preset that is, else "".
func (u *ui) presetState(p Preset) string {
	if u.ctrl.running && u.ctrl.sess != nil && u.ctrl.sess.preset.ID == p.ID {
		return "running"
	}
	for _, q := range u.queue {
		if q.ID == p.ID {
			return "queued"
		}
	}
	return ""
}

// runPresets runs ps one after the other, after what runs and is queued (Table 1's buttons).
func (u *ui) runPresets(ps []Preset) {
	u.queue = append(u.queue, ps...)
	u.showQueue()
	u.next()
}

// setAbout shows what the experiment shows, the paper's finding ("Paper: ...") and how ours
// departs ("Here: ..."), leaving out the empty ones.
func (u *ui) setAbout(what, paper, here string) {
	var segs []widget.RichTextSegment
	add := func(lead, text string) {
		if text == "" {
			return
		}
		if lead != "" {
			segs = append(segs, &widget.TextSegment{Text: lead + " ", Style: widget.RichTextStyle{Inline: true, TextStyle: fyne.TextStyle{Bold: true}}})
		}
		segs = append(segs, &widget.TextSegment{Text: text, Style: widget.RichTextStyleParagraph})
	}
	add("", what)
	add("Paper:", paper)
	add("Here:", here)
	u.about.Segments = segs
	u.about.Refresh()
}

// aboutText is the text of the lines above the plots.
func (u *ui) aboutText() string { return u.about.String() }

func (u *ui) editPreset(p Preset) {
	if len(p.Runs) == 0 {
		return
	}
	u.custom.LoadPreset(p)
	u.left.SelectIndex(1)
}

func (u *ui) startCustom(cfg experiments.Config) {
	p := Preset{ID: "custom", Group: "Custom", Title: "Custom: " + cfg.Name, Tier: "custom",
		Description: "A run set up in the custom panel.", Runs: u.custom.Runs(cfg)}
	if lp := u.custom.preset; lp != nil && len(p.Runs) > 1 { // a preset's runs, edited
		p.Title, p.Description, p.PaperNote = "Custom: "+shortTitle(*lp), lp.Description, lp.PaperNote
		p.Paper = lp.Paper
	}
	if u.ctrl.running {
		u.offerQueue(p)
		return
	}
	u.selected = p
	u.startSelected()
}

// showData loads and randomizes cfg's data on a goroutine and shows it in the data view;
// CIFAR-10 that is not there yet is offered for download first.
func (u *ui) showData(cfg experiments.Config) {
	if dir, missing := missingCIFAR([]experiments.Config{cfg}); missing && u.win != nil {
		offerCIFARDownload(u.win, u.d, u.ctrl.present, dir, u.ctrl.showError, nil, func() { u.loadData(cfg, true) })
		return
	}
	u.loadData(cfg, true)
}

// loadData loads cfg's data into the data view, bringing the view forward when show is set
// (and saying nothing of an error when it is not: the view says it could not load).
func (u *ui) loadData(cfg experiments.Config, show bool) {
	if show {
		u.views.Select(u.dataTab)
	}
	u.data.title.SetText(fmt.Sprintf("Loading %s and applying %s…", cfg.Dataset, modeName(cfg.Randomization.Mode)))
	u.d.background(func() {
		title, thumbs, err := u.d.loadData(context.Background(), cfg)
		fyne.Do(func() {
			if err != nil {
				u.data.title.SetText("Could not load the data.")
				if show {
					u.ctrl.showError(explain(err))
				}
				return
			}
			u.data.show(title, thumbs)
		})
	})
}

// reloadHistory rereads the results folder on a goroutine.
func (u *ui) reloadHistory() {
	root := u.history.root
	u.d.background(func() {
		recs, err := readHistory(root)
		fyne.Do(func() {
			u.history.show(recs, err)
			u.table1.addRecords(recs)
		})
	})
}

// openRuns shows stored runs as one experiment, overlaid, when no experiment is running: the
// runs in the order they ran (the history lists the newest first), each in the colour it had
// when it ran (report.SetColors: the seeds of one run as one group in one colour; a repeat of a
// run with the same seed, told apart by the time it ran, takes a free colour after the first),
// and the run strip names them instead of the experiment shown before.
func (u *ui) openRuns(recs []experiments.RunRecord) {
	if u.ctrl.running || len(recs) == 0 {
		if u.ctrl.running {
			u.ctrl.showError(fmt.Errorf("stop the running experiment before opening old runs"))
		}
		return
	}
	recs = slices.Clone(recs)
	slices.SortStableFunc(recs, func(a, b experiments.RunRecord) int {
		return strings.Compare(filepath.Base(a.Dir), filepath.Base(b.Dir)) // folders start with the time they ran
	})
	// Runs that differ only by seed show as one group (median and range), as they did when
	// they ran; a run reopened with a repeat of itself (the same seed, run again) is told
	// apart from it by the time it ran.
	keys, repeats := make([]string, len(recs)), map[string]int{}
	for i, r := range recs {
		keys[i] = report.RepeatKey(report.FromRecord(r))
		repeats[keys[i]]++
	}
	u.d.background(func() {
		s := &session{title: reopenedTitle(recs)}
		var problems []string
		done := 0
		for i, r := range recs {
			snaps, err := experiments.ReadFilterSnapshots(r.Dir)
			if err != nil { // the curves and the table are still worth showing: say what is missing
				problems = append(problems, fmt.Sprintf("the filters of %s could not be read (%v)", filepath.Base(r.Dir), err))
			}
			t := recordTrace(i, r, snaps)
			if repeats[keys[i]] > 1 {
				t.tag = runTime(r.Dir)
			}
			if r.Summary.Status == experiments.StatusDone {
				done++
			}
			s.runs = append(s.runs, t)
		}
		colorTraces(s.runs)
		dirs := make([]string, len(recs))
		for i, r := range recs {
			dirs[i] = filepath.Base(r.Dir)
		}
		status := "reopened"
		if len(recs) > 1 {
			status = fmt.Sprintf("reopened: %d of %d runs finished", done, len(recs))
		} else if st := recs[0].Summary.Status; st != "" && st != experiments.StatusDone {
			status = "reopened: the run " + string(st)
		}
		if len(problems) > 0 {
			status += ", but " + strings.Join(problems, "; ")
		}
		// The bar says how many of the runs finished, not how far the last experiment got.
		prog := &progressView{frac: float64(done) / float64(len(recs)), text: status, info: "from " + strings.Join(dirs, ", ")}
		v := view{plots: s.renderPlots(), table: tableRows(s.runs), filters: s.filterSources(), progress: prog, fresh: true}
		fyne.Do(func() {
			if u.ctrl.running {
				return
			}
			u.ctrl.sess = s
			u.ctrl.show(v)
			u.ctrl.runPanel.experiment.SetText(s.title)
			u.setAbout("Reopened from "+u.history.root, "", "")
			u.views.Select(u.curvesTab)
		})
	})
}

// reopenedTitle names reopened runs in the run strip: one run by its preset's title and its
// name ("Figure 1a (quick) · random labels"), several by their number.
func reopenedTitle(recs []experiments.RunRecord) string {
	if len(recs) > 1 {
		return fmt.Sprintf("%d runs from the history", len(recs))
	}
	r := recs[0]
	name := report.FromRecord(r).Label()
	if p, err := experiments.PresetByID(r.Config.Preset); err == nil && p.Title != "" {
		return p.Title + " · " + name
	}
	return name
}

// runTime is the time of day a run folder was made ("04:40:09" from
// "20261127-044009-random-labels"), or the folder's name when it is not of that form.
func runTime(dir string) string {
	b := filepath.Base(dir)
	if len(b) >= 15 && b[8] == '-' {
		return b[9:11] + ":" + b[11:13] + ":" + b[13:15]
	}
	return b
}

// close is the window's close button and Ctrl+Q. While an experiment runs it asks first (Enter
// quits, Esc keeps running); quitting stops the run, which keeps what it wrote in its folder,
// and closes the window once the run ended (or after closeGrace).
func (u *ui) close() {
	if !u.ctrl.running {
		u.win.Close()
		return
	}
	if u.ctrl.closing {
		return
	}
	where := u.ctrl.resultsDir
	if t := u.ctrl.sess.run(u.ctrl.sess.cur); t != nil && t.dir != "" {
		where = t.dir
	}
	msg := widget.NewLabel(fmt.Sprintf("%q is still running.\n\nQuit stops it. Its run folder is kept, with what it wrote so far:\n%s", u.ctrl.sess.title, where))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Quit while a run is in progress?", "Quit (Enter)", "Keep running (Esc)", msg, func(quit bool) {
		if quit {
			u.quitRunning()
		}
	}, u.win)
	d.Resize(fyne.NewSize(560, 220))
	u.ctrl.present(d, u.quitRunning)
}

// quitRunning stops the run and closes the window when it ended (show), or after closeGrace
// if it has not: not twice.
func (u *ui) quitRunning() {
	if u.ctrl.closing || !u.ctrl.running {
		return
	}
	u.ctrl.closing = true
	u.ctrl.stop("stopping the run; the window closes when it has saved its state…")
	time.AfterFunc(closeGrace, func() {
		fyne.Do(func() {
			if u.ctrl.running {
				u.win.Close()
			}
		})
	})
}
