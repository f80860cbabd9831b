package app

import (
	"fmt"
	"math"
	"time"

	"rethink/experiments"
)

// fitEstimate estimates how many steps run t takes in all when it stops at fit (100% training
// accuracy, then StopAfterFit epochs), the usual end of the presets' runs, rather than at its
// step cap: from the training accuracy of its last two epochs, extrapolated linearly to 100%
// (an underestimate as accuracy slows near the top: the bar then waits near its end rather than
// jumping from 20% to done). Once the run fit, the end is known. ok is false when the run
// does not stop at fit, or before two epochs with rising accuracy.
func fitEstimate(t *trace, step int) (total int, ok bool) {
	cfg := t.cfg
	if cfg.StopAfterFit < 0 || t.started == nil || t.started.StepsPerEpoch <= 0 {
		return 0, false
	}
	spe := t.started.StepsPerEpoch
	after := cfg.StopAfterFit * spe
	cap := t.started.TotalSteps
	bound := func(n int) int {
		if cap > 0 {
			n = min(n, cap)
		}
		return max(n, step)
	}
	if t.fitStep >= 0 {
		return bound(t.fitStep + after), true
	}
	n := len(t.epochs)
	if n < 2 {
		return 0, false
	}
	a, b := t.epochs[n-2], t.epochs[n-1]
	slope := (b.TrainAcc - a.TrainAcc) / float64(b.Step-a.Step) // accuracy a step
	if !(slope > 0) || b.Step <= a.Step {
		return 0, false
	}
	// The run checks for fit at the end of each epoch: round up to one.
	toFit := b.Step + int((1-b.TrainAcc)/slope)
	toFit = (toFit + spe - 1) / spe * spe
	return bound(toFit + after), true
}

// lossEstimate estimates how many steps run t takes in all when it goes on to a training loss
// of StopLoss (the paper's "zero loss", Figure 1a) rather than to its step cap: from the
// training loss of its last two epochs, extrapolated log-linearly (the loss falling by the same
// factor every step) to StopLoss, rounded up to an epoch end, where the run checks. ok is
// false when the run does not stop at a loss, or before two epochs with falling loss.
func lossEstimate(t *trace, step int) (total int, ok bool) {
	cfg := t.cfg
	if cfg.StopLoss <= 0 || cfg.StopAfterFit >= 0 || t.started == nil || t.started.StepsPerEpoch <= 0 {
		return 0, false
	}
	n := len(t.epochs)
	if n < 2 {
		return 0, false
	}
	a, b := t.epochs[n-2], t.epochs[n-1]
	if !(a.TrainLoss > 0 && b.TrainLoss > 0) || b.Step <= a.Step {
		return 0, false
	}
	rate := (math.Log(b.TrainLoss) - math.Log(a.TrainLoss)) / float64(b.Step-a.Step) // log-loss a step
	if !(rate < 0) {
		return 0, false
	}
	spe := t.started.StepsPerEpoch
	remaining := 0.0 // steps from the last epoch to StopLoss
	if b.TrainLoss > cfg.StopLoss {
		remaining = (math.Log(cfg.StopLoss) - math.Log(b.TrainLoss)) / rate // both negative
	}
	toStop := b.Step + int(math.Ceil(remaining))
	toStop = (toStop + spe - 1) / spe * spe
	if cap := t.started.TotalSteps; cap > 0 {
		toStop = min(toStop, cap)
	}
	return max(toStop, step), true
}

// stepsProgress is the bar's fraction and the ETA of run t at step e: toward the estimated
// stop at fit or at a loss when there is one (early says which, as the status line words it),
// else toward the step cap. The fraction never goes back: prev is the last one shown for the
// run.
func stepsProgress(t *trace, e experiments.StepProgress, prev float64) (frac float64, eta time.Duration, early string) {
	total, toFit := fitEstimate(t, e.Step)
	if toFit {
		early = "fit"
	} else if total, toFit = lossEstimate(t, e.Step); toFit {
		early = fmt.Sprintf("a loss of %g", t.cfg.StopLoss)
	} else {
		total = e.TotalSteps
	}
	if total > 0 {
		frac = min(1, float64(e.Step)/float64(total))
	}
	eta = e.ETA
	if toFit && e.ImagesPerSec > 0 && t.cfg.Batch > 0 {
		eta = time.Duration(float64(total-e.Step) * float64(t.cfg.Batch) / e.ImagesPerSec * float64(time.Second))
	}
	return max(frac, prev), eta, early
}
