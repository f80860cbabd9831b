// Package app is rethink's desktop GUI, built with Fyne: the presets and custom-experiment
// panels, live curves rendered with gonum/plot, the results table beside the paper's numbers,
// first-layer filters, the data view and the run history.
//
// Training runs on a worker goroutine through a RunFunc (experiments.Run in the app, a fake in
// tests); a consumer goroutine turns its events into images and hands them to the widgets only
// through controller.show, inside fyne.Do.
package app
