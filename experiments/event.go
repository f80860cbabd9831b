package experiments

import (
	"context"
	"time"
)

// Event is one of the closed set of messages Run sends while it works.
type Event interface{ isEvent() }

// Started says a run has its data and its graph and is about to take its first step.
type Started struct {
	Config Config
	Dir    string // the run's results folder
	Params int64  // trainable parameters of the model as built
	Device string // the TensorFlow device it runs on
	// TrainSize and TestSize are the number of images used; FlipRate the fraction of training
	// labels that the randomization really changed.
	TrainSize, TestSize int
	FlipRate            float64
	StepsPerEpoch       int
	TotalSteps          int // the bound of the run (it may stop earlier once fitted)
	Resumed             bool
	FirstStep           int // 0, or the step a resumed run continues from
	// Warnings say where the run departs from what its config asked (e.g. a train_size larger
	// than the data set); Config and config.json hold what is used.
	Warnings []string
}

// StepProgress reports training between epochs, at most about ten times a second.
type StepProgress struct {
	Step, Epoch  int
	TotalSteps   int
	Loss         float64 // the last batch's cross-entropy
	ImagesPerSec float64
	ETA          time.Duration // to the bound of the run
	// Stage names what a kind other than "sgd" is doing, e.g. "kernel matrix" ("" for SGD);
	// Step counts done units of that stage out of TotalSteps.
	Stage string
}

// EpochDone carries the metrics of an epoch (one row of metrics.csv).
type EpochDone struct{ Metrics Metrics }

// FiltersReady is a snapshot of the first layer's weights: Shape is [k, k, in, out] for a CNN
// and [h*w*c, out] for an MLP (then ImageShape gives h, w, c), values row-major.
//
// When Delta is set (always, unless a resumed run lost its initial weights), a snapshot holds
// the change of the weights since initialization (the part training added: in short runs the
// random initial weights are much larger and hide it) of the MaxFilters units that changed
// most, most changed first; Units are their indices in the layer. Otherwise it holds the raw
// weights of the first MaxFilters units.
type FiltersReady struct {
	Epoch, Step int
	Shape       []int64
	ImageShape  [3]int
	Weights     []float32
	Delta       bool
	Units       []int
	// PatchShare is the mean share of the snapshot's filters' energy (of what Weights holds)
	// in the PatchComponents leading principal components of the training images' patches
	// as the network sees them (see PatchPCA): how much the filters look like the data's
	// edges and blobs. PatchChance is the share of a random filter. Both are 0 when not
	// measured (an MLP's first layer).
	PatchShare, PatchChance float64
}

// Fitted says the training set was fitted: full training-set accuracy reached Threshold
// (1 for "100%") at Step.
type Fitted struct {
	Step, Epoch int
	Threshold   float64
}

// Finished is the last event of a run. Err is nil on success, wraps context.Canceled after a
// cancel, and ErrDiverged after a NaN or infinite loss. Runs send it with SendFinished.
type Finished struct {
	Summary Summary
	Err     error
}

// FinishedGrace is how long a run whose context is done still waits for a reader to take its
// Finished event (see SendFinished).
const FinishedGrace = 5 * time.Second

// SendFinished sends f, the last event of a run, on out (a nil out sends nothing) and reports
// whether it was taken. It waits for the reader as long as ctx is live; once ctx is done, at most
// FinishedGrace more, then gives up: a caller that keeps reading until Finished always gets it,
// even after a cancel, and one that cancelled the run and stopped reading does not hold the
// run's goroutine for ever. Every kind ends with it (see Kind).
func SendFinished(ctx context.Context, out chan<- Event, f Finished) bool {
	return sendFinished(ctx, out, f, FinishedGrace)
}

func sendFinished(ctx context.Context, out chan<- Event, f Finished, grace time.Duration) bool {
	if out == nil {
		return false
	}
	select {
	case out <- f:
		return true
	case <-ctx.Done():
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case out <- f:
		return true
	case <-t.C:
		return false
	}
}

func (Started) isEvent()      {}
func (StepProgress) isEvent() {}
func (EpochDone) isEvent()    {}
func (FiltersReady) isEvent() {}
func (Fitted) isEvent()       {}
func (Finished) isEvent()     {}
