package main

import (
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	gui "rethink/app"
	"rethink/assets"
	"rethink/experiments"
)

// openApp opens the desktop app and returns when its window closes.
func openApp() error {
	// Mesa's llvmpipe software renderer and libtensorflow's bundled LLVM clash in one process
	// (a crash in glDrawArrays, seen under Xvfb); softpipe has no LLVM. Hardware drivers ignore it.
	if os.Getenv("GALLIUM_DRIVER") == "" {
		os.Setenv("GALLIUM_DRIVER", "softpipe")
	}
	a := fyneapp.NewWithID("org.rethink.lab")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("rethink: how deep networks memorize")
	w.SetContent(gui.New(a, w, experiments.Run, experiments.DefaultResultsDir()))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
	return nil
}
