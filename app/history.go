package app

import (
	"fmt"
	"image/color"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/report"
)

// readHistory reads every run folder under root, newest first. It reads files: call it off the
// UI goroutine.
func readHistory(root string) ([]experiments.RunRecord, error) {
	dirs, err := experiments.ListRuns(root)
	if err != nil {
		return nil, err
	}
	recs := make([]experiments.RunRecord, 0, len(dirs))
	for _, d := range dirs {
		rec, err := experiments.ReadRun(d)
		if err != nil {
			continue // a folder being written or broken: skip it, the others still help
		}
		recs = append(recs, rec)
	}
	slices.Reverse(recs)
	return recs, nil
}

// historyPanel lists earlier runs from the results folder; they can be reopened (curves, table
// and filters as if they had just run) and compared with each other.
type historyPanel struct {
	root string
	recs []experiments.RunRecord
	// colors are the runs' colours (report.ColorsOf: each run's colour in its preset, the one
	// it had when it ran and has when reopened alone); style gives them on screen.
	colors  []int
	style   func() report.Style
	chosen  map[int]bool
	list    *widget.List
	status  *hint
	open    *widget.Button
	refresh *widget.Button
	content fyne.CanvasObject
}

func newHistoryPanel(root string, style func() report.Style, onRefresh func(), onOpen func([]experiments.RunRecord)) *historyPanel {
	h := &historyPanel{root: root, style: style, chosen: map[int]bool{}}
	h.list = widget.NewList(
		func() int { return len(h.recs) },
		func() fyne.CanvasObject {
			c := widget.NewCheck("", nil)
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewHBox(c, newSwatch(color.Transparent)), nil, l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			l := row.Objects[0].(*widget.Label)
			left := row.Objects[1].(*fyne.Container)
			c := left.Objects[0].(*widget.Check)
			setSwatch(left.Objects[1].(*fyne.Container), h.style().Color(h.colors[id]), true)
			r := h.recs[id]
			l.SetText(historyLine(r))
			c.OnChanged = nil
			c.SetChecked(h.chosen[id])
			c.OnChanged = func(on bool) { h.chosen[id] = on; h.updateButtons() }
		})
	h.status = newHint("Runs are read from "+root, false)
	h.open = widget.NewButtonWithIcon("Open / compare ticked runs", theme.FolderOpenIcon(), func() {
		var recs []experiments.RunRecord
		for i, r := range h.recs {
			if h.chosen[i] {
				recs = append(recs, r)
			}
		}
		onOpen(recs)
	})
	h.open.Disable()
	h.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), onRefresh)
	h.content = container.NewBorder(nil, container.NewVBox(h.status, container.NewHBox(h.open, h.refresh)), nil, nil, h.list)
	return h
}

func historyLine(r experiments.RunRecord) string {
	name := r.Config.Name
	if name == "" {
		name = filepath.Base(r.Dir)
	}
	s := r.Summary
	status := s.Status
	if status == "" {
		status = "no summary"
	}
	acc := ""
	if s.Epochs > 0 {
		acc = fmt.Sprintf(" · train %s%% · test %s%%", pct(s.FinalTrainAcc), pct(s.FinalTestAcc))
	} else if n := len(r.Metrics); n > 0 {
		acc = fmt.Sprintf(" · train %s%% · test %s%%", pct(r.Metrics[n-1].TrainAcc), pct(r.Metrics[n-1].TestAcc))
	}
	what := r.Config.Model.String()
	if k := r.Config.KindName(); !r.Config.TrainsSGD() {
		what = k // another kind's config carries an unused model
	}
	return fmt.Sprintf("%s · %s · %s · %s%s", filepath.Base(r.Dir), name, what, status, acc)
}

func (h *historyPanel) updateButtons() {
	for _, on := range h.chosen {
		if on {
			h.open.Enable()
			return
		}
	}
	h.open.Disable()
}

// show replaces the list (UI goroutine).
func (h *historyPanel) show(recs []experiments.RunRecord, err error) {
	h.recs = recs
	h.colors = make([]int, len(recs))
	for i, r := range recs {
		h.colors[i] = report.ColorsOf([]experiments.Config{r.Config})[0]
	}
	h.chosen = map[int]bool{}
	h.updateButtons()
	h.list.Refresh()
	if err != nil {
		h.status.SetText(fmt.Sprintf("%s: %v", h.root, err))
		return
	}
	h.status.SetText(fmt.Sprintf("%s in %s; tick some and open them to compare", experiments.Count(len(recs), "run"), h.root))
}

// recordTrace turns a stored run into a trace, as if it had just run.
func recordTrace(i int, r experiments.RunRecord, snaps []experiments.FiltersReady) *trace {
	t := newTrace(i, r.Config)
	t.dir = r.Dir
	run := report.FromRecord(r)
	t.epochs, t.lossStep, t.loss, t.summary, t.fitStep = run.Epochs, run.LossStep, run.Loss, run.Summary, run.FitStep
	t.done = true
	t.filters = snaps
	return t
}
