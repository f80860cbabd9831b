//go:build tour

package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"rethink/experiments"
	"rethink/experiments/data"
)

// Tour drives the real window through the app's main views, with real (small) runs, and saves
// a PNG of each view: the engine of the developer command `rethink tour DIR` behind
// `make screenshots`. Unlike the headless tests it goes through the GL driver, so the shots
// show what a user sees.
type Tour struct {
	u   *ui
	dir string
	// useX is set once the GL capture came back blank: the X server's copy is used from then on.
	useX bool
	// NoTraining skips the views that need runs (for a quick look at the others).
	NoTraining bool
	// ArchDir, when set, is a folder of ended runs of the architecture sweep (package
	// archnoise, e.g. bin/rethink run --preset archnoise-quick --out DIR): the tour reopens
	// them and shoots the sweep's three views on the Curves tab.
	ArchDir string
	// Reopen lists further folders of ended runs of sweeps (Figures 1b/1c, early stopping,
	// layers): the tour reopens each and shoots its views on the Curves tab, as
	// 16-FOLDER-1.png, 16-FOLDER-2.png, 16-FOLDER-3.png.
	Reopen []string
	// FiltersDir, when set, is a folder of ended runs of the filters preset (bin/rethink run
	// --preset filters-quick --out DIR), reopened for the Filters shot instead of trained (the
	// preset takes minutes).
	FiltersDir string
	// Fig1aDir, when set, is a folder of ended runs of the quick Figure 1a (bin/rethink run
	// --preset fig1a-quick --out DIR), all seeds: reopened for the Curves and Filters shots
	// instead of one seed trained.
	Fig1aDir string
	// Logf, when not nil, receives a line per shot and per wait (from Run's goroutine).
	Logf func(format string, args ...any)
}

// NewTour builds the content of the main window as New does and returns it with a Tour that
// drives it and saves its PNGs into shotsDir. Call it on the UI goroutine (before ShowAndRun),
// and call Run on another goroutine.
func NewTour(a fyne.App, w fyne.Window, run RunFunc, resultsDir, shotsDir string) (fyne.CanvasObject, *Tour) {
	u := newUI(a, w, run, resultsDir, defaultDeps())
	return u.content, &Tour{u: u, dir: shotsDir}
}

// Run waits for the window to show, then goes through the views: presets, custom panel, data
// view, the CIFAR-10 download dialogs, curves mid-run, filters of MLP and AlexNet runs (true
// against random labels), Table 1, history, and the curves in the dark theme. It trains real
// presets (about three minutes on two cores) and returns the first error.
//
// Run must not be called on the UI goroutine: it blocks, and it changes widgets only through
// fyne.DoAndWait.
func (t *Tour) Run() error {
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return err
	}
	u := t.u
	a := u.app
	time.Sleep(2 * time.Second) // the window maps and paints its first frame
	t.do(func() { setTheme(a, themeLight) })

	steps := []struct {
		name  string
		f     func() error
		train bool
	}{
		{"presets", func() error { return t.shot("01-presets.png") }, false},
		{"custom and data", t.customAndData, false},
		{"architecture sweep", t.archSweep, false},
		{"download", t.download, false},
		{"workers", t.workers, false},
		{"table 1 before any run", func() error {
			if !t.NoTraining {
				return nil
			}
			t.do(func() { u.views.Select(u.tableTab) })
			return t.shot("09-table1.png")
		}, false},
		{"figure 1a", t.figure1a, t.Fig1aDir == ""}, // reopened runs need no training
		{"table 1", t.table1, true},
		{"alexnet filters", t.alexnetFilters, t.FiltersDir == ""},
		{"history", func() error {
			t.do(func() { u.views.Select(u.historyTab); u.reloadHistory() })
			if err := t.until("the history lists the runs", 20*time.Second, func() bool {
				return len(u.history.recs) > 0
			}); err != nil {
				return err
			}
			return t.shot("11-history.png")
		}, true},
		{"reopened", t.reopened, true},
		{"dark theme", func() error {
			t.do(func() {
				setTheme(a, themeDark)
				u.views.Select(u.curvesTab)
			})
			return t.shot("12-dark.png")
		}, false},
	}
	for _, s := range steps {
		if s.train && t.NoTraining {
			continue
		}
		if err := s.f(); err != nil {
			return fmt.Errorf("tour: %s: %w", s.name, err)
		}
	}
	return nil
}

// customAndData shows the custom panel on a half-corrupted MNIST, then the data view of that
// randomization and of random pixels.
func (t *Tour) customAndData() error {
	u := t.u
	cfg := experiments.DefaultConfig()
	cfg.Name = "MLP 1x512, half the labels random"
	cfg.Randomization = data.Randomization{Mode: data.PartialLabels, P: 0.5}
	t.do(func() {
		u.custom.Load(cfg)
		u.left.SelectIndex(1)
	})
	if err := t.shot("02-custom.png"); err != nil {
		return err
	}
	// Bad values: the message at the field and above Start, Start disabled; a size beyond the
	// data set noted at its field.
	t.do(func() {
		u.custom.trainSize.SetText("100000")
		u.custom.lr.SetText("fast")
		u.win.Canvas().Focus(u.custom.name) // the form shows a field's message once it lost the focus
	})
	if err := t.shot("02b-custom-invalid.png"); err != nil {
		return err
	}
	t.do(func() { u.custom.Load(cfg) })
	for _, c := range []struct {
		r    data.Randomization
		name string
	}{
		{cfg.Randomization, "03-data-partial-labels.png"},
		{data.Randomization{Mode: data.RandomPixels}, "04-data-random-pixels.png"},
	} {
		cfg.Randomization = c.r
		t.do(func() { u.data.grid.Objects = nil; u.showData(cfg) })
		if err := t.until("the data view shows images", time.Minute, func() bool {
			return len(u.data.grid.Objects) > 0
		}); err != nil {
			return err
		}
		if err := t.shot(c.name); err != nil {
			return err
		}
	}
	t.do(func() { u.left.SelectIndex(0) })
	return nil
}

// download shows the question asked when a run needs CIFAR-10, then the download dialog with
// a staged transfer (no byte is fetched), and closes both.
func (t *Tour) download() error {
	u := t.u
	var offer dialog.Dialog
	t.do(func() {
		offer = offerCIFARDownload(u.win, u.d, u.ctrl.present, data.DefaultDataDir(), u.ctrl.showError, nil, func() {})
	})
	if err := t.shot("05-download-offer.png"); err != nil {
		return err
	}
	// A transfer that reports the same progress every second (so that the stall watchdog, which
	// a slow shot on a busy machine can outlast, never fires) until it is cancelled.
	staged := func(ctx context.Context, dir string, progress func(data.Progress)) error {
		for {
			progress(data.Progress{Done: 61_400_000, Total: 170_498_071, BytesPerSec: 4_800_000, ETA: 19 * time.Second})
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
		}
	}
	var d *downloadDialog
	t.do(func() {
		offer.Hide()
		d = startDownload(u.win, u.d, data.DefaultDataDir(), staged, u.ctrl.showError, nil, func() {})
	})
	if err := t.until("the download dialog shows progress", 10*time.Second, func() bool {
		return d.bar.Value > 0
	}); err != nil {
		return err
	}
	if err := t.shot("06-download-progress.png"); err != nil {
		return err
	}
	t.do(d.dlg.Hide) // as Cancel does: it cancels the staged transfer
	return t.downloadCancelled(staged)
}

// downloadCancelled starts an experiment on CIFAR-10 that is not there as Start does, says yes
// to the download, and cancels it (the staged transfer): the run strip names the experiment
// and says it did not start.
func (t *Tour) downloadCancelled(staged fetchFunc) error {
	u := t.u
	dir, err := os.MkdirTemp("", "rethink-tour-cifar")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := experiments.PresetByID("table1-alexnet-paper")
	if err != nil {
		return err
	}
	p.Runs = append([]experiments.Config(nil), p.Runs...)
	for i := range p.Runs {
		p.Runs[i].DataDir = dir
	}
	old, before := ensureCIFAR, u.selected
	defer func() { ensureCIFAR = old }()
	// The transfer of staged, cancelled after a second as the dialog's Cancel does.
	ensureCIFAR = func(ctx context.Context, dir string, progress func(data.Progress)) error {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		_ = staged(ctx, dir, progress) // ends when the second is up
		return context.Canceled
	}
	t.do(func() { u.selected = p; u.startSelected() })
	if err := t.until("the download is offered", 10*time.Second, func() bool { return u.ctrl.modal != nil }); err != nil {
		return err
	}
	t.do(func() { u.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }) // yes
	if err := t.until("the strip says the download was cancelled", 10*time.Second, func() bool {
		return strings.Contains(u.ctrl.runPanel.status.Text, "cancelled")
	}); err != nil {
		return err
	}
	if err := t.shot("06b-download-cancelled.png"); err != nil {
		return err
	}
	t.do(func() {
		if u.ctrl.modal != nil {
			u.ctrl.modal.d.Hide()
		}
		u.selected = before
		u.showSelected()
	})
	return nil
}

// workers opens the Workers setting with two workers and a call timeout typed in, and cancels.
func (t *Tour) workers() error {
	var d *workersDialog
	t.do(func() {
		d = t.u.newWorkersDialog(func([]string, time.Duration) {})
		t.u.ctrl.present(d.d, nil)
		d.entry.SetText("127.0.0.1:2222,127.0.0.1:2223")
		d.timeout.SetText("10m")
	})
	if err := t.shot("06c-workers.png"); err != nil {
		return err
	}
	t.do(d.d.Hide)
	return nil
}

// reopened opens two runs of different names from the history, compared: the strip names
// them, and each is drawn in the colour it had when it ran.
func (t *Tour) reopened() error {
	u := t.u
	var recs []experiments.RunRecord
	t.do(func() {
		for _, r := range u.history.recs {
			if len(recs) == 0 || r.Config.Name != recs[0].Config.Name && r.Config.Preset == recs[0].Config.Preset {
				recs = append(recs, r)
			}
			if len(recs) == 2 {
				break
			}
		}
		u.openRuns(recs)
	})
	if err := t.until("the reopened runs show", 20*time.Second, func() bool {
		return strings.HasPrefix(u.ctrl.runPanel.status.Text, "reopened")
	}); err != nil {
		return err
	}
	return t.shot("11b-reopened.png")
}

// figure1a runs the quick Figure 1a preset, one seed: the curves mid-run (third of five runs), then the
// first-layer filters of its runs (the small AlexNet), true against random labels.
func (t *Tour) figure1a() error {
	u := t.u
	if t.Fig1aDir != "" {
		if err := t.reopenRuns(t.Fig1aDir); err != nil {
			return err
		}
		return t.figure1aEnded()
	}
	p, err := experiments.PresetByID("fig1a-quick")
	if err != nil {
		return err
	}
	var once []experiments.Config // one seed of each mode: five runs, minutes fewer
	for _, c := range p.Runs {
		if !slices.ContainsFunc(once, func(o experiments.Config) bool { return o.Name == c.Name }) {
			once = append(once, c)
		}
	}
	p.Runs = once
	t.logf("start %s, one seed", p.ID)
	t.do(func() { u.startPreset(p) })
	if err := t.until(p.ID+" starts", 10*time.Second, func() bool { return u.ctrl.running }); err != nil {
		return err
	}
	if err := t.until("run 3 of Figure 1a reaches epoch 3", 5*time.Minute, func() bool {
		s := u.ctrl.runPanel.status.Text
		return !u.ctrl.running || strings.Contains(s, "Run 3/") && (strings.Contains(s, " epoch 3 ") || strings.Contains(s, " epoch 4 "))
	}); err != nil {
		return err
	}
	if err := t.shotNow("07-curves-midrun.png"); err != nil {
		return err
	}
	if err := t.untilDone(); err != nil {
		return err
	}
	return t.figure1aEnded()
}

// figure1aEnded shoots the ended Figure 1a: its curves, all five runs to zero loss, then the
// first-layer filters of its runs.
func (t *Tour) figure1aEnded() error {
	u := t.u
	t.do(func() { u.views.Select(u.curvesTab) })
	if err := t.shot("07b-curves-ended.png"); err != nil {
		return err
	}
	t.do(func() { u.views.Select(u.filtersTab) })
	return t.shot("08-filters-fig1a.png")
}

// table1 runs the quick Table 1 rows of MLP 1x512 on true and on random labels, one after the
// other as a user would, and shows the table (with Figure 1a's rows as earlier ones).
func (t *Tour) table1() error {
	for _, id := range []string{"table1-mlp1-quick", "table1-mlp1-random-quick"} {
		if err := t.startPreset(id, nil); err != nil {
			return err
		}
		if err := t.untilDone(); err != nil {
			return err
		}
	}
	t.do(func() { t.u.views.Select(t.u.tableTab) })
	return t.shot("09-table1.png")
}

// alexnetFilters shows AlexNet's 5x5 filters after true and after random labels, with their
// measure under each mosaic: the filters preset as it is (1,000 images, 30 epochs; shrunk to
// 500 images and 12 epochs both sides looked like the same noise), or its runs under
// FiltersDir reopened.
func (t *Tour) alexnetFilters() error {
	if t.FiltersDir != "" {
		if err := t.reopenRuns(t.FiltersDir); err != nil {
			return err
		}
	} else {
		if err := t.startPreset("filters-quick", nil); err != nil {
			return err
		}
		if err := t.untilDone(); err != nil {
			return err
		}
	}
	t.do(func() { t.u.views.Select(t.u.filtersTab) })
	return t.shot("10-filters-alexnet.png")
}

// reopenRuns opens the ended runs under dir as one experiment, as the history does, and waits
// until they show.
func (t *Tour) reopenRuns(dir string) error {
	recs, err := readHistory(dir) // openRuns puts them in the order they ran
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return fmt.Errorf("no runs under %s", dir)
	}
	u := t.u
	t.do(func() {
		u.ctrl.sess = nil // set again when these runs show
		u.openRuns(recs)
	})
	return t.until("the reopened runs show", 60*time.Second, func() bool {
		return u.ctrl.sess != nil && len(u.ctrl.sess.runs) == len(recs)
	})
}

// startPreset starts the preset id, each run changed by edit when it is not nil, as a tap on it
// would.
func (t *Tour) startPreset(id string, edit func(*experiments.Config)) error {
	p, err := experiments.PresetByID(id)
	if err != nil {
		return err
	}
	if edit != nil {
		for i := range p.Runs {
			edit(&p.Runs[i])
		}
	}
	t.logf("start %s", id)
	t.do(func() { t.u.startPreset(p) })
	return t.until(id+" starts", 10*time.Second, func() bool { return t.u.ctrl.running })
}

// untilDone waits for the running experiment to end, and fails if it ended with an error.
func (t *Tour) untilDone() error {
	if err := t.until("the experiment ends", 10*time.Minute, func() bool { return !t.u.ctrl.running }); err != nil {
		return err
	}
	var status string
	t.do(func() { status = t.u.ctrl.runPanel.status.Text })
	if !strings.HasPrefix(status, "finished") {
		return fmt.Errorf("the experiment ended with %q", status)
	}
	return nil
}

// do runs f on the UI goroutine and waits for it.
func (t *Tour) do(f func()) { fyne.DoAndWait(f) }

// until polls cond on the UI goroutine until it holds or timeout passes.
func (t *Tour) until(what string, timeout time.Duration, cond func() bool) error {
	t.logf("wait: %s", what)
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		t.do(func() { ok = cond() })
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v waiting until %s", timeout, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// shotNow saves the window as name after a second (the last change is painted), for views that
// keep changing.
func (t *Tour) shotNow(name string) error { return t.save(name, 1) }

// shot waits until two captures of the window 400 ms apart agree (the frame is painted), at
// most 12 captures, then saves the last as name.
func (t *Tour) shot(name string) error { return t.save(name, 12) }

func (t *Tour) save(name string, tries int) error {
	var last *image.RGBA
	for i := 0; i < tries; i++ {
		time.Sleep(400 * time.Millisecond)
		if tries == 1 {
			time.Sleep(600 * time.Millisecond)
		}
		rgba, err := t.capture()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if last != nil && bytes.Equal(last.Pix, rgba.Pix) {
			break
		}
		last = rgba
	}
	var b bytes.Buffer
	if err := png.Encode(&b, last); err != nil {
		return err
	}
	path := filepath.Join(t.dir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	t.logf("saved %s (%dx%d)", path, last.Bounds().Dx(), last.Bounds().Dy())
	return nil
}

// capture returns the window's pixels: the GL canvas's own capture, or, when that comes back
// empty, the X server's copy of the window.
//
// Fyne's capture reads the GL front buffer, which Mesa's software rasterizer under Xvfb leaves
// blank (every pixel transparent black); the X server holds what was drawn. The X copy is taken
// with ImageMagick's import from the top left corner of the screen, where the window sits when
// no window manager runs (make screenshots starts a bare Xvfb).
func (t *Tour) capture() (*image.RGBA, error) {
	var img image.Image
	var w, h int
	t.do(func() {
		img = t.u.win.Canvas().Capture()
		w, h = t.u.win.Canvas().PixelCoordinateForPosition(fyne.NewPos(t.u.win.Canvas().Size().Width, t.u.win.Canvas().Size().Height))
	})
	if img != nil && !t.useX {
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
		if !transparent(rgba) {
			return rgba, nil
		}
		t.useX = true
		t.logf("the GL capture is blank (a software GL renderer); taking the window from the X server")
	}
	// The whole screen, cropped here to the window: a window larger than the screen (it cannot
	// shrink below its content's minimum) would make import's own crop fail.
	out, err := exec.Command("import", "-window", "root", "png:-").Output()
	if err != nil {
		return nil, fmt.Errorf("capture the window from the X server with ImageMagick's import: %w", err)
	}
	img, err = png.Decode(bytes.NewReader(out))
	if err != nil {
		return nil, err
	}
	if w > img.Bounds().Dx() || h > img.Bounds().Dy() {
		t.logf("the window (%dx%d) is larger than the screen (%dx%d)", w, h, img.Bounds().Dx(), img.Bounds().Dy())
	}
	rgba := image.NewRGBA(image.Rect(0, 0, min(w, img.Bounds().Dx()), min(h, img.Bounds().Dy())))
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba, nil
}

// transparent says every pixel of img has alpha 0.
func transparent(img *image.RGBA) bool {
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0 {
			return false
		}
	}
	return true
}

func (t *Tour) logf(format string, args ...any) {
	if t.Logf != nil {
		t.Logf(format, args...)
	}
}

// archSweep reopens the runs under ArchDir (nothing when it is empty) and shoots the Curves
// tab's three views of the architecture sweep: the share of signal kept above test accuracy,
// and the time to fit in steps and in seconds; then those of every folder of Reopen.
func (t *Tour) archSweep() error {
	if t.ArchDir != "" {
		if err := t.sweepViews(t.ArchDir, [3]string{"13-archnoise-signal.png", "14-archnoise-fit-steps.png", "15-archnoise-fit-seconds.png"}); err != nil {
			return err
		}
	}
	for _, dir := range t.Reopen {
		b := filepath.Base(filepath.Clean(dir))
		if err := t.sweepViews(dir, [3]string{"16-" + b + "-1.png", "16-" + b + "-2.png", "16-" + b + "-3.png"}); err != nil {
			return err
		}
	}
	return nil
}

// sweepViews reopens the runs under dir and shoots the Curves tab's three views of their sweep
// as names.
func (t *Tour) sweepViews(dir string, names [3]string) error {
	u := t.u
	t.do(func() { u.views.Select(u.curvesTab) })
	if err := t.reopenRuns(dir); err != nil {
		return err
	}
	if err := t.until("the sweep's views are offered", 60*time.Second, func() bool {
		f := u.ctrl.curves.figure
		return f.Visible() && len(f.Options) == 3
	}); err != nil {
		return err
	}
	for i, name := range names {
		t.do(func() { u.ctrl.curves.figure.SetSelected(u.ctrl.curves.figure.Options[i]) })
		if err := t.shot(name); err != nil {
			return err
		}
	}
	t.do(func() { u.ctrl.curves.figure.SetSelected(u.ctrl.curves.figure.Options[0]) })
	return nil
}
