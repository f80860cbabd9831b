package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// openBare opens the floor of this display stack for scripts/tap-latency: a bare Fyne window of
// the app's size with two tabs named like the app's first two, each holding a line of text, and
// nothing else (no TensorFlow session, no plots). It returns when the window closes.
func openBare() error {
	a := fyneapp.NewWithID("org.rethink.bare")
	w := a.NewWindow("rethink: bare window")
	w.SetContent(container.NewAppTabs(
		container.NewTabItem("Curves", widget.NewLabel("a bare Fyne window: the curves tab")),
		container.NewTabItem("Table 1", widget.NewLabel("a bare Fyne window: the table tab")),
	))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
	return nil
}
