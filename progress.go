package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"rethink/experiments"
)

// plainEvery is the least time between two progress lines when the output is not a terminal
// (a log file or a pipe): a line every this often, none rewritten in place.
const plainEvery = 10 * time.Second

// progressView prints a run's events: a header when it starts, a line per epoch (at most one a
// second) and, between them, its progress. On a terminal the progress is a bar
// (schollz/progressbar) rewritten in place; otherwise it is a plain line every plainEvery, so
// that logs and pipes get no carriage returns. It is used from one goroutine.
type progressView struct {
	w   io.Writer
	tty bool
	bar *progressbar.ProgressBar
	// kind is the kind of experiment of the run under way (see experiments.Kind).
	kind string
	// lastEpoch and lastLine are when the last epoch line and the last plain progress line were
	// printed.
	lastEpoch, lastLine time.Time
}

// newProgressView prints to f, with a bar when f is a terminal.
func newProgressView(f *os.File) *progressView {
	return &progressView{w: f, tty: term.IsTerminal(int(f.Fd()))}
}

func (v *progressView) handle(e experiments.Event, i, n int) {
	switch e := e.(type) {
	case experiments.Started:
		v.kind = e.Config.KindName()
		if e.Config.TrainsSGD() {
			v.kind = experiments.KindSGD // SGD training under another kind: its lines are SGD's
		}
		model := e.Config.Model.String()
		if v.kind != experiments.KindSGD {
			model = "kind " + v.kind // its model is not Config.Model
		}
		what := ""
		if e.Resumed {
			what = fmt.Sprintf(", resumed at step %d", e.FirstStep)
		}
		if v.kind == experiments.KindSGD {
			fmt.Fprintf(v.w, "\n[%d/%d] %s: %s on %s, %s parameters, %d train / %d test images, flip rate %.3f%s\n      %s\n",
				i, n, e.Config.Name, model, shortDevice(e.Device), thousands(e.Params), e.TrainSize, e.TestSize, e.FlipRate, what, e.Dir)
		} else { // its networks, parameters and labels are its own: no one count or flip rate
			fmt.Fprintf(v.w, "\n[%d/%d] %s: %s on %s, %d train / %d test images%s\n      %s\n",
				i, n, e.Config.Name, model, shortDevice(e.Device), e.TrainSize, e.TestSize, what, e.Dir)
		}
		v.lastLine = time.Now()
		if v.tty {
			v.bar = progressbar.NewOptions64(int64(max(e.TotalSteps, 1)),
				progressbar.OptionSetWriter(v.w),
				progressbar.OptionSetWidth(30),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(false), // the run's own ETA goes in the description
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSetDescription("      "),
				progressbar.OptionShowDescriptionAtLineEnd(),
			)
			v.bar.Set64(int64(e.FirstStep))
		}
	case experiments.StepProgress:
		if e.Stage != "" { // a kind with stages of its own: no epochs, losses or images/s
			info := fmt.Sprintf("%s  ETA %s", e.Stage, e.ETA.Round(time.Second))
			if v.bar != nil {
				v.bar.Describe(info)
				v.bar.ChangeMax64(int64(max(e.TotalSteps, 1)))
				v.bar.Set64(int64(e.Step))
			} else if time.Since(v.lastLine) >= plainEvery {
				v.lastLine = time.Now()
				fmt.Fprintf(v.w, "      %s: %d/%d\n", info, e.Step, e.TotalSteps)
			}
			return
		}
		info := fmt.Sprintf("epoch %d  loss %.4f  %.0f img/s  ETA %s", e.Epoch, e.Loss, e.ImagesPerSec, e.ETA.Round(time.Second))
		if v.bar != nil {
			v.bar.Describe(info)
			v.bar.Set64(int64(e.Step))
			return
		}
		if time.Since(v.lastLine) >= plainEvery {
			v.lastLine = time.Now()
			fmt.Fprintf(v.w, "      step %d/%d  %s\n", e.Step, e.TotalSteps, info)
		}
	case experiments.EpochDone:
		if v.kind != experiments.KindSGD {
			return // other kinds' rows are not epochs of training; their headline follows the run
		}
		// Small subsets finish many epochs a second: print at most one epoch line a second.
		if time.Since(v.lastEpoch) < time.Second {
			return
		}
		v.lastEpoch, v.lastLine = time.Now(), time.Now()
		v.clearBar()
		m := e.Metrics
		fmt.Fprintf(v.w, "      epoch %3d  step %6d  train loss %.4f acc %6.2f%%  test acc %6.2f%%  %5.0f img/s  %5.0fs\n",
			m.Epoch, m.Step, m.TrainLoss, 100*m.TrainAcc, 100*m.TestAcc, m.ImagesPerSec, m.Seconds)
	case experiments.Fitted:
		v.clearBar()
		fmt.Fprintf(v.w, "      fitted: %.1f%% training accuracy at step %d (epoch %d)\n", 100*e.Threshold, e.Step, e.Epoch)
	case experiments.Finished:
		v.clearBar()
		v.bar = nil
		switch {
		case errors.Is(e.Err, experiments.ErrFinished):
			fmt.Fprintf(v.w, "\n[%d/%d] %s: already %s\n", i, n, e.Summary.Name, e.Summary.Status)
		case e.Err != nil: // the error itself is printed once, by main, on stderr
			fmt.Fprintf(v.w, "      %s\n", e.Summary.Status)
		}
	}
}

// clearBar blanks the bar's line so that a line can be printed in its place (the bar is drawn
// again at the next step).
func (v *progressView) clearBar() {
	if v.bar != nil {
		v.bar.Clear()
	}
}

func shortDevice(d string) string {
	if i := strings.Index(d, "device:"); i >= 0 {
		return d[i+len("device:"):]
	}
	return d
}
