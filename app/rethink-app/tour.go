//go:build tour

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"

	gui "rethink/app"
	"rethink/experiments"
)

// cmdTour is the developer command behind make screenshots (built with the tour tag only): it
// opens the real window (1280x800, or --size WxH), drives it through its main views with small
// real runs (results in a temporary folder, removed afterwards) and saves a PNG of each view
// into dir, then quits.
func cmdTour(args []string) error {
	const usage = "usage: rethink-app tour [--no-training] [--size WxH] [--arch RUNS] [--reopen RUNS]... [--filters RUNS] [--fig1a RUNS] DIR"
	noTraining, archDir, filtersDir, fig1aDir := false, "", "", ""
	var reopen []string
	size := fyne.NewSize(1280, 800)
	for len(args) > 1 {
		switch args[0] {
		case "--no-training":
			noTraining, args = true, args[1:]
		case "--arch": // a folder of the architecture sweep's runs to reopen and shoot
			archDir, args = args[1], args[2:]
		case "--filters": // a folder of the filters preset's runs to reopen instead of training them
			filtersDir, args = args[1], args[2:]
		case "--fig1a": // a folder of the quick Figure 1a's runs to reopen instead of training one seed
			fig1aDir, args = args[1], args[2:]
		case "--reopen": // a folder of another sweep's runs to reopen and shoot (repeatable)
			reopen, args = append(reopen, args[1]), args[2:]
		case "--size":
			w, h, ok := strings.Cut(args[1], "x")
			wi, err1 := strconv.Atoi(w)
			hi, err2 := strconv.Atoi(h)
			if !ok || err1 != nil || err2 != nil || wi < 320 || hi < 240 {
				return fmt.Errorf("--size %q: want WIDTHxHEIGHT in pixels, at least 320x240", args[1])
			}
			size, args = fyne.NewSize(float32(wi), float32(hi)), args[2:]
		default:
			return fmt.Errorf("%s: unknown option %q", usage, args[0])
		}
	}
	if len(args) != 1 {
		return fmt.Errorf(usage)
	}
	results, err := os.MkdirTemp("", "rethink-tour-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(results)
	a, w := newWindow()
	w.Resize(size)
	content, tour := gui.NewTour(a, w, experiments.Run, results, args[0])
	tour.NoTraining = noTraining
	tour.ArchDir = archDir
	tour.Reopen = reopen
	tour.FiltersDir = filtersDir
	tour.Fig1aDir = fig1aDir
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
