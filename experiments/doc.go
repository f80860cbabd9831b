// Package experiments runs the randomization tests of Zhang et al. (2017): one Config says
// everything about a run; Run executes it on the caller's goroutine (start it on a worker, never on
// the UI goroutine) and reports a closed set of Events; every run keeps its own folder of
// results (config, metrics, summary, filters, checkpoints) written atomically. Presets are the
// paper's results with its numbers beside them; sweeps run a list of Configs. The data sets and
// randomizations live in the sub-package data.
package experiments
