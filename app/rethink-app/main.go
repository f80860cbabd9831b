// Command rethink-app is rethink's desktop app: `bin/rethink` with no arguments starts it. It is
// a binary of its own so that the headless commands of bin/rethink link no GUI toolkit.
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	gui "rethink/app"
	"rethink/assets"
	"rethink/experiments"
	"rethink/tfgraph"
)

func main() {
	if cLocale() {
		// Fyne's init has already complained about the C locale; a restarted process, with
		// LANG set, does not (and starts TensorFlow with its load-time settings too).
		plainLocale()
		if exe, err := os.Executable(); err == nil {
			tfgraph.ReexecWithLoadEnv(nil)               // sets what TensorFlow needs and restarts, if anything was unset
			_ = syscall.Exec(exe, os.Args, os.Environ()) // else restart for the locale alone
		}
	}
	if err := tfgraph.ReexecWithLoadEnv(plainLocale); err != nil {
		fmt.Fprintln(os.Stderr, "rethink: could not restart with TensorFlow's oneDNN kernels on, going on without:", err)
	}
	var err error
	switch {
	case len(os.Args) == 1:
		err = openApp()
	case os.Args[1] == "bare": // hidden: the bare window scripts/tap-latency compares with
		err = openBare()
	case os.Args[1] == "tour":
		err = cmdTour(os.Args[2:])
	default:
		err = fmt.Errorf("rethink-app takes no arguments (the headless commands are bin/rethink's: bin/rethink help)")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rethink:", err)
		os.Exit(1)
	}
}

// plainLocale sets LANG to en_US.UTF-8 when the locale is C or POSIX: Fyne cannot parse them and
// says so at start-up (from an init function), and a restarted process need not say it again.
// Other programs are not affected: the app starts none.
func plainLocale() {
	if cLocale() {
		os.Setenv("LANG", "en_US.UTF-8")
	}
}

// cLocale reports whether the locale Fyne reads is C or POSIX (LANG unset counts, LC_ALL unset).
func cLocale() bool {
	lang := os.Getenv("LANG")
	return os.Getenv("LC_ALL") == "" && (lang == "" || lang == "C" || lang == "POSIX" || strings.HasPrefix(lang, "C."))
}

// openApp opens the desktop app and returns when its window closes.
func openApp() error {
	a, w := newWindow()
	w.SetContent(gui.New(a, w, experiments.Run, experiments.DefaultResultsDir()))
	w.ShowAndRun()
	return nil
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
