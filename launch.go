package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
)

// appBinary is the file name of the desktop app, built next to bin/rethink by make build.
const appBinary = "rethink-app"

// appPath is the desktop app's binary next to this program's own executable.
func appPath() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return filepath.Join(filepath.Dir(exe), appBinary), nil
}

// openApp replaces this process with the desktop app (same pid), passing it args.
func openApp(args ...string) error {
	if len(args) == 0 && runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("no display (DISPLAY and WAYLAND_DISPLAY are unset) for the desktop app; the headless commands are listed by rethink help")
	}
	path, err := appPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the desktop app %s is not built (make build builds it next to %s)", path, filepath.Base(os.Args[0]))
	} else if err != nil {
		return err
	}
	// Fyne cannot parse the C locale and says so at start-up; the app is spared it. Other
	// programs are not affected: the app starts none.
	if lang := os.Getenv("LANG"); os.Getenv("LC_ALL") == "" && (lang == "" || lang == "C" || lang == "POSIX" || strings.HasPrefix(lang, "C.")) {
		os.Setenv("LANG", "en_US.UTF-8")
	}
	stopStderrFilter() // the app gets the real stderr
	return syscall.Exec(path, append([]string{path}, args...), os.Environ())
}
