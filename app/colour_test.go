package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/experiments/report"
)

// registered is a registered preset by id.
func registered(t *testing.T, id string) Preset {
	t.Helper()
	p, err := experiments.PresetByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// seriesColors maps the named series of a chart to their colours.
func seriesColors(c report.Chart) map[string]int {
	m := map[string]int{}
	for _, s := range c.Series {
		if s.Name != "" {
			m[s.Name] = s.Color
		}
	}
	return m
}

// writeRecord writes a finished run of cfg into a run folder under root named after the time
// hhmmss, as the engine does, and returns its record.
func writeRecord(t *testing.T, root, hhmmss string, cfg experiments.Config) experiments.RunRecord {
	t.Helper()
	dir := filepath.Join(root, "20261127-"+hhmmss+"-"+strings.ReplaceAll(cfg.Name, " ", "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rows := []experiments.Metrics{{Epoch: 1, Step: 10, TrainLoss: 1, TrainAcc: 0.5, TestAcc: 0.4}, {Epoch: 2, Step: 20, TrainLoss: 0.1, TrainAcc: 1, TestAcc: 0.45}}
	sum := experiments.Summary{Name: cfg.Name, Status: experiments.StatusDone, Epochs: 2, Steps: 20, FinalTrainAcc: 1, FinalTestAcc: 0.45, FitStep: 20, BestTestStep: 20, BestTestAcc: 0.45}
	if err := errors.Join(experiments.WriteJSON(filepath.Join(dir, "config.json"), cfg),
		experiments.WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), rows),
		experiments.WriteJSON(filepath.Join(dir, "summary.json"), sum)); err != nil {
		t.Fatal(err)
	}
	rec, err := experiments.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// Each run has one colour everywhere: its curves (and so their legend entries) in the loss and
// accuracy plots, its row's square in the table, its side of the filters, its line of the
// history, and again when it is reopened, alone or with the others; runs that arrive or finish
// do not recolour the earlier ones.
func TestColours_OneColourPerRunEverywhere(t *testing.T) {
	f := &fakeRun{}
	u, _ := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	p := registered(t, "fig1a-quick")
	var once []experiments.Config // one seed of each of its runs: quick under the race detector
	var seed2 experiments.Config
	for _, c := range p.Runs {
		if !slices.ContainsFunc(once, func(o experiments.Config) bool { return o.Name == c.Name }) {
			once = append(once, c)
		} else if seed2.Name == "" {
			seed2 = c
		}
	}
	// Three of them, not the first: their colours are their places in the preset (2, 3, 4),
	// not their order here (0, 1, 2).
	p.Runs = once[2:5]
	want := map[string]int{}
	for i, c := range report.ColorsOf(p.Runs) {
		want[p.Runs[i].Name] = c
		if c != i+2 {
			t.Errorf("%s: colour %d, want its place in %s, %d", p.Runs[i].Name, c, p.ID, i+2)
		}
	}
	want[seed2.Name] = report.ColorsOf([]experiments.Config{seed2})[0]

	u.selected = p
	u.startSelected()
	var first map[string]int
	waitView(t, shown, func(v view) bool {
		if v.plots != nil && first == nil {
			first = seriesColors(v.plots.figures.Loss)
		}
		return v.done
	})
	figs := u.ctrl.curves.last.figures
	for _, r := range p.Runs {
		name, c := r.Name, want[r.Name]
		if got := seriesColors(figs.Loss)[name]; got != c {
			t.Errorf("%s: loss curve in colour %d, want %d", name, got, c)
		}
		if got := seriesColors(figs.Accuracy)[name]; got != c {
			t.Errorf("%s: accuracy curve in colour %d, want %d", name, got, c)
		}
		if got := first[name]; got != c {
			t.Errorf("%s: colour %d while the first run trained, %d at the end", name, got, c)
		}
	}
	st := u.style
	objs := u.ctrl.table.grid.Objects
	for i, row := range u.ctrl.table.rows {
		if row.Color != want[row.Run] {
			t.Errorf("table row %s: colour %d, want %d", row.Run, row.Color, want[row.Run])
		}
		cell := objs[(i+1)*len(columnWeights)].(*fyne.Container) // the run's cell: its name and swatch
		if got, wantC := swatchColor(cell.Objects[1].(*fyne.Container)), st.Color(want[row.Run]); got != wantC {
			t.Errorf("table row %s: swatch %v, want %v", row.Run, got, wantC)
		}
	}
	for i := range 2 {
		src := u.ctrl.filters.source(u.ctrl.filters.pick[i].Selected)
		if src == nil {
			t.Fatalf("filters side %d shows no run", i)
		}
		if got, wantC := swatchColor(u.ctrl.filters.swatch[i]), st.Color(want[src.name]); got != wantC {
			t.Errorf("filters side %d (%s): swatch %v, want %v", i, src.name, got, wantC)
		}
	}

	// The same runs stored, newest first in the history as on disk.
	var recs []experiments.RunRecord
	for i, cfg := range append(slices.Clone(p.Runs), seed2) { // and another seed of one
		recs = append(recs, writeRecord(t, u.history.root, fmt.Sprintf("0440%02d", i), cfg))
	}
	u.reloadHistory()
	if len(u.history.recs) != len(recs) {
		t.Fatalf("history: %d runs, want %d", len(u.history.recs), len(recs))
	}
	for i, r := range u.history.recs {
		if got := u.history.colors[i]; got != want[r.Config.Name] {
			t.Errorf("history: %s in colour %d, want %d", r.Config.Name, got, want[r.Config.Name])
		}
	}
	for _, r := range []experiments.RunRecord{recs[2], recs[len(recs)-1]} { // reopened alone
		u.openRuns([]experiments.RunRecord{r})
		if got := seriesColors(u.ctrl.curves.last.figures.Loss)[r.Config.Name]; got != want[r.Config.Name] {
			t.Errorf("%s reopened alone: colour %d, want %d", r.Config.Name, got, want[r.Config.Name])
		}
	}
	rev := slices.Clone(recs)
	slices.Reverse(rev)
	u.openRuns(rev) // all of them, as the history lists them: four different runs, no tags
	got := seriesColors(u.ctrl.curves.last.figures.Loss)
	for _, r := range recs {
		if c, ok := got[r.Config.Name]; !ok || c != want[r.Config.Name] {
			t.Errorf("%s reopened with the others: colour %d (drawn: %v), want %d", r.Config.Name, c, ok, want[r.Config.Name])
		}
	}
	if rows := u.ctrl.table.rows; rows[0].Run != p.Runs[0].Name {
		t.Errorf("reopened runs not in the order they ran: first row %q", rows[0].Run)
	}

	// The other seed of a run joins it: one group, one colour, one row. A repeat of a run
	// with the same seed is told apart by the time it ran, in a colour of its own.
	seed1 := seed2
	seed1.Seed = p.Runs[0].Seed
	again := writeRecord(t, u.history.root, "044100", p.Runs[0])
	u.openRuns(append(slices.Clone(recs), writeRecord(t, u.history.root, "044101", seed1), again))
	got = seriesColors(u.ctrl.curves.last.figures.Loss)
	if c, ok := got[seed2.Name]; !ok || c != want[seed2.Name] {
		t.Errorf("%s over two seeds: colour %d (drawn: %v), want one group in %d: %v", seed2.Name, c, ok, want[seed2.Name], got)
	}
	orig, repeat := p.Runs[0].Name+" @04:40:00", p.Runs[0].Name+" @04:41:00"
	if _, ok := got[orig]; !ok {
		t.Errorf("%s not drawn beside its repeat: %v", orig, got)
	}
	if c, ok := got[repeat]; !ok || c == got[orig] {
		t.Errorf("the repeat %s: colour %d (drawn: %v), want one of its own, not %d", repeat, c, ok, got[orig])
	}
	n := 0
	for _, row := range u.ctrl.table.rows {
		if strings.HasPrefix(row.Run, seed2.Name) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d table rows for %s over two seeds, want one", n, seed2.Name)
	}
}

// The run strip follows what is on screen: reopening a run names it (not the experiment that
// ran last) and drops "finished"; a download that fails or is cancelled says the experiment did
// not start, under its own name.
func TestRunStrip_FollowsReopenAndDownload(t *testing.T) {
	f := &fakeRun{}
	u, _ := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	test.Tap(u.presets.buttons["test-quick"])
	waitView(t, shown, func(v view) bool { return v.done })
	if s := u.ctrl.runPanel.status.Text; !strings.Contains(s, "finished") {
		t.Fatalf("status after the run: %q", s)
	}

	p := registered(t, "filters-quick")
	rec := writeRecord(t, u.history.root, "050000", p.Runs[1])
	u.openRuns([]experiments.RunRecord{rec})
	rp := u.ctrl.runPanel
	if got, want := rp.experiment.Text, p.Title+" · "+p.Runs[1].Name; got != want {
		t.Errorf("header after reopening: %q, want %q", got, want)
	}
	if s := rp.status.Text; s != "reopened" || rp.bar.Value != 1 || rp.of != 0 {
		t.Errorf("after reopening: status %q, bar %.2f, run strip of %d; want reopened, 1 (the run finished), none", s, rp.bar.Value, rp.of)
	}

	// A CIFAR-10 experiment whose download fails, then one whose download is cancelled.
	old := ensureCIFAR
	t.Cleanup(func() { ensureCIFAR = old })
	cfg := experiments.DefaultConfig()
	cfg.Name, cfg.Dataset, cfg.DataDir = "cifar run", data.CIFAR10Name, t.TempDir()
	cifar := Preset{ID: "cifar-test", Title: "CIFAR-10 test", Runs: []experiments.Config{cfg}}
	for _, c := range []struct {
		err  error
		want string
	}{
		{errors.New("connection reset"), "not started: CIFAR-10 could not be downloaded"},
		{context.Canceled, "not started: the CIFAR-10 download was cancelled"},
	} {
		ensureCIFAR = func(context.Context, string, func(data.Progress)) error { return c.err }
		u.selected = cifar
		u.startSelected()
		if rp.experiment.Text != cifar.Title || strings.Contains(rp.status.Text, "finished") || strings.Contains(rp.status.Text, "reopened") {
			t.Errorf("download offered: header %q, status %q; want the CIFAR-10 experiment and no word of the last one", rp.experiment.Text, rp.status.Text)
		}
		if u.ctrl.modal == nil || u.ctrl.modal.onEnter == nil {
			t.Fatal("no download offered")
		}
		u.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter: yes, download
		if s := rp.status.Text; s != c.want || rp.bar.Value != 0 {
			t.Errorf("download ending with %v: status %q, bar %.2f; want %q and an empty bar", c.err, s, rp.bar.Value, c.want)
		}
		if u.ctrl.running || len(f.cfgs) != 2 {
			t.Errorf("download ending with %v: an experiment started", c.err)
		}
		for u.ctrl.modal != nil { // the error or the "cancelled" note
			u.ctrl.modal.d.Hide()
		}
	}
}

// The lines above the filters preset's plots say the images its runs use, from their configs:
// the training and test sizes in "Here:" are the runs' own.
func TestAbout_FiltersPresetSaysItsSizes(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	p := registered(t, "filters-quick")
	u.selected = p
	u.startSelected()
	text := u.aboutText()
	waitView(t, shown, func(v view) bool { return v.done }) // the run ends before the test does
	c := p.Runs[0]
	for _, w := range []string{thousands(int64(c.TrainSize)) + " stratified training", thousands(int64(c.TestSize)) + " test images"} {
		if !strings.Contains(text, w) {
			t.Errorf("about text lacks %q:\n%s", w, text)
		}
	}
	if !strings.Contains(text, p.Departures()) {
		t.Errorf("about text lacks the preset's departures:\n%s", text)
	}
}
