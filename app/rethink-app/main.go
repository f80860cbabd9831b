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
	// On Linux the program's pre-init (tfenv_preinit_linux.go) has already restarted it with
	// TensorFlow's variables and a locale Fyne can parse; this is the fallback when that exec
	// failed, and the way elsewhere.
	if _, bad := fyneLocale(); bad {
		// Fyne's init has already complained about the locale; a restarted process, with it
		// set, does not (and starts TensorFlow with its load-time settings too).
		plainLocale()
		if exe, err := os.Executable(); err == nil {
			tfgraph.ReexecWithLoadEnv(stopStderrFilter) // sets what TensorFlow needs and restarts, if anything was unset
			stopStderrFilter()
			_ = syscall.Exec(exe, os.Args, os.Environ()) // else restart for the locale alone
		}
	}
	if err := tfgraph.ReexecWithLoadEnv(func() { plainLocale(); stopStderrFilter() }); err != nil {
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
	}
	stopStderrFilter() // the filter passes on what it holds before the program ends
	if err != nil {
		os.Exit(1)
	}
}

// plainLocale sets the variable Fyne takes its locale from to en_US.UTF-8 when Fyne cannot parse
// its value (see fyneLocale): Fyne says so at start-up (from an init function), and a restarted
// process need not say it again. Other programs are not affected: the app starts none.
func plainLocale() {
	if v, bad := fyneLocale(); bad {
		os.Setenv(v, "en_US.UTF-8")
	}
}

// fyneLocale names the variable Fyne reads its locale from (the first set of LC_ALL,
// LC_MESSAGES and LANG, unless LANGUAGE is set) and reports whether its value is one Fyne cannot
// parse and complains of: C.UTF-8, POSIX.UTF-8 and the like. Plain C and POSIX, and no locale,
// pass quietly. The program's pre-init applies the same rule (rethink_fyne_locale in
// tfgraph/quiet/preinit.h).
func fyneLocale() (string, bool) {
	if os.Getenv("LANGUAGE") != "" {
		return "", false
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if val := os.Getenv(v); val != "" {
			return v, strings.HasPrefix(val, "C.") || strings.HasPrefix(val, "POSIX.")
		}
	}
	return "", false
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
	// Mesa's drivers load beside libtensorflow's LLVM through deepbind_linux.go.
	a := fyneapp.NewWithID("org.rethink.lab")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("rethink: how deep networks memorize")
	w.Resize(fyne.NewSize(1280, 800))
	return a, w
}
