package app

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"rethink/experiments"
	"rethink/experiments/data"
)

// TestShots runs small real experiments through the window and saves screenshots of its main
// views into $RETHINK_SHOTS (skipped when unset). It trains for real: about a minute.
func TestShots(t *testing.T) {
	dir := os.Getenv("RETHINK_SHOTS")
	quick := os.Getenv("RETHINK_SHOTS_QUICK") != ""
	if dir == "" {
		t.Skip("set RETHINK_SHOTS to a folder to take screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	oldBg := background
	background = func(f func()) { f() }
	t.Cleanup(func() { background = oldBg })
	w := test.NewWindow(nil)
	u := newUI(a, w, experiments.Run, t.TempDir())
	w.SetContent(u.content)
	w.Resize(fyne.NewSize(1280, 800))
	shown := make(chan view, 1024)
	u.ctrl.afterShow = func(v view) {
		select {
		case shown <- v:
		default:
		}
	}
	save := func(name string) {
		t.Helper()
		findNilImages(t, w.Content(), name)
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
	wait := func(ok func(view) bool) {
		t.Helper()
		deadline := time.After(5 * time.Minute)
		for {
			select {
			case v := <-shown:
				if ok(v) {
					return
				}
			case <-deadline:
				t.Fatal("timed out")
			}
		}
	}
	a.Settings().SetTheme(theme.LightTheme())
	save("01-start.png")
	u.left.SelectIndex(1)
	save("01b-custom.png")
	u.left.SelectIndex(0)

	if quick {
		return
	}
	// Figure 1a, shrunk: five randomizations of 500 MNIST images, MLP 1x512.
	p, err := experiments.PresetByID("fig1a-quick")
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Runs {
		p.Runs[i].TrainSize, p.Runs[i].TestSize, p.Runs[i].Epochs = 300, 500, 40
	}
	u.startPreset(p)
	wait(func(v view) bool {
		return v.progress != nil && strings.Contains(v.progress.text, "Run 3/5") && strings.Contains(v.progress.text, "epoch 3")
	})
	save("02-curves-midrun.png")
	wait(func(v view) bool { return v.done })
	save("03-curves-done.png")
	u.views.Select(u.tableTab)
	save("04-table.png")
	u.views.Select(u.filtersTab)
	save("05-filters-mlp.png")

	// Filters of AlexNet (5x5 kernels), true against random labels, shrunk.
	f, err := experiments.PresetByID("filters-quick")
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Runs {
		f.Runs[i].TrainSize, f.Runs[i].TestSize, f.Runs[i].Epochs = 128, 200, 4
	}
	u.startPreset(f)
	wait(func(v view) bool { return v.done })
	save("06-filters-alexnet.png")

	// Figures 1b and 1c, shrunk: the corruption sweep fills its plots as runs end.
	sw, err := experiments.PresetByID("fig1bc-quick")
	if err != nil {
		t.Fatal(err)
	}
	for i := range sw.Runs {
		sw.Runs[i].TrainSize, sw.Runs[i].TestSize, sw.Runs[i].Epochs = 200, 500, 60
	}
	u.startPreset(sw)
	wait(func(v view) bool { return v.done })
	save("06b-sweep.png")
	u.views.Select(u.tableTab)
	save("06c-sweep-table.png")

	// The data view of random pixels, and the custom panel.
	cfg := experiments.DefaultConfig()
	cfg.Randomization = data.Randomization{Mode: data.PartialLabels, P: 0.5}
	u.custom.Load(cfg)
	u.left.SelectIndex(1)
	u.showData(cfg)
	save("07-data-custom.png")
	cfg.Randomization = data.Randomization{Mode: data.RandomPixels}
	u.showData(cfg)
	save("08-data-random-pixels.png")

	u.left.SelectIndex(0)
	u.views.Select(u.curvesTab)
	a.Settings().SetTheme(theme.DarkTheme())
	save("09-dark.png")
	u.views.Select(u.historyTab)
	u.reloadHistory()
	save("10-history-dark.png")
}

// findNilImages logs visible images without pixels (the software painter crashes on them).
func findNilImages(t *testing.T, o fyne.CanvasObject, where string) {
	if o == nil || !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *canvas.Image:
		if x.Image == nil && x.Resource == nil && x.File == "" {
			t.Logf("%s: nil image at %v size %v", where, x.Position(), x.Size())
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			findNilImages(t, c, where)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		for _, c := range r.Objects() {
			findNilImages(t, c, where)
		}
	}
}
