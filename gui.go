package main

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	gui "rethink/app"
	"rethink/assets"
	"rethink/experiments"
)

// openApp opens the desktop app and returns when its window closes.
func openApp() error {
	a, w := newWindow()
	w.SetContent(gui.New(a, w, experiments.Run, experiments.DefaultResultsDir()))
	w.ShowAndRun()
	return nil
}

// cmdTour is the hidden developer command behind make screenshots: it opens the real window,
// drives it through its main views with small real runs (results in a temporary folder, removed
// afterwards) and saves a PNG of each view into dir, then quits.
func cmdTour(args []string) error {
	noTraining := len(args) == 2 && args[0] == "--no-training"
	if noTraining {
		args = args[1:]
	}
	if len(args) != 1 {
		return fmt.Errorf("usage: rethink tour [--no-training] DIR")
	}
	results, err := os.MkdirTemp("", "rethink-tour-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(results)
	a, w := newWindow()
	content, tour := gui.NewTour(a, w, experiments.Run, results, args[0])
	tour.NoTraining = noTraining
	tour.Logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, "tour: "+format+"\n", args...) }
	w.SetContent(content)
	var tourErr error
	go func() {
		tourErr = tour.Run()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun() // returns after a.Quit, which comes after tourErr was set
	return tourErr
}

// newWindow makes the app and its 1280x800 main window.
func newWindow() (fyne.App, fyne.Window) {
	// Mesa's llvmpipe software renderer and libtensorflow's bundled LLVM clash in one process
	// (a crash in glDrawArrays, seen under Xvfb); softpipe has no LLVM. Hardware drivers ignore it.
	if os.Getenv("GALLIUM_DRIVER") == "" {
		os.Setenv("GALLIUM_DRIVER", "softpipe")
	}
	a := fyneapp.NewWithID("org.rethink.lab")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("rethink: how deep networks memorize")
	w.Resize(fyne.NewSize(1280, 800))
	return a, w
}
