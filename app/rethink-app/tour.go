package main

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"

	gui "rethink/app"
	"rethink/experiments"
)

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
