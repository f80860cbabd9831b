// Package earlystop answers "when does early stopping help?" (issue 13, part 3) with SGD runs
// of the "sgd" kind: at label corruption p = 0, 0.2, 0.4 and 0.6, over several seeds, each run
// trained well past the step where it fits its training set, with the whole test set evaluated
// after every epoch (metrics.csv). Its presets (presets.go, group "Early stopping") are
// registered with experiments.RegisterPresets; its analysis (analysis.go) reads a run's
// metrics and finds the best (early-stopped) test accuracy and its step, the final one, the
// step of fit and the gain of stopping early; Levels gives their median and range over the
// seeds of each p. experiments/report draws the figures (earlystop.go there).
//
// Everything here is plain computation on values: safe from any goroutine, nothing blocks.
package earlystop
