package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"rethink/experiments"
)

// progressBar draws one line per run that it rewrites in place, and a line per epoch.
type progressBar struct {
	w         io.Writer
	started   experiments.Started
	lastEpoch time.Time
}

func newProgressBar(w io.Writer) *progressBar { return &progressBar{w: w} }

func (b *progressBar) handle(e experiments.Event, i, n int) {
	switch e := e.(type) {
	case experiments.Started:
		b.started = e
		what := e.Config.Model.String()
		if k := e.Config.KindName(); k != experiments.KindSGD {
			what = "kind " + k // its model is not Config.Model
		}
		fmt.Fprintf(b.w, "\n[%d/%d] %s: %s on %s, %s parameters, %d train / %d test images, flip rate %.3f\n      %s\n",
			i, n, e.Config.Name, what, shortDevice(e.Device), thousands(e.Params), e.TrainSize, e.TestSize, e.FlipRate, e.Dir)
	case experiments.StepProgress:
		if e.Stage != "" { // a kind with stages of its own: no epochs, losses or images/s
			fmt.Fprintf(b.w, "\r      %s: %d/%d  ETA %s%s", e.Stage, e.Step, e.TotalSteps, e.ETA.Round(time.Second), strings.Repeat(" ", 10))
			return
		}
		frac := float64(e.Step) / float64(max(e.TotalSteps, 1))
		const width = 30
		done := int(frac * width)
		fmt.Fprintf(b.w, "\r      [%s%s] step %d/%d  epoch %d  loss %.4f  %.0f img/s  ETA %s   ",
			strings.Repeat("=", done), strings.Repeat(" ", width-done), e.Step, e.TotalSteps, e.Epoch, e.Loss, e.ImagesPerSec, e.ETA.Round(time.Second))
	case experiments.EpochDone:
		if b.started.Config.KindName() != experiments.KindSGD {
			return // other kinds' rows are not epochs of training; their headline follows the run
		}
		// Small subsets finish many epochs a second: print at most one epoch line a second.
		if time.Since(b.lastEpoch) < time.Second {
			return
		}
		b.lastEpoch = time.Now()
		m := e.Metrics
		fmt.Fprintf(b.w, "\r      epoch %3d  step %6d  train loss %.4f acc %6.2f%%  test acc %6.2f%%  %5.0f img/s  %5.0fs%s\n",
			m.Epoch, m.Step, m.TrainLoss, 100*m.TrainAcc, 100*m.TestAcc, m.ImagesPerSec, m.Seconds, strings.Repeat(" ", 20))
	case experiments.Fitted:
		fmt.Fprintf(b.w, "      fitted: %.1f%% training accuracy at step %d (epoch %d)\n", 100*e.Threshold, e.Step, e.Epoch)
	case experiments.Finished:
		if e.Err != nil {
			fmt.Fprintf(b.w, "      %s: %v\n", e.Summary.Status, e.Err)
		}
	}
}

func shortDevice(d string) string {
	if i := strings.Index(d, "device:"); i >= 0 {
		return d[i+len("device:"):]
	}
	return d
}
