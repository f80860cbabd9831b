package experiments

import (
	"context"
	"testing"
)

// The fit checked every step inside the epoch finds the same trajectory's fit within the epoch
// that the end-of-epoch check reports, and StopAfterFit 0 then ends the run at that step.
func TestRun_FitEveryFindsTheStepInsideTheEpoch(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.StopAfterFit = 40, 0
	coarse, sumCoarse, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 4)})
	if err != nil {
		t.Fatal(err)
	}
	cfg.FitEvery = 1
	_, sumFine, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 4)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fit at step %d checked every step, %d at epoch ends", sumFine.FitStep, sumCoarse.FitStep)
	const stepsPerEpoch = 64 / 16
	if sumCoarse.FitStep < 0 || sumFine.FitStep < 0 {
		t.Fatalf("not fitted: fit steps %d (per epoch) and %d (every step)", sumCoarse.FitStep, sumFine.FitStep)
	}
	if sumCoarse.FitStep%stepsPerEpoch != 0 {
		t.Errorf("end-of-epoch fit step %d is not a multiple of the %d steps of an epoch", sumCoarse.FitStep, stepsPerEpoch)
	}
	if sumFine.FitStep > sumCoarse.FitStep || sumFine.FitStep <= sumCoarse.FitStep-stepsPerEpoch {
		t.Errorf("fit checked every step at %d, at epoch ends at %d: want within the last epoch (%d, %d]",
			sumFine.FitStep, sumCoarse.FitStep, sumCoarse.FitStep-stepsPerEpoch, sumCoarse.FitStep)
	}
	if sumFine.Steps != sumFine.FitStep || sumFine.FinalTrainAcc != 1 {
		t.Errorf("StopAfterFit 0 with FitEvery 1 ran %d steps to train acc %v; want to stop at the fit step %d at 100%%",
			sumFine.Steps, sumFine.FinalTrainAcc, sumFine.FitStep)
	}
	if len(metricsOf(coarse)) != sumCoarse.FitStep/stepsPerEpoch {
		t.Errorf("%d metrics rows for a fit at step %d", len(metricsOf(coarse)), sumCoarse.FitStep)
	}
}

// StopLoss runs on past the fit until the training loss is below it; the fit step stays the
// first at 100% accuracy.
func TestRun_StopLossRunsPastTheFit(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.StopAfterFit, cfg.FitEvery, cfg.StopLoss = 200, -1, 2, 0.02
	evs, sum, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 4)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.FitStep < 0 || sum.LossStep < 0 {
		t.Fatalf("fit step %d, loss step %d, final loss %.4f: want both reached", sum.FitStep, sum.LossStep, sum.FinalTrainLoss)
	}
	if sum.LossStep <= sum.FitStep {
		t.Errorf("loss below 0.02 at step %d, fit at %d: want the fit first", sum.LossStep, sum.FitStep)
	}
	if sum.LossStep%4 != 0 {
		t.Errorf("loss step %d after the fit at %d is not an epoch end", sum.LossStep, sum.FitStep)
	}
	if sum.Steps != sum.LossStep || sum.FinalTrainLoss >= 0.02 || sum.Steps >= 200*4 {
		t.Errorf("ran %d steps to loss %.4f; want to stop at the loss step %d below 0.02", sum.Steps, sum.FinalTrainLoss, sum.LossStep)
	}
	t.Logf("fit at step %d, loss below 0.02 at step %d", sum.FitStep, sum.LossStep)
	ms := metricsOf(evs)
	if last := ms[len(ms)-1]; last.Step != sum.LossStep || last.TrainLoss >= 0.02 {
		t.Errorf("last metrics row at step %d with loss %.4f; want the stop at %d below 0.02", last.Step, last.TrainLoss, sum.LossStep)
	}
	for _, m := range ms[:len(ms)-1] {
		if m.TrainLoss < 0.02 {
			t.Errorf("epoch %d already had loss %.4f < 0.02 but the run went on", m.Epoch, m.TrainLoss)
		}
	}
}

// A loss below StopLoss while an image is still wrong does not end the run: it goes on to the
// fit, so that a run stopped at StopLoss always has its time to fit.
func TestRun_StopLossWaitsForTheFit(t *testing.T) {
	cfg := tinyConfig()
	// A loss of 2 nats is passed long before the last image is right.
	cfg.Epochs, cfg.StopAfterFit, cfg.FitEvery, cfg.StopLoss = 200, -1, 2, 2.0
	_, sum, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 4)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loss below 2 at step %d, fit at %d, stopped at %d", sum.LossStep, sum.FitStep, sum.Steps)
	if sum.LossStep < 0 || sum.FitStep < 0 {
		t.Fatalf("loss step %d, fit step %d after %d steps: want both reached", sum.LossStep, sum.FitStep, sum.Steps)
	}
	if sum.LossStep >= sum.FitStep {
		t.Fatalf("loss below 2 at step %d, not before the fit at %d: the test does not test the wait", sum.LossStep, sum.FitStep)
	}
	if sum.Steps < sum.FitStep || sum.Steps > sum.FitStep+4 || sum.FinalTrainAcc != 1 {
		t.Errorf("stopped at step %d (train acc %v); want to stop at the first epoch end at or after the fit at %d", sum.Steps, sum.FinalTrainAcc, sum.FitStep)
	}
}
