package experiments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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
	// Target runs the training on a worker (rethink serve) at this session target,
	// "grpc://host:port" ("": in this process); the run folder stays on this machine.
	Target string
	// WorkerTimeout bounds every call to the worker (0: tfgraph.RemoteTimeout): a lost worker
	// is noticed when it passes.
	WorkerTimeout time.Duration
	// StepsPerCall is the number of SGD steps a call to TensorFlow takes (see
	// tfgraph.Spec.StepsPerCall): 0 takes one a call in this process and, on a worker, enough to
	// make every round trip worth it (tfgraph.StepsForCall). The numbers are the same either way.
	StepsPerCall int
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

// runSGD is the "sgd" kind (sgd.go): it executes cfg, sending events on out (it never closes
// out), and returns the run's summary. It blocks until the run ends: call it on a worker
// goroutine, never on the UI goroutine. It checks ctx and opts.Pause between steps; a cancelled
// run returns an error wrapping context.Canceled and leaves its folder readable and resumable.
// Everything the run produces is written under its folder atomically.
func runSGD(ctx context.Context, cfg Config, opts Options, out chan<- Event) (Summary, error) {
	r := &runner{opts: opts, out: out, interval: opts.ProgressInterval}
	if r.interval <= 0 {
		r.interval = 100 * time.Millisecond
	}
	sum, err := r.run(ctx, cfg)
	SendFinished(ctx, out, Finished{Summary: sum, Err: err})
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
	tb      *tensorboard
	// unlock releases the run folder's lock (nil until taken).
	unlock func()
	// warnings go out with Started (see Started.Warnings).
	warnings []string
	// warned holds the problems already recorded in sum.Warnings (see warn).
	warned map[string]bool
	// pca is the patch basis of the filter share (see FiltersReady.PatchShare), nil until built.
	pca *PatchPCA
	// seed is the run's Config.Seed (the patch sample of pca is drawn from it).
	seed uint64
}

// warn records in the summary (Summary.Warnings) a problem that does not stop the run, such as a
// filter snapshot that a full disk kept from being written: once for each what, with the first
// error, so that a problem of every epoch does not fill the summary.
func (r *runner) warn(what string, err error) {
	if r.warned[what] {
		return
	}
	if r.warned == nil {
		r.warned = map[string]bool{}
	}
	r.warned[what] = true
	r.sum.Warnings = append(r.sum.Warnings, fmt.Sprintf("%s: %v", what, err))
}

// send delivers e unless ctx ends first (Finished goes through SendFinished instead).
func (r *runner) send(ctx context.Context, e Event) {
	if r.out == nil {
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
	defer func() {
		if r.unlock != nil {
			r.unlock()
		}
	}()
	resumed := r.opts.ResumeDir != ""
	if resumed {
		if cfg, err = r.openResume(); errors.Is(err, ErrFinished) {
			return r.sum, err // nothing to do, nothing written
		} else if err != nil {
			return Summary{Status: StatusFailed, Error: err.Error()}, err
		}
	} else {
		if cfg.Device == "" {
			cfg.Device = "auto"
		}
		if err := cfg.Validate(); err != nil {
			return Summary{Name: cfg.Name, Status: StatusFailed, Error: err.Error()}, err
		}
		r.state = runState{FitStep: -1, ThresholdStep: -1, LossStep: -1, BestTestStep: -1}
	}
	r.sum = Summary{Name: cfg.Name, Seed: cfg.Seed, Status: StatusRunning, FitStep: r.state.FitStep,
		ThresholdStep: r.state.ThresholdStep, LossStep: r.state.LossStep,
		BestTestAcc: r.state.BestTestAcc, BestTestStep: r.state.BestTestStep, Epochs: r.state.Epoch, Steps: r.state.Step}
	r.start = time.Now().Add(-time.Duration(r.state.Seconds * float64(time.Second)))
	r.seed = cfg.Seed
	m, p, err := r.build(ctx, &cfg, resumed)
	if err != nil {
		return r.finish(err)
	}
	defer m.Close()
	if !resumed {
		// The folder is made only now that the data and the graph are ready, so a start that
		// fails leaves nothing in the results folder.
		if err := r.makeDir(cfg); err != nil {
			return r.finish(err)
		}
	}
	r.tb = newTensorBoard(r.dir, &r.sum)
	err = r.train(ctx, cfg, m, p, resumed)
	r.tb.close()
	return r.finish(err)
}

// makeDir makes the run's folder, takes its lock and writes config.json.
func (r *runner) makeDir(cfg Config) (err error) {
	root := r.opts.ResultsDir
	if root == "" {
		root = DefaultResultsDir()
	}
	dir, err := newRunDir(root, cfg.Name)
	if err != nil {
		return err
	}
	if r.unlock, err = lockRun(dir); err == nil {
		err = WriteJSON(filepath.Join(dir, "config.json"), cfg)
	}
	if err != nil {
		if r.unlock != nil {
			r.unlock()
			r.unlock = nil
		}
		if rerr := os.RemoveAll(dir); rerr != nil { // nothing of the run was written yet
			return fmt.Errorf("%w (and the new run folder %s could not be removed: %v)", err, dir, rerr)
		}
		return err
	}
	r.dir = dir
	return nil
}

// openResume reads a run folder to continue it. A run that has finished (done or diverged)
// gives ErrFinished with its summary in r.sum; one that another process runs, an error.
func (r *runner) openResume() (Config, error) {
	dir := r.opts.ResumeDir
	rec, err := ReadRun(dir)
	if err != nil {
		return Config{}, err
	}
	switch rec.Summary.Status {
	case StatusDone, StatusDiverged:
		r.sum = rec.Summary
		return Config{}, fmt.Errorf("%w: %s is %s (%d epochs, %d steps, final train accuracy %.2f%%, test %.2f%%); nothing to resume",
			ErrFinished, dir, rec.Summary.Status, rec.Summary.Epochs, rec.Summary.Steps, 100*rec.Summary.FinalTrainAcc, 100*rec.Summary.FinalTestAcc)
	case StatusRunning:
		return Config{}, fmt.Errorf("experiments: resume %s: %w (it is still running)", dir, errLocked)
	}
	if r.unlock, err = lockRun(dir); err != nil {
		return Config{}, err
	}
	r.dir = dir
	r.removeStaleTemps()
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

// removeStaleTemps removes the temporary files (".NAME.tmpNNN", WriteAtomic's) that a process
// killed in the middle of a write left in the run folder. Call it holding the folder's lock:
// no other process writes there then. One that cannot be removed is only warned about.
func (r *runner) removeStaleTemps() {
	names, _ := filepath.Glob(filepath.Join(r.dir, ".*.tmp*"))
	for _, n := range names {
		if err := os.Remove(n); err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.warn("a temporary file left by a killed write could not be removed", err)
		}
	}
}

// build loads and prepares the data, builds the graph, uploads the data and, for a resume,
// restores the checkpoint. The caller closes the model.
func (r *runner) build(ctx context.Context, cfg *Config, resumed bool) (*tfgraph.Model, Prepared, error) {
	ds, err := LoadData(ctx, *cfg, r.opts.Dataset)
	if err != nil {
		return nil, Prepared{}, err
	}
	r.warnings = append(r.warnings, fitSizes(cfg, ds)...)
	p, err := Prepare(*cfg, ds)
	if err != nil {
		return nil, Prepared{}, err
	}
	if err := checkSplits(*cfg, p); err != nil {
		return nil, Prepared{}, err
	}
	spec := cfg.Spec(p)
	spec.Target, spec.Timeout, spec.StepsPerCall = r.opts.Target, r.opts.WorkerTimeout, r.opts.StepsPerCall
	if spec.StepsPerCall == 0 && spec.Target != "" {
		f, err := tfgraph.StepFLOPs(spec.Arch, spec.Batch, spec.Height, spec.Width, spec.Channels, spec.Classes)
		if err != nil {
			return nil, Prepared{}, err
		}
		spec.StepsPerCall = tfgraph.StepsForCall(f)
	}
	m, err := tfgraph.New(spec)
	if err != nil {
		return nil, Prepared{}, err
	}
	if err := m.Upload(tfgraph.Data{Images: p.Train.Images, Labels: labels32(p.Train.Labels)},
		tfgraph.Data{Images: p.Test.Images, Labels: labels32(p.Test.Labels)}); err != nil {
		m.Close()
		return nil, Prepared{}, err
	}
	if resumed {
		if err := m.Restore(filepath.Join(r.dir, r.state.Checkpoint)); err != nil {
			m.Close()
			return nil, Prepared{}, fmt.Errorf("experiments: resume %s: %w", r.dir, err)
		}
		m.SetStep(int64(r.state.Step))
	}
	return m, p, nil
}

// fitSizes lowers a train_size or test_size larger than the data set to the data set's size
// (what Prepare uses then), so that config.json records it, and says so.
func fitSizes(cfg *Config, ds *data.Dataset) []string {
	var warn []string
	for _, sz := range []struct {
		key  string
		n    *int
		have int
	}{{"train_size", &cfg.TrainSize, ds.Train.N}, {"test_size", &cfg.TestSize, ds.Test.N}} {
		if *sz.n > sz.have {
			warn = append(warn, fmt.Sprintf("%s %d is larger than the %d images the data set has: using all %d (config.json records %d)",
				sz.key, *sz.n, sz.have, sz.have, sz.have))
			*sz.n = sz.have
		}
	}
	return warn
}

// checkSplits refuses prepared data with an empty training or test split, naming it, and a
// batch larger than the training set.
func checkSplits(cfg Config, p Prepared) error {
	name := cfg.Dataset
	if cfg.DataDir != "" {
		name += " in " + cfg.DataDir
	}
	for _, sp := range []struct {
		what string
		n    int
	}{{"training", p.Train.N}, {"test", p.Test.N}} {
		if sp.n == 0 {
			return fmt.Errorf("experiments: the %s split of %s has no images: a run needs both a training and a test split", sp.what, name)
		}
	}
	if cfg.Batch > p.Train.N {
		return fmt.Errorf("experiments: batch %d is larger than the training set (%d images): set batch to at most %d", cfg.Batch, p.Train.N, p.Train.N)
	}
	return nil
}

// sgdLoop is what the epochs of a run share: the model, the data, the run's bounds and how far
// it has come. Only the run's goroutine touches it.
type sgdLoop struct {
	cfg Config
	m   *tfgraph.Model
	p   Prepared
	// perEpoch and total are the steps of an epoch and of the whole run (its bound: it may stop
	// earlier once fitted); decayEvery is the steps between two learning-rate decays.
	perEpoch, total, decayEvery int
	// step is the number of steps taken; fittedAt the epoch at which the training set was first
	// fitted, or -1.
	step, fittedAt int
	// lastProgress is when the last StepProgress went out.
	lastProgress time.Time
}

// epochStats is what the steps of one epoch measured.
type epochStats struct {
	lr              float64 // the learning rate of the epoch's last step
	lossSum         float64 // the sum of its batch losses
	batches, images int
	start           time.Time
}

// train runs the epochs of the run: each trains on the batches of a fresh order, is measured on
// the whole training and test sets, and is recorded (metrics, events, snapshots, checkpoints),
// until the run reaches its bound, stops StopAfterFit epochs after the fit or at StopLoss, fails
// or is cancelled.
func (r *runner) train(ctx context.Context, cfg Config, m *tfgraph.Model, p Prepared, resumed bool) error {
	l := r.startLoop(ctx, cfg, m, p, resumed)
	for epoch := r.state.Epoch + 1; l.step < l.total && !l.stopAfter(epoch-1) && !r.lossReached(cfg); epoch++ {
		st, err := r.trainEpoch(ctx, l, epoch)
		if err != nil {
			return err
		}
		met, err := r.measure(l, epoch, st)
		if err != nil {
			return err
		}
		if err := r.record(ctx, l, epoch, met); err != nil {
			return err
		}
		if l.stopAfter(epoch) || r.lossReached(l.cfg) {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// startLoop sets the run's bounds, fills in the summary's sizes, sends Started and, for a fresh
// run, the snapshot of the initial weights.
func (r *runner) startLoop(ctx context.Context, cfg Config, m *tfgraph.Model, p Prepared, resumed bool) *sgdLoop {
	l := &sgdLoop{cfg: cfg, m: m, p: p, step: r.state.Step, fittedAt: r.fitEpoch(), lastProgress: time.Now()}
	l.perEpoch = (p.Train.N + cfg.Batch - 1) / cfg.Batch
	l.total = cfg.Epochs * l.perEpoch
	if cfg.MaxSteps > 0 && (l.total == 0 || cfg.MaxSteps < l.total) {
		l.total = cfg.MaxSteps
	}
	l.decayEvery = cfg.DecaySteps
	if l.decayEvery <= 0 {
		l.decayEvery = l.perEpoch
	}
	r.sum.Params, r.sum.Device = m.Params(), m.Device()
	r.sum.TrainSize, r.sum.TestSize, r.sum.FlipRate = p.Train.N, p.Test.N, p.FlipRate
	r.send(ctx, Started{Config: cfg, Dir: r.dir, Params: r.sum.Params, Device: r.sum.Device, TrainSize: p.Train.N,
		TestSize: p.Test.N, FlipRate: p.FlipRate, StepsPerEpoch: l.perEpoch, TotalSteps: l.total,
		Resumed: resumed, FirstStep: r.state.Step, Warnings: r.warnings})
	if !resumed {
		r.snapshot(ctx, m, cfg, 0, 0, p)
	}
	return l
}

// stopAfter says whether StopAfterFit ends the run after epoch.
func (l *sgdLoop) stopAfter(epoch int) bool {
	return l.cfg.StopAfterFit >= 0 && l.fittedAt >= 0 && epoch-l.fittedAt >= l.cfg.StopAfterFit
}

// learningRate is the learning rate of the next step: decayed by LRDecay every decayEvery steps.
func (l *sgdLoop) learningRate() float64 {
	return l.cfg.LearningRate * math.Pow(l.cfg.LRDecay, float64(l.step/l.decayEvery))
}

// trainEpoch takes the steps of epoch, over the training set in an order drawn from the seed
// and the epoch, until the set is done or the run reaches its bound; it holds while paused. On a
// model that takes several steps a call (a run on a worker), a call takes as many as it can
// before the next thing that must happen between two steps: the epoch's last, partial batch, a
// change of learning rate, a fit check, the run's bound.
func (r *runner) trainEpoch(ctx context.Context, l *sgdLoop, epoch int) (epochStats, error) {
	n := l.p.Train.N
	order := rand.New(rand.NewPCG(l.cfg.Seed, uint64(epoch))).Perm(n)
	st := epochStats{start: time.Now()}
	lrSet := false
	idx := make([][]int32, l.m.StepsPerCall())
	for start := 0; start < n && l.step < l.total; {
		if err := r.opts.Pause.wait(ctx); err != nil {
			return st, err
		}
		if want := l.learningRate(); !lrSet || want != st.lr {
			if err := l.m.SetLearningRate(want); err != nil {
				return st, err
			}
			st.lr, lrSet = want, true
		}
		batch := idx[:l.stepsNow(n-start)]
		for j := range batch {
			batch[j] = batch[j][:0]
			for _, i := range order[start:min(start+l.cfg.Batch, n)] {
				batch[j] = append(batch[j], int32(i))
			}
			start = min(start+l.cfg.Batch, n)
		}
		losses, err := l.trainSteps(batch, epoch, st.lr)
		if err != nil {
			return st, err
		}
		for j, loss := range losses {
			st.lossSum += loss
			st.batches++
			st.images += len(batch[j])
		}
		r.progress(l, epoch, losses[len(losses)-1], st)
		if l.cfg.FitEvery > 0 && r.state.FitStep < 0 && l.step%l.cfg.FitEvery == 0 && start < n && l.step < l.total {
			// A check inside the epoch until the fit; the epoch's last step is checked by
			// measure and record.
			trainLoss, trainAcc, err := l.m.Evaluate(tfgraph.TrainSplit)
			if err != nil {
				return st, fmt.Errorf("epoch %d, step %d: fit check: %w", epoch, l.step, err)
			}
			r.check(ctx, l.cfg, l.step, epoch, trainLoss, trainAcc)
			if r.stopNow(l.cfg) {
				break
			}
		}
	}
	return st, nil
}

// stepsNow is how many steps the next call takes when left images of the epoch remain: up to
// the model's StepsPerCall, only whole batches, none past a change of learning rate, a fit check
// or the run's bound; at least one.
func (l *sgdLoop) stepsNow(left int) int {
	k := min(l.m.StepsPerCall(), left/l.cfg.Batch, l.total-l.step, l.decayEvery-l.step%l.decayEvery)
	if l.cfg.FitEvery > 0 && l.fittedAt < 0 {
		k = min(k, l.cfg.FitEvery-l.step%l.cfg.FitEvery)
	}
	return max(k, 1)
}

// trainSteps takes one SGD step per batch (in one call when the model can) and returns their
// losses; a loss that is NaN or infinite ends the run as diverged, at its step.
func (l *sgdLoop) trainSteps(batches [][]int32, epoch int, lr float64) ([]float64, error) {
	losses, _, err := l.m.TrainSteps(batches)
	if err != nil {
		return nil, fmt.Errorf("epoch %d, step %d: %w", epoch, l.step+len(losses)+1, err)
	}
	for _, loss := range losses {
		l.step++
		if !finite(loss) {
			return nil, fmt.Errorf("%w at step %d (epoch %d, learning rate %.4g): the loss became %v. Lower the learning rate or turn on batch norm; the metrics up to the last epoch are kept", ErrDiverged, l.step, epoch, lr, loss)
		}
	}
	return losses, nil
}

// progress sends a StepProgress, at most one per r.interval, without waiting for the reader.
func (r *runner) progress(l *sgdLoop, epoch int, loss float64, st epochStats) {
	now := time.Now()
	if now.Sub(l.lastProgress) < r.interval {
		return
	}
	l.lastProgress = now
	rate := float64(st.images) / now.Sub(st.start).Seconds()
	r.trySend(StepProgress{Step: l.step, Epoch: epoch, TotalSteps: l.total, Loss: loss, ImagesPerSec: rate,
		ETA: time.Duration(float64(l.total-l.step) * float64(l.cfg.Batch) / rate * float64(time.Second))})
}

// measure evaluates the model after epoch on the whole training and test sets; a training-set
// loss that is NaN or infinite ends the run as diverged.
func (r *runner) measure(l *sgdLoop, epoch int, st epochStats) (Metrics, error) {
	rate := float64(st.images) / time.Since(st.start).Seconds()
	met, err := r.evaluate(l.m, epoch, l.step, st.lr, rate, st.lossSum/float64(max(st.batches, 1)))
	if err != nil {
		return Metrics{}, fmt.Errorf("epoch %d: %w", epoch, err)
	}
	if !finite(met.TrainLoss) {
		return Metrics{}, fmt.Errorf("%w at epoch %d: the training-set loss became %v", ErrDiverged, epoch, met.TrainLoss)
	}
	return met, nil
}

// record keeps the metrics of epoch: in the summary and metrics.csv, as EpochDone, and, when
// due (and always at the run's bound), as a filter snapshot and a checkpoint.
func (r *runner) record(ctx context.Context, l *sgdLoop, epoch int, met Metrics) error {
	r.metrics = append(r.metrics, met)
	r.observe(ctx, met, l.cfg, epoch)
	if err := WriteMetricsCSV(filepath.Join(r.dir, "metrics.csv"), r.metrics); err != nil {
		return err
	}
	r.send(ctx, EpochDone{Metrics: met})
	last := l.step >= l.total
	if l.cfg.FilterEvery <= 0 || epoch%l.cfg.FilterEvery == 0 || last {
		r.snapshot(ctx, l.m, l.cfg, epoch, l.step, l.p)
	}
	if every := max(l.cfg.CheckpointEvery, 1); epoch%every == 0 || last {
		if err := r.checkpoint(l.m, epoch, l.step); err != nil {
			return err
		}
	}
	if l.fittedAt < 0 && r.state.FitStep >= 0 {
		l.fittedAt = epoch
	}
	return nil
}

// fitEpoch is the epoch at which the training set was first fitted (100%), from the metrics of
// a resumed run, or -1.
func (r *runner) fitEpoch() int {
	if r.state.FitStep < 0 {
		return -1
	}
	for _, m := range r.metrics {
		if m.Step >= r.state.FitStep {
			return m.Epoch
		}
	}
	return r.state.Epoch
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
	return r.lossReached(cfg) || (cfg.StopAfterFit == 0 && r.state.FitStep >= 0)
}

// lossReached says whether the run has reached the end that StopLoss sets: the training loss
// went below it and the training set has been fitted (100%), so that both steps are known. A
// loss below StopLoss with one image still wrong does not end the run.
func (r *runner) lossReached(cfg Config) bool {
	return cfg.StopLoss > 0 && r.state.LossStep >= 0 && r.state.FitStep >= 0
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
	r.tb.epoch(met)
	// A failed write is not fatal: the next epoch and the end of the run write it again.
	if err := WriteJSON(filepath.Join(r.dir, "summary.json"), r.sum); err != nil {
		r.warn("summary.json could not be updated", fmt.Errorf("after epoch %d: %w", epoch, err))
	}
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
		for _, f := range []string{old + ".index", old + ".data-00000-of-00001"} {
			if err := os.Remove(filepath.Join(r.dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				r.warn("an earlier checkpoint could not be removed", err)
			}
		}
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
	r.sum.Dir = r.dir
	r.sum.Seconds = time.Since(r.start).Seconds()
	r.sum.Finished = time.Now().Format(time.RFC3339)
	if r.dir != "" {
		if werr := WriteJSON(filepath.Join(r.dir, "summary.json"), r.sum); werr != nil && err == nil {
			err = werr
		}
	}
	return r.sum, err
}

// ErrFinished is returned by a resume of a run that already ended (done or diverged): nothing
// is trained and nothing in its folder changes.
var ErrFinished = errors.New("experiments: the run has finished")
