package experiments

import (
	"context"
	"testing"
)

// TestRun_StepsPerCallChangesNothing runs the same config taking one step a call and up to five
// (what a run on a worker does) in this process, with everything that must fall between two
// calls: a last, partial batch per epoch, learning-rate decays every 3 steps, fit checks every 2
// steps and a bound in steps that is not a multiple of the epoch. The metrics, fit steps and
// step counts must be the same.
func TestRun_StepsPerCallChangesNothing(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.DecaySteps, cfg.FitEvery, cfg.MaxSteps, cfg.StopAfterFit = 6, 3, 2, 22, -1
	ds := bars(70, 32, 3) // 70 = 4 batches of 16 and one of 6
	var sums []Summary
	var metrics [][]Metrics
	for _, k := range []int{1, 5} {
		sum, err := Run(context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: ds, StepsPerCall: k}, nil)
		if err != nil {
			t.Fatal(err)
		}
		sums, metrics = append(sums, sum), append(metrics, folderMetrics(t, sum.Dir))
	}
	sameMetrics(t, "5 steps a call", metrics[1], metrics[0])
	a, b := sums[0], sums[1]
	if a.Steps != 22 || a.Steps != b.Steps || a.FitStep != b.FitStep || a.ThresholdStep != b.ThresholdStep || a.BestTestStep != b.BestTestStep {
		t.Errorf("summaries differ: one step a call %+v\nfive %+v", a, b)
	}
}
