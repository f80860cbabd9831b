// Package archnoise is the kind of experiment "archnoise": strong against weak architectures
// under label noise (issue 13, part 2). Each run trains one network with SGD at one label
// corruption p, exactly as an "sgd" run does (Config's own fields, the same run loop, run
// folder, checkpoints and resume); the kind marks it as a run of the architecture sweep, so
// that reports and the app draw the sweep's figures (report.ArchFigures), and adds to its
// summary.json the measures of the run alone (Details). The measures across runs (the share of
// the clean signal kept, which needs the run at p = 0) are computed by Measures from the run
// folders.
package archnoise

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"

	"rethink/experiments"
)

// Kind is the kind's name in config.json.
const Kind = "archnoise"

func init() {
	experiments.Register(experiments.Kind{Name: Kind, Run: run, SGD: true,
		Description: "one network at one label corruption p, trained with SGD, as a run of the strong-against-weak architecture sweep"})
	experiments.RegisterPresets(Presets)
}

// Details is summary.json's "details" of an "archnoise" run: what the run alone says of the
// sweep's measures. Fractions in [0, 1]; FitSeconds is -1 when the run did not fit.
type Details struct {
	Chance     float64 `json:"chance"`
	Fitted     bool    `json:"fitted"`
	FitStep    int     `json:"fit_step"`
	FitSeconds float64 `json:"fit_seconds"`
	TestAcc    float64 `json:"test_acc"`
	TrainAcc   float64 `json:"train_acc"`
}

// run is the kind: the "sgd" kind's run, its events passed on (progress dropped when the
// reader is busy, as the SGD loop does), then Details added to summary.json and Finished
// sent with the summary that holds them.
func run(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (experiments.Summary, error) {
	sgd, err := experiments.KindByName(experiments.KindSGD)
	if err != nil {
		sum := experiments.Summary{Name: cfg.Name, Status: experiments.StatusFailed, Error: err.Error()}
		experiments.SendFinished(ctx, out, experiments.Finished{Summary: sum, Err: err})
		return sum, err
	}
	var inner chan experiments.Event
	done := make(chan struct{})
	if out != nil {
		inner = make(chan experiments.Event, 8)
		go func() {
			defer close(done)
			for e := range inner {
				switch e.(type) {
				case experiments.Finished: // sent below, with the details
				case experiments.StepProgress:
					select {
					case out <- e:
					default:
					}
				default:
					select {
					case out <- e:
					case <-ctx.Done():
					}
				}
			}
		}()
	} else {
		close(done)
	}
	sum, err := sgd.Run(ctx, cfg, opts, inner)
	if inner != nil {
		close(inner)
	}
	<-done
	if sum.Dir != "" && !errors.Is(err, experiments.ErrFinished) {
		if d, ok := detailsOf(sum.Dir); ok {
			if b, merr := json.Marshal(d); merr == nil {
				sum.Details = b
				if werr := experiments.WriteJSON(filepath.Join(sum.Dir, "summary.json"), sum); werr != nil && err == nil {
					err = werr
				}
			}
		}
	}
	experiments.SendFinished(ctx, out, experiments.Finished{Summary: sum, Err: err})
	return sum, err
}

// detailsOf reads the run folder dir (its summary as the SGD loop wrote it, and its metrics)
// and returns its Details; ok is false when it has no evaluation yet.
func detailsOf(dir string) (Details, bool) {
	rec, err := experiments.ReadRun(dir)
	if err != nil || len(rec.Metrics) == 0 {
		return Details{}, false
	}
	last := rec.Metrics[len(rec.Metrics)-1]
	d := Details{Chance: Chance, FitStep: rec.Summary.FitStep, Fitted: rec.Summary.FitStep >= 0,
		FitSeconds: -1, TestAcc: last.TestAcc, TrainAcc: last.TrainAcc}
	if s := FitSeconds(rec.Metrics, rec.Summary.FitStep); !math.IsNaN(s) {
		d.FitSeconds = s
	}
	return d, true
}

// IsKind reports whether runs are of this kind (the first run's kind decides, as the app's
// views do).
func IsKind(cfgs ...experiments.Config) bool {
	return len(cfgs) > 0 && cfgs[0].KindName() == Kind
}
