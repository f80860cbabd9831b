package app

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// assertPanelMarkup renders o alone in a test window of the given size and compares the
// markup with testdata/name (Fyne's test theme, so it is the same on every machine). A new
// golden is written to testdata/failed/name: check it, then copy it to testdata/.
func assertPanelMarkup(t *testing.T, name string, o fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	w := test.NewWindow(o)
	defer w.Close()
	w.Resize(size)
	test.AssertRendersToMarkup(t, name, w.Canvas())
}

func nop[T any](T) {}

func TestPresetsPanel_Markup(t *testing.T) {
	test.NewTempApp(t)
	paper := testPreset()
	paper.ID, paper.Tier, paper.Title, paper.ExpectedTime = "test-paper", experiments.Paper, "Figure 1a: test (paper)", "days"
	filters := testPreset()
	filters.ID, filters.Group, filters.Title, filters.ExpectedTime = "filters-quick", "Filters", "Filters: test (quick)", "1 min"
	p := newPresetsPanel([]Preset{testPreset(), paper, filters}, nop[Preset], nop[Preset])
	assertPanelMarkup(t, "presets/quick.xml", p.content, fyne.NewSize(420, 520))
	p.tier.SetSelected("all")
	assertPanelMarkup(t, "presets/all.xml", p.content, fyne.NewSize(420, 520))
}

func TestCustomPanel_Markup(t *testing.T) {
	test.NewTempApp(t)
	t.Setenv("RETHINK_DATA", "/data/rethink") // the placeholder names it, the same on every machine
	d := testDeps()
	d.countParams = func(tfgraph.Architecture, int64, int64, int64, int64) (int64, error) { return 407050, nil }
	c := newCustomPanel(d, nop[experiments.Config], nop[experiments.Config], nop[error])
	cfg := testPreset().Runs[0]
	cfg.Name = "half the labels random"
	cfg.Randomization = data.Randomization{Mode: data.PartialLabels, P: 0.5}
	c.Load(cfg)
	assertPanelMarkup(t, "custom/partial_labels.xml", c.content, fyne.NewSize(440, 760))
}

func TestTablePanel_Markup(t *testing.T) {
	test.NewTempApp(t)
	s := newSession(testPreset())
	s.runs[0].epochs = []experiments.Metrics{{Epoch: 3, Step: 24, TrainAcc: 1, TestAcc: 0.9123}}
	s.runs[0].fitStep = 24
	s.runs[0].done = true
	s.runs[1].epochs = []experiments.Metrics{{Epoch: 2, Step: 16, TrainAcc: 0.4, TestAcc: 0.1}}
	s.runs[1].started = &experiments.Started{}
	p := newTablePanel(themeStyle)
	p.show(tableRows(s.runs))
	assertPanelMarkup(t, "table/two_runs.xml", p.content, fyne.NewSize(840, 300))
	p.archive()
	p.show(tableRows(s.runs[:1]))
	assertPanelMarkup(t, "table/with_earlier.xml", p.content, fyne.NewSize(840, 300))
}

func TestRunPanel_Markup(t *testing.T) {
	test.NewTempApp(t)
	p := newRunPanel(func() {}, func() {}, func() {}, func() {})
	size := fyne.NewSize(1000, 130)
	assertPanelMarkup(t, "runpanel/idle.xml", p.content, size)
	p.setRunning(true, false)
	p.showProgress(progressView{frac: 0.25, runsRunning: true, run: 2, runs: 5,
		text: "Run 2/5 · random labels · step 40/160 · epoch 3 · loss 2.103 · ETA 12s · 9000 img/s",
		info: "on this machine (CPU) · 407,050 parameters · 2,000 train / 2,000 test images · labels flipped 89.9%"})
	assertPanelMarkup(t, "runpanel/run_2_of_5.xml", p.content, size)
	if got, want := p.bar.TextFormatter(), "run 2 of 5 · 25%"; got != want {
		t.Errorf("bar text: got %q, want %q", got, want)
	}
	p.showProgress(progressView{frac: 0.5, runsRunning: true, run: 1, runs: 1, text: "step 80/160"})
	if got, want := p.bar.TextFormatter(), "50%"; got != want {
		t.Errorf("bar text of a single run: got %q, want %q", got, want)
	}
	if len(p.runs.content.Objects) != 0 {
		t.Errorf("a single run shows %d strip segments, want none", len(p.runs.content.Objects))
	}
}

func TestDataView_Markup(t *testing.T) {
	test.NewTempApp(t)
	d := newDataView()
	square := func(v uint8) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, 4, 4))
		for i := range 16 {
			img.SetRGBA(i%4, i/4, color.RGBA{v, v, v, 255})
		}
		return img
	}
	d.show("MNIST, corrupted labels, p = 0.5: first 3 of 1000 training images · labels changed: 44.6%", []thumb{
		{img: square(0), label: "5"},
		{img: square(128), label: "7", changed: true, origLabel: "1"},
		{img: square(255), label: "4"},
	})
	assertPanelMarkup(t, "dataview/partial_labels.xml", d.content, fyne.NewSize(600, 300))
}
