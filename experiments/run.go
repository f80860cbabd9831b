package experiments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// ErrDiverged is wrapped by the error of a run whose loss became NaN or infinite.
var ErrDiverged = errors.New("experiments: training diverged")

// Options are the parts of a run that are not science: where results go, resuming, pausing.
type Options struct {
	// ResultsDir is the root of run folders ("" means DefaultResultsDir()).
	ResultsDir string
	// ResumeDir continues the run in this folder from its last checkpoint; the Config passed to
	// Run is then ignored in favour of the folder's config.json.
	ResumeDir string
	// Pause, when not nil, holds the run between steps while set.
	Pause *Pause
	// Dataset replaces the data set named by the Config (tests pass small data they make).
	Dataset *data.Dataset
	// ProgressInterval is the least time between two StepProgress events (0: 100 ms).
	ProgressInterval time.Duration
}

// DefaultResultsDir is $RETHINK_RESULTS, else ./results.
func DefaultResultsDir() string {
	if d := os.Getenv("RETHINK_RESULTS"); d != "" {
		return d
	}
	return "results"
}

// state.json: where a run stands at its last checkpoint.
type runState struct {
	Epoch, Step   int
	Checkpoint    string // prefix, relative to the run folder
	FitStep       int
	ThresholdStep int
	LossStep      int // first step with training loss below Config.StopLoss (-1: not yet)
	BestTestAcc   float64
	BestTestStep  int
	Seconds       float64
}

// Run executes cfg, sending events on out (it never closes out), and returns the run's summary.
// It blocks until the run ends: call it on a worker goroutine, never on the UI goroutine. It
// checks ctx and opts.Pause between steps; a cancelled run returns an error wrapping
// context.Canceled and leaves its folder readable and resumable. Everything the run produces is
// written under its folder atomically.
func Run(ctx context.Context, cfg Config, opts Options, out chan<- Event) (Summary, error) {
	r := &runner{opts: opts, out: out, interval: opts.ProgressInterval}
	if r.interval <= 0 {
		r.interval = 100 * time.Millisecond
	}
	sum, err := r.run(ctx, cfg)
	r.send(ctx, Finished{Summary: sum, Err: err})
	return sum, err
}

type runner struct {
	opts     Options
	out      chan<- Event
	interval time.Duration
	dir      string
	sum      Summary
	metrics  []Metrics
	state    runState
	start    time.Time
	// initial is the first layer's initial weights (see FiltersReady.Delta), nil until known.
	initial []float32
	// pca is the patch basis of the filter share (see FiltersReady.PatchShare), nil until built.
	pca  *PatchPCA
	seed uint64
}

// send delivers e unless ctx ends first; Finished is delivered even after a cancel, as long as
// the reader keeps reading.
func (r *runner) send(ctx context.Context, e Event) {
	if r.out == nil {
		return
	}
	if _, final := e.(Finished); final {
		r.out <- e
		return
	}
	select {
	case r.out <- e:
	case <-ctx.Done():
	}
}

// trySend delivers e only if the reader is ready: progress must never slow training.
func (r *runner) trySend(e Event) {
	if r.out == nil {
		return
	}
	select {
	case r.out <- e:
	default:
	}
}

func (r *runner) run(ctx context.Context, cfg Config) (sum Summary, err error) {
	resumed := r.opts.ResumeDir != ""
	if resumed {
		if cfg, err = r.openResume(); err != nil {
			return Summary{Status: StatusFailed, Error: err.Error()}, err
		}
	} else {
		if cfg.Device == "" {
			cfg.Device = "auto"
		}
		if err := cfg.Validate(); err != nil {
			return Summary{Name: cfg.Name, Status: StatusFailed, Error: err.Error()}, err
		}
		root := r.opts.ResultsDir
		if root == "" {
			root = DefaultResultsDir()
		}
		if r.dir, err = newRunDir(root, cfg.Name); err != nil {
			return Summary{Name: cfg.Name, Status: StatusFailed, Error: err.Error()}, err
		}
		if err := WriteJSON(filepath.Join(r.dir, "config.json"), cfg); err != nil {
			return Summary{Name: cfg.Name, Status: StatusFailed, Error: err.Error()}, err
		}
		r.state = runState{FitStep: -1, ThresholdStep: -1, LossStep: -1, BestTestStep: -1}
	}
	r.sum = Summary{Name: cfg.Name, Seed: cfg.Seed, Status: StatusRunning, FitStep: r.state.FitStep,
		ThresholdStep: r.state.ThresholdStep, LossStep: r.state.LossStep,
		BestTestAcc: r.state.BestTestAcc, BestTestStep: r.state.BestTestStep, Epochs: r.state.Epoch, Steps: r.state.Step}
	r.start = time.Now().Add(-time.Duration(r.state.Seconds * float64(time.Second)))
	r.seed = cfg.Seed
	err = r.train(ctx, cfg, resumed)
	return r.finish(err)
}

// openResume reads a run folder to continue it.
func (r *runner) openResume() (Config, error) {
	r.dir = r.opts.ResumeDir
	rec, err := ReadRun(r.dir)
	if err != nil {
		return Config{}, err
	}
	b, err := os.ReadFile(filepath.Join(r.dir, "state.json"))
	if err != nil {
		return Config{}, fmt.Errorf("experiments: resume %s: no checkpoint yet (%w); start the run again instead", r.dir, err)
	}
	r.state.LossStep = -1 // state.json written before StopLoss existed has no LossStep
	if err := json.Unmarshal(b, &r.state); err != nil {
		return Config{}, fmt.Errorf("experiments: resume %s: state.json: %w", r.dir, err)
	}
	for _, m := range rec.Metrics {
		if m.Epoch <= r.state.Epoch {
			r.metrics = append(r.metrics, m)
		}
	}
	return rec.Config, nil
}

func (r *runner) train(ctx context.Context, cfg Config, resumed bool) error {
	ds, err := LoadData(ctx, cfg, r.opts.Dataset)
	if err != nil {
		return err
	}
	p, err := Prepare(cfg, ds)
	if err != nil {
		return err
	}
	m, err := tfgraph.New(cfg.Spec(p))
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Upload(tfgraph.Data{Images: p.Train.Images, Labels: labels32(p.Train.Labels)},
		tfgraph.Data{Images: p.Test.Images, Labels: labels32(p.Test.Labels)}); err != nil {
		return err
	}
	if resumed {
		if err := m.Restore(filepath.Join(r.dir, r.state.Checkpoint)); err != nil {
			return fmt.Errorf("experiments: resume %s: %w", r.dir, err)
		}
	}
	n := p.Train.N
	stepsPerEpoch := (n + cfg.Batch - 1) / cfg.Batch
	total := cfg.Epochs * stepsPerEpoch
	if cfg.MaxSteps > 0 && (total == 0 || cfg.MaxSteps < total) {
		total = cfg.MaxSteps
	}
	r.sum.Params, r.sum.Device = m.Params(), m.Device()
	r.sum.TrainSize, r.sum.TestSize, r.sum.FlipRate = p.Train.N, p.Test.N, p.FlipRate
	r.send(ctx, Started{Config: cfg, Dir: r.dir, Params: r.sum.Params, Device: r.sum.Device, TrainSize: p.Train.N,
		TestSize: p.Test.N, FlipRate: p.FlipRate, StepsPerEpoch: stepsPerEpoch, TotalSteps: total,
		Resumed: resumed, FirstStep: r.state.Step})
	if !resumed {
		r.snapshot(ctx, m, cfg, 0, 0, p)
	}

	step := r.state.Step
	fittedAt := -1
	if r.state.FitStep >= 0 {
		fittedAt = r.state.Epoch // a resumed run counts StopAfterFit from its checkpoint
	}
	lastProgress := time.Now()
	for epoch := r.state.Epoch + 1; step < total; epoch++ {
		decayEvery := cfg.DecaySteps
		if decayEvery <= 0 {
			decayEvery = stepsPerEpoch
		}
		lr, lrSet := 0.0, false
		order := rand.New(rand.NewPCG(cfg.Seed, uint64(epoch))).Perm(n)
		epochStart, images := time.Now(), 0
		var lossSum float64
		batches := 0
		idx := make([]int32, 0, cfg.Batch)
		for start := 0; start < n && step < total; start += cfg.Batch {
			if err := r.opts.Pause.wait(ctx); err != nil {
				return err
			}
			if want := cfg.LearningRate * math.Pow(cfg.LRDecay, float64(step/decayEvery)); !lrSet || want != lr {
				if err := m.SetLearningRate(want); err != nil {
					return err
				}
				lr, lrSet = want, true
			}
			idx = idx[:0]
			for _, i := range order[start:min(start+cfg.Batch, n)] {
				idx = append(idx, int32(i))
			}
			loss, _, err := m.TrainStep(idx)
			if err != nil {
				return fmt.Errorf("epoch %d, step %d: %w", epoch, step+1, err)
			}
			step++
			if !finite(loss) {
				return fmt.Errorf("%w at step %d (epoch %d, learning rate %.4g): the loss became %v. Lower the learning rate or turn on batch norm; the metrics up to the last epoch are kept", ErrDiverged, step, epoch, lr, loss)
			}
			lossSum += loss
			batches++
			images += len(idx)
			if cfg.FitEvery > 0 && r.state.FitStep < 0 && step%cfg.FitEvery == 0 && start+cfg.Batch < n && step < total {
				// A check inside the epoch until the fit; the epoch's last step is checked by
				// evaluate below.
				trainLoss, trainAcc, err := m.Evaluate(tfgraph.TrainSplit)
				if err != nil {
					return fmt.Errorf("epoch %d, step %d: fit check: %w", epoch, step, err)
				}
				r.check(ctx, cfg, step, epoch, trainLoss, trainAcc)
				if r.stopNow(cfg) {
					break
				}
			}
			if now := time.Now(); now.Sub(lastProgress) >= r.interval {
				lastProgress = now
				rate := float64(images) / now.Sub(epochStart).Seconds()
				r.trySend(StepProgress{Step: step, Epoch: epoch, TotalSteps: total, Loss: loss, ImagesPerSec: rate,
					ETA: time.Duration(float64(total-step) * float64(cfg.Batch) / rate * float64(time.Second))})
			}
		}
		rate := float64(images) / time.Since(epochStart).Seconds()
		met, err := r.evaluate(m, epoch, step, lr, rate, lossSum/float64(max(batches, 1)))
		if err != nil {
			return fmt.Errorf("epoch %d: %w", epoch, err)
		}
		if !finite(met.TrainLoss) {
			return fmt.Errorf("%w at epoch %d: the training-set loss became %v", ErrDiverged, epoch, met.TrainLoss)
		}
		r.metrics = append(r.metrics, met)
		r.observe(ctx, met, cfg, epoch)
		if err := WriteMetricsCSV(filepath.Join(r.dir, "metrics.csv"), r.metrics); err != nil {
			return err
		}
		r.send(ctx, EpochDone{Metrics: met})
		if cfg.FilterEvery <= 0 || epoch%cfg.FilterEvery == 0 || step >= total {
			r.snapshot(ctx, m, cfg, epoch, step, p)
		}
		if every := max(cfg.CheckpointEvery, 1); epoch%every == 0 || step >= total {
			if err := r.checkpoint(m, epoch, step); err != nil {
				return err
			}
		}
		if fittedAt < 0 && r.state.FitStep >= 0 {
			fittedAt = epoch
		}
		if cfg.StopAfterFit >= 0 && fittedAt >= 0 && epoch-fittedAt >= cfg.StopAfterFit {
			break
		}
		if cfg.StopLoss > 0 && r.state.LossStep >= 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// evaluate measures the whole training and test sets.
func (r *runner) evaluate(m *tfgraph.Model, epoch, step int, lr, rate, batchLoss float64) (Metrics, error) {
	trainLoss, trainAcc, err := m.Evaluate(tfgraph.TrainSplit)
	if err != nil {
		return Metrics{}, err
	}
	testLoss, testAcc, err := m.Evaluate(tfgraph.TestSplit)
	if err != nil {
		return Metrics{}, err
	}
	return Metrics{Epoch: epoch, Step: step, TrainLoss: trainLoss, TrainAcc: trainAcc, TestLoss: testLoss, TestAcc: testAcc,
		BatchLoss: batchLoss, LearningRate: lr, ImagesPerSec: rate, Seconds: time.Since(r.start).Seconds()}, nil
}

// check records the steps of fit, of FitThreshold and of StopLoss from a measurement of the
// whole training set after step (in epoch).
func (r *runner) check(ctx context.Context, cfg Config, step, epoch int, trainLoss, trainAcc float64) {
	s := &r.state
	if s.ThresholdStep < 0 && trainAcc >= cfg.FitThreshold {
		s.ThresholdStep = step
		if cfg.FitThreshold < 1 {
			r.send(ctx, Fitted{Step: step, Epoch: epoch, Threshold: cfg.FitThreshold})
		}
	}
	if s.FitStep < 0 && trainAcc >= 1 {
		s.FitStep = step
		r.send(ctx, Fitted{Step: step, Epoch: epoch, Threshold: 1})
	}
	if cfg.StopLoss > 0 && s.LossStep < 0 && trainLoss < cfg.StopLoss {
		s.LossStep = step
	}
	r.sum.FitStep, r.sum.ThresholdStep, r.sum.LossStep = s.FitStep, s.ThresholdStep, s.LossStep
}

// stopNow says whether a check inside an epoch ends the run: StopLoss reached, or the fit
// reached with StopAfterFit 0.
func (r *runner) stopNow(cfg Config) bool {
	return (cfg.StopLoss > 0 && r.state.LossStep >= 0) || (cfg.StopAfterFit == 0 && r.state.FitStep >= 0)
}

// observe updates time-to-fit and early-stopping numbers after an epoch.
func (r *runner) observe(ctx context.Context, met Metrics, cfg Config, epoch int) {
	s := &r.state
	r.check(ctx, cfg, met.Step, epoch, met.TrainLoss, met.TrainAcc)
	if finite(met.TestAcc) && (s.BestTestStep < 0 || met.TestAcc > s.BestTestAcc) {
		s.BestTestAcc, s.BestTestStep = met.TestAcc, met.Step
	}
	s.Epoch, s.Step, s.Seconds = epoch, met.Step, met.Seconds
	r.sum.BestTestAcc, r.sum.BestTestStep = s.BestTestAcc, s.BestTestStep
	r.sum.Epochs, r.sum.Steps = epoch, met.Step
	r.sum.FinalTrainAcc, r.sum.FinalTestAcc, r.sum.FinalTrainLoss = met.TrainAcc, met.TestAcc, met.TrainLoss
	// A failed write is not fatal: the next epoch and the end of the run write it again.
	WriteJSON(filepath.Join(r.dir, "summary.json"), r.sum)
}

// checkpoint saves the variables under a new prefix, then state.json pointing at it, then
// removes the previous checkpoint: at every moment state.json names a complete checkpoint.
func (r *runner) checkpoint(m *tfgraph.Model, epoch, step int) error {
	dir := filepath.Join(r.dir, "checkpoint")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("experiments: checkpoint: %w", err)
	}
	prefix := filepath.Join("checkpoint", fmt.Sprintf("epoch-%04d", epoch))
	if err := m.Save(filepath.Join(r.dir, prefix)); err != nil {
		return err
	}
	old := r.state.Checkpoint
	r.state.Checkpoint = prefix
	if err := WriteJSON(filepath.Join(r.dir, "state.json"), r.state); err != nil {
		return fmt.Errorf("experiments: checkpoint: %w", err)
	}
	if old != "" && old != prefix {
		os.Remove(filepath.Join(r.dir, old+".index"))
		os.Remove(filepath.Join(r.dir, old+".data-00000-of-00001"))
	}
	return nil
}

// finish writes the final summary and turns err into a status.
func (r *runner) finish(err error) (Summary, error) {
	switch {
	case err == nil:
		r.sum.Status = StatusDone
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		r.sum.Status = StatusCancelled
	case errors.Is(err, ErrDiverged):
		r.sum.Status = StatusDiverged
	default:
		r.sum.Status = StatusFailed
	}
	if err != nil {
		r.sum.Error = err.Error()
	}
	r.sum.Seconds = time.Since(r.start).Seconds()
	r.sum.Finished = time.Now().Format(time.RFC3339)
	if r.dir != "" {
		if werr := WriteJSON(filepath.Join(r.dir, "summary.json"), r.sum); werr != nil && err == nil {
			err = werr
		}
	}
	return r.sum, err
}
