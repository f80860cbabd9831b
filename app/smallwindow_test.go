package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rethink/experiments"
	"rethink/experiments/report"
)

// The window fits a 1024x640 screen (the menu bar takes about 30 px) whatever the presets pane
// lists (every tier of the real presets, whose longest titles wrap) and whichever sweep's views
// the Curves tab offers (their names in a drop-down, not a row of radio buttons).
func TestWindow_FitsA1024x640ScreenWithEveryPresetAndSweep(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	d := testDeps()
	d.presets = experiments.Presets
	u := newUI(a, w, (&fakeRun{}).run, t.TempDir(), d)
	w.SetContent(u.content)
	w.Resize(fyne.NewSize(1024, 640))
	fits := func(what string) {
		t.Helper()
		if min := u.content.MinSize(); min.Width > 1024 || min.Height > 600 {
			t.Errorf("%s: the window needs %v, more than a 1024x640 screen holds", what, min)
		}
	}
	for _, tier := range tierChoices {
		u.presets.tier.SetSelected(tier)
		fits("presets of tier " + tier)
	}
	for name, f := range map[string]func([]report.Run) report.Figures{
		"architecture sweep": report.ArchFigures, "layers": report.LayersFigures, "early stopping": report.EarlyStopFigures,
	} {
		figs := f(nil)
		figs.Sweep = true
		u.ctrl.curves.show(&plotsView{figures: figs})
		if !u.ctrl.curves.figure.Visible() {
			t.Fatalf("%s: the views of the sweep are not offered", name)
		}
		fits(name + "'s views")
	}
}
