package main

import "errors"

// openApp opens the desktop app. Until the GUI lands it explains what to run instead.
func openApp() error {
	return errors.New("the desktop app is not built yet in this version: run `rethink demo` (the quick Figure 1a preset, headless) or `rethink run --preset ID` (see `rethink presets`)")
}
