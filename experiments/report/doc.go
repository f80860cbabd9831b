// Package report draws the figures (gonum/plot) and tables of runs, for the app and for the
// command line alike: Figure 1a's loss curves, accuracy curves, Figures 1b and 1c of a
// label-corruption sweep, and the Table 1 style results table beside the paper's numbers. It
// never imports Fyne: everything it draws is an image.Image or an SVG, in the colours and at the
// size the caller asks for. Its functions hold no shared state and may run on any goroutine.
package report
