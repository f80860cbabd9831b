package app

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// tableRow is one line of the results table, in the form of the paper's Table 1. Accuracies
// are percent strings ("–" when unknown).
type tableRow struct {
	Run, Model, Data, Status string
	Train, Test              string
	PaperTrain, PaperTest    string
	FitStep, BestTest        string
}

var tableHeader = tableRow{Run: "run", Model: "model", Data: "data", Status: "status",
	Train: "train %", Test: "test %", PaperTrain: "paper train %", PaperTest: "paper test %",
	FitStep: "fitted at step", BestTest: "best test % (early stop)"}

func (r tableRow) cells() []string {
	return []string{r.Run, r.Model, r.Data, r.Status, r.Train, r.Test, r.PaperTrain, r.PaperTest, r.FitStep, r.BestTest}
}

// tableRows builds the table of the runs of an experiment.
func tableRows(runs []*trace) []tableRow {
	rows := make([]tableRow, 0, len(runs))
	for _, t := range runs {
		train, test := t.finalAcc()
		r := tableRow{Run: t.label(), Model: t.cfg.Model.String(), Data: dataLabel(t), Status: t.status(),
			Train: pct(train), Test: pct(test), PaperTrain: "–", PaperTest: "–", FitStep: "–", BestTest: "–"}
		if t.paper != nil {
			r.PaperTrain, r.PaperTest = pct(t.paper.Train/100), pct(t.paper.Test/100)
		}
		if t.fitStep >= 0 {
			r.FitStep = thousands(int64(t.fitStep))
		}
		best := math.NaN()
		for _, m := range t.epochs {
			if !finite(best) || m.TestAcc > best {
				best = m.TestAcc
			}
		}
		if t.summary != nil && t.summary.BestTestStep >= 0 && t.summary.Epochs > 0 {
			best = t.summary.BestTestAcc
		}
		r.BestTest = pct(best)
		rows = append(rows, r)
	}
	return rows
}

func dataLabel(t *trace) string {
	c := t.cfg
	n := "all"
	if c.TrainSize > 0 {
		n = thousands(int64(c.TrainSize))
	}
	mode := string(c.Randomization.Mode)
	if mode == "" {
		mode = "true-labels"
	}
	if mode == "partial-labels" {
		mode = fmt.Sprintf("p=%.2g", c.Randomization.P)
	}
	return fmt.Sprintf("%s (%s), %s", c.Dataset, n, mode)
}

// tablePanel shows the results table with the paper's numbers beside ours.
type tablePanel struct {
	grid    *fyne.Container
	note    *widget.Label
	rows    []tableRow
	content fyne.CanvasObject
}

func newTablePanel() *tablePanel {
	p := &tablePanel{grid: container.NewGridWithColumns(len(tableHeader.cells()))}
	p.note = widget.NewLabel("Ours are measured on the quick tier's data unless the preset is a paper one; " +
		"the paper's numbers are CIFAR-10 (Table 1 of Zhang et al. 2017).")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.LowImportance
	p.show(nil)
	p.content = container.NewBorder(nil, p.note, nil, nil, container.NewScroll(container.NewVBox(p.grid)))
	return p
}

func (p *tablePanel) show(rows []tableRow) {
	p.rows = rows
	objs := make([]fyne.CanvasObject, 0, (len(rows)+1)*len(tableHeader.cells()))
	for _, h := range tableHeader.cells() {
		l := widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	for _, r := range rows {
		for i, cell := range r.cells() {
			l := widget.NewLabel(cell)
			l.Wrapping = fyne.TextWrapWord
			if i == 6 || i == 7 {
				l.Importance = widget.LowImportance
			}
			objs = append(objs, l)
		}
	}
	p.grid.Objects = objs
	p.grid.Refresh()
}
