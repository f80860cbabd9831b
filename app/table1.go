package app

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/report"
)

// table1Panel is the paper's Table 1: its 19 rows, always shown, each with the paper's train
// and test accuracy (CIFAR-10) and ours once run, the median and range over every finished
// run of the row (seeds, repeats, this session's and the results folder's), a button to run
// the row and one to run every row that has no result yet. Its header stays in place while the
// rows scroll. Use it on the UI goroutine.
type table1Panel struct {
	presets []Preset // every Table 1 preset, of both tiers
	tier    *widget.RadioGroup
	body    *fyne.Container
	runAll  *widget.Button
	content fyne.CanvasObject
	// results holds the finished runs by row key, then by run folder (a run seen both live and
	// in the history counts once).
	results map[string]map[string]result
	// state says what a preset is doing now ("running", "queued"), by preset ID.
	state func(Preset) string
	onRun func([]Preset)
	// rows are the rows on screen (tests read them).
	rows []table1Line
}

// result is a finished run's final accuracies, fractions.
type result struct{ train, test float64 }

// table1Line is one row as shown.
type table1Line struct {
	preset                 Preset
	paperTrain, paperTest  string
	train, test, runs, act string
}

// table1Weights are the widths of its columns in pixels (columnsLayout.firstTakesRest): row,
// paper train, paper test, ours train, ours test, runs, and the run button. The row's name takes
// what the others leave (at least 120): the longest ("Inception, random crop, weight decay") is
// whole in a 1280-pixel window, and the numbers, with room for a range over seeds
// ("[99.90–100.00]"), stay whole in a narrower one.
var table1Weights = []float32{120, 64, 64, 116, 116, 68, 42}

func newTable1Panel(all []Preset, state func(Preset) string, onRun func([]Preset)) *table1Panel {
	p := &table1Panel{results: map[string]map[string]result{}, state: state, onRun: onRun}
	for _, ps := range all {
		if ps.Group == "Table 1" && len(ps.Runs) > 0 {
			p.presets = append(p.presets, ps)
		}
	}
	p.tier = widget.NewRadioGroup([]string{string(experiments.Quick), string(experiments.Paper)}, func(string) { p.refresh() })
	p.tier.Horizontal, p.tier.Required = true, true
	p.tier.Selected = string(experiments.Quick)
	p.runAll = widget.NewButtonWithIcon("Run all missing rows", theme.MediaPlayIcon(), func() {
		var missing []Preset
		for _, l := range p.rows {
			if l.runs == "" && l.act == "" {
				missing = append(missing, l.preset)
			}
		}
		if len(missing) > 0 {
			p.onRun(missing)
		}
	})
	head := container.New(columnsLayout{weights: table1Weights, firstTakesRest: true})
	for _, h := range []string{"Table 1 row", "paper\ntrain %", "paper\ntest %", "ours\ntrain %", "ours\ntest %", "runs", ""} {
		head.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	p.body = container.New(columnsLayout{weights: table1Weights, firstTakesRest: true})
	note := newHint("The paper's numbers are on CIFAR-10; the quick rows run on MNIST (see each preset). "+
		"Ours: median over the finished runs of a row, with the range when there are several.", true)
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Tier"), p.tier), p.runAll), head)
	p.content = container.NewBorder(top, note, nil, nil, container.NewVScroll(p.body))
	p.refresh()
	return p
}

// rowKey identifies a Table 1 row from a run's config, whatever its name and seed: the data,
// the model and the regularizers.
func rowKey(c experiments.Config) string {
	return fmt.Sprintf("%s|%d|%s|%s|%g|%v|%v|%g", c.Dataset, c.TrainSize, c.Model.String(), c.Randomization.Mode,
		c.Randomization.P, c.RandomCrop, c.Flip, c.WeightDecay)
}

// add records a finished run (id: its folder, unique).
func (p *table1Panel) add(cfg experiments.Config, id string, r result) {
	k := rowKey(cfg)
	if p.results[k] == nil {
		p.results[k] = map[string]result{}
	}
	p.results[k][id] = r
}

// addRecords records the finished runs of the results folder.
func (p *table1Panel) addRecords(recs []experiments.RunRecord) {
	for _, rec := range recs {
		if rec.Summary.Status == experiments.StatusDone && len(rec.Metrics) > 0 {
			m := rec.Metrics[len(rec.Metrics)-1]
			p.add(rec.Config, rec.Dir, result{m.TrainAcc, m.TestAcc})
		}
	}
	p.refresh()
}

// addTraces records the runs of an experiment that finished.
func (p *table1Panel) addTraces(runs []*trace) {
	for _, t := range runs {
		if !t.done || t.err != nil || len(t.epochs) == 0 || t.divergedNote() != "" {
			continue
		}
		id := t.dir
		if id == "" {
			id = fmt.Sprintf("%p", t)
		}
		m := t.epochs[len(t.epochs)-1]
		p.add(t.cfg, id, result{m.TrainAcc, m.TestAcc})
	}
	p.refresh()
}

// summary is "median" or "median (min–max)" of vs, in percent.
func summary(vs []float64) string {
	if len(vs) == 0 {
		return "–"
	}
	sort.Float64s(vs)
	n := len(vs)
	med := vs[n/2]
	if n%2 == 0 {
		med = (vs[n/2-1] + vs[n/2]) / 2
	}
	if n == 1 {
		return report.Pct(med)
	}
	return fmt.Sprintf("%s (%s–%s)", report.Pct(med), report.Pct(vs[0]), report.Pct(vs[n-1]))
}

// refresh rebuilds the rows of the chosen tier.
func (p *table1Panel) refresh() {
	p.rows = p.rows[:0]
	var objs []fyne.CanvasObject
	for _, ps := range p.presets {
		if string(ps.Tier) != p.tier.Selected {
			continue
		}
		l := table1Line{preset: ps, paperTrain: "–", paperTest: "–", train: "–", test: "–"}
		if len(ps.Paper) > 0 {
			l.paperTrain, l.paperTest = report.Pct(ps.Paper[0].Train/100), report.Pct(ps.Paper[0].Test/100)
		}
		var trains, tests []float64
		seen := map[string]bool{} // runs that differ only by seed share a row key: count each once
		for _, cfg := range ps.Runs {
			k := rowKey(cfg)
			if seen[k] {
				continue
			}
			seen[k] = true
			for _, r := range p.results[k] {
				trains, tests = append(trains, r.train), append(tests, r.test)
			}
		}
		if len(trains) > 0 {
			l.train, l.test, l.runs = summary(trains), summary(tests), itoa(len(trains))
		}
		if p.state != nil {
			l.act = p.state(ps)
		}
		p.rows = append(p.rows, l)
		// The row's name wraps: truncated in a narrow window, "Inception, ra…" named two rows.
		name := widget.NewLabel(strings.TrimSuffix(strings.TrimPrefix(ps.Title, "Table 1: "), " ("+string(ps.Tier)+")"))
		name.Wrapping = fyne.TextWrapWord
		runs := l.runs
		if l.act != "" {
			runs = strings.TrimSpace(l.act + " " + runs)
		} else if runs == "" {
			runs = "not run"
		}
		run := widget.NewButtonWithIcon("", theme.MediaPlayIcon(), func() { p.onRun([]Preset{ps}) })
		run.Importance = widget.LowImportance
		if l.act != "" {
			run.Disable()
		}
		objs = append(objs, name, newHint(l.paperTrain, false), newHint(l.paperTest, false),
			cell(l.train), cell(l.test), cell(runs), run)
	}
	p.body.Objects = objs
	p.body.Refresh()
}

// cell is a label that truncates.
func cell(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}
