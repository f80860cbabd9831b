package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments/report"
)

// tableRow is one line of the results table (report.Row: the paper's Table 1 form).
type tableRow = report.Row

// shown is the row as the panel shows it: the data column is left to the export (the run's
// name and the experiment's description above the curves say it).
func shown(r tableRow) []string {
	return []string{r.Run, r.Model, r.Status, r.Train, r.Test, r.PaperTrain, r.PaperTest, r.FitStep, r.BestTest}
}

// shownHeader is the header of the shown columns, short enough to fit their columns at the
// narrowest window (the export writes report.Header's longer names).
var shownHeader = []string{"run", "model", "status", "train %", "test %", "paper\ntrain %", "paper\ntest %", "fit at\nstep", "best\ntest %"}

// columnWeights are the relative widths of the shown columns (run names are long, numbers
// short).
var columnWeights = []float32{2.4, 1.6, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.3}

// columnsLayout lays objects out in rows of len(weights) cells, each column as wide as its
// weight's share of the width, each row as high as its tallest cell. With firstTakesRest, the
// weights are pixels: every column but the first is as wide as its weight and the first takes
// the rest, when that is at least its own weight; narrower, all share the width by weight.
type columnsLayout struct {
	weights        []float32
	firstTakesRest bool
}

func (l columnsLayout) rows(objs []fyne.CanvasObject) [][]fyne.CanvasObject {
	n := len(l.weights)
	var out [][]fyne.CanvasObject
	for i := 0; i < len(objs); i += n {
		out = append(out, objs[i:min(i+n, len(objs))])
	}
	return out
}

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, row := range l.rows(objs) {
		var rh float32
		for _, o := range row {
			rh = max(rh, o.MinSize().Height)
		}
		h += rh
	}
	return fyne.NewSize(float32(len(l.weights))*40, h)
}

// widths is the width of each column in a layout width wide.
func (l columnsLayout) widths(width float32) []float32 {
	var total float32
	for _, w := range l.weights {
		total += w
	}
	out := make([]float32, len(l.weights))
	if rest := width - (total - l.weights[0]); l.firstTakesRest && rest >= l.weights[0] {
		copy(out, l.weights)
		out[0] = rest
		return out
	}
	for i, w := range l.weights {
		out[i] = width * w / total
	}
	return out
}

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	widths := l.widths(size.Width)
	var y float32
	for _, row := range l.rows(objs) {
		// Each cell gets its width first: a label that wraps is as tall as its lines at that
		// width, and the row as tall as its tallest cell.
		for i, o := range row {
			if o.Size().Width != widths[i] {
				o.Resize(fyne.NewSize(widths[i], o.Size().Height))
			}
		}
		var rh float32
		for _, o := range row {
			rh = max(rh, o.MinSize().Height)
		}
		var x float32
		for i, o := range row {
			w := widths[i]
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(w, rh))
			x += w
		}
		y += rh
	}
}

// tableRows builds the table of the runs of an experiment, one row for the seeds of a run: a
// row with a run whose loss blew up says "diverged", and one whose runs never started because
// the experiment was stopped says "not run".
func tableRows(runs []*trace) []tableRow {
	rs := reportRuns(runs)
	rows := report.Rows(rs)
	group := report.GroupOf(rs)
	size, skipped, diverged := make([]int, len(rows)), make([]int, len(rows)), make([]bool, len(rows))
	for i, t := range runs {
		g := group[i]
		size[g]++
		if t.skipped {
			skipped[g]++
		}
		diverged[g] = diverged[g] || t.divergedNote() != ""
	}
	for g := range rows {
		switch {
		case diverged[g]:
			rows[g].Status = "diverged"
		case skipped[g] == size[g]:
			rows[g].Status = "not run"
		}
	}
	return rows
}

// tablePanel shows the results table with the paper's numbers beside ours, each row led by a
// square in the colour of its runs' curves.
type tablePanel struct {
	// style gives the colours of the runs' swatches (the plots' palette).
	style func() report.Style
	grid  *fyne.Container
	note  *hint
	rows  []tableRow
	// earlier holds the rows of the experiments run before in this session, newest first, so
	// that running Table 1's presets one by one fills the whole table.
	earlier []tableRow
	content fyne.CanvasObject
}

// maxEarlier bounds the rows kept from earlier experiments.
const maxEarlier = 200

// archive keeps the rows on screen as earlier rows (after an experiment ended).
func (p *tablePanel) archive() {
	if len(p.rows) == 0 {
		return
	}
	p.earlier = append(append([]tableRow(nil), p.rows...), p.earlier...)
	p.earlier = p.earlier[:min(len(p.earlier), maxEarlier)]
	p.rows = nil
}

// all is what the export writes: the rows on screen, then the earlier ones.
func (p *tablePanel) all() []tableRow {
	return append(append([]tableRow(nil), p.rows...), p.earlier...)
}

func newTablePanel(style func() report.Style) *tablePanel {
	p := &tablePanel{style: style, grid: container.New(columnsLayout{weights: columnWeights})}
	p.note = newHint("Ours are measured on the quick tier's data unless the preset is a paper one; "+
		"the paper's numbers are CIFAR-10 (Table 1 of Zhang et al. 2017).", true)
	p.show(nil)
	p.content = container.NewBorder(nil, p.note, nil, nil, container.NewScroll(container.NewVBox(p.grid)))
	return p
}

func (p *tablePanel) show(rows []tableRow) {
	p.rows = rows
	objs := make([]fyne.CanvasObject, 0, (len(rows)+1)*len(columnWeights))
	for _, h := range shownHeader {
		objs = append(objs, widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	addRows := func(rows []tableRow) {
		for _, r := range rows {
			for i, cell := range shown(r) {
				if i == 5 || i == 6 { // the paper's columns
					objs = append(objs, newHint(cell, false))
					continue
				}
				l := widget.NewLabel(cell)
				l.Truncation = fyne.TextTruncateEllipsis
				if i == 0 { // the run's name, after a square in the colour of its curves
					objs = append(objs, container.NewBorder(nil, nil, newSwatch(p.style().Color(r.Color)), nil, l))
					continue
				}
				objs = append(objs, l)
			}
		}
	}
	addRows(rows)
	if len(p.earlier) > 0 {
		objs = append(objs, widget.NewLabelWithStyle("earlier in this session", fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
		for range len(columnWeights) - 1 {
			objs = append(objs, widget.NewLabel(""))
		}
		addRows(p.earlier)
	}
	p.grid.Objects = objs
	p.grid.Refresh()
}
