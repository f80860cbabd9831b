package theory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rethink/experiments"
	"rethink/experiments/data"
)

// The three explanations as kinds of experiment (experiments.Kind): each reads its settings
// from Config.Settings (JSON, unknown keys refused), its data from Config's Dataset, TrainSize,
// TestSize, Randomization and Seed (the first TrainSize and TestSize images, raw pixels in
// [0, 1], then randomized), writes a run folder like every kind, and puts its headline numbers
// in summary.json's "details" (Theorem1Details, MinNormDetails, KernelDetails). metrics.csv keeps
// the columns of every kind; what they hold is said at each kind below.
const (
	KindTheorem1 = "theorem1"
	KindMinNorm  = "minnorm"
	KindKernel   = "kernel"
)

func init() {
	experiments.Register(experiments.Kind{Name: KindTheorem1, Run: runTheorem1,
		Description: "Theorem 1: a two-layer ReLU network of 2n + d weights built in closed form to fit any labels"})
	experiments.Register(experiments.Kind{Name: KindMinNorm, Run: runMinNorm,
		Description: "SGD on underdetermined least squares converges to the minimum-norm interpolant"})
	experiments.Register(experiments.Kind{Name: KindKernel, Run: runKernel,
		Description: "exact Gaussian-kernel interpolation of the labels, no regularization"})
}

// IsTheoryKind reports whether name is one of this package's kinds.
func IsTheoryKind(name string) bool {
	return name == KindTheorem1 || name == KindMinNorm || name == KindKernel
}

// Theorem1Settings are the settings of a "theorem1" run.
type Theorem1Settings struct {
	Theorem1Config
	// Sizes are the n of the networks built, smallest first (the residual-against-n curve);
	// empty: one network of Config.TrainSize images (0: 1,000).
	Sizes []int `json:"sizes,omitempty"`
}

// Theorem1Point is one network of a "theorem1" run: fractions in [0, 1] (test accuracy -1
// without a test set), residuals in label units, times in seconds.
type Theorem1Point struct {
	N               int        `json:"n"`
	Weights         int        `json:"weights"`
	TwoNPlusD       int        `json:"two_n_plus_d"`
	TrainAcc32      float64    `json:"train_acc_float32"`
	TrainAcc64      float64    `json:"train_acc_float64"`
	TestAcc32       float64    `json:"test_acc_float32"`
	TestAcc64       float64    `json:"test_acc_float64"`
	MaxResidual32   float64    `json:"max_residual_float32"`
	MaxResidual64   float64    `json:"max_residual_float64"`
	MinGap          float64    `json:"min_gap"`
	ProjectionRange [2]float64 `json:"projection_range"`
	Redraws         int        `json:"redraws"`
	BuildSeconds    float64    `json:"build_seconds"`
	EvalSeconds     float64    `json:"eval_seconds"`
}

// Theorem1Details is summary.json's "details" of a "theorem1" run.
type Theorem1Details struct {
	Outputs Outputs         `json:"outputs"`
	D       int             `json:"d"`
	Classes int             `json:"classes"`
	Points  []Theorem1Point `json:"points"`
	// Picture is the triangular matrix of the first network, downsampled (Theorem1Network.Picture).
	Picture  [][]float64 `json:"picture,omitempty"`
	PictureN int         `json:"picture_n"`
	PeakRSS  int64       `json:"peak_rss_bytes"` // the process's peak resident memory (VmHWM)
}

// MinNormDetails is summary.json's "details" of a "minnorm" run (MinNormResult without its
// time, which is the summary's seconds).
type MinNormDetails struct {
	N             int            `json:"n"`
	D             int            `json:"d"`
	K             int            `json:"k"`
	Features      int            `json:"features"`
	LearningRate  float64        `json:"learning_rate"`
	NormStar      float64        `json:"norm_min_norm"`
	NormPredicted float64        `json:"norm_predicted"`
	NormStart     float64        `json:"norm_start"`
	GramMax       float64        `json:"gram_max"`
	GramMin       float64        `json:"gram_min"`
	Curve         []MinNormEpoch `json:"curve"`
	PeakRSS       int64          `json:"peak_rss_bytes"`
}

// KernelPoint is one conjugate-gradient iteration; TestAcc is -1 where not evaluated.
type KernelPoint struct {
	Iter     int     `json:"iter"`
	Residual float64 `json:"residual"`
	TrainAcc float64 `json:"train_acc"`
	TestAcc  float64 `json:"test_acc"`
	Seconds  float64 `json:"seconds"`
}

// KernelDetails is summary.json's "details" of a "kernel" run (KernelResult without alpha).
type KernelDetails struct {
	N              int           `json:"n"`
	D              int           `json:"d"`
	TestN          int           `json:"test_n"`
	Bandwidth      float64       `json:"bandwidth"`
	MedianDistance float64       `json:"median_distance"`
	Ridge          float64       `json:"ridge"`
	Iterations     int           `json:"iterations"`
	Stop           string        `json:"stop"`
	Residual       float64       `json:"residual"`
	TrainAcc       float64       `json:"train_acc"`
	TestAcc        float64       `json:"test_acc"` // -1 without a test set
	TestError      float64       `json:"test_error_percent"`
	Curve          []KernelPoint `json:"curve"`
	Eigenvalues    []float64     `json:"eigenvalues,omitempty"`
	KernelSeconds  float64       `json:"kernel_seconds"`
	EigenSeconds   float64       `json:"eigen_seconds"`
	SolveSeconds   float64       `json:"solve_seconds"`
	PredictSeconds float64       `json:"predict_seconds"`
	KernelGFLOPS   float64       `json:"kernel_gflops"`
	SolveGFLOPS    float64       `json:"solve_gflops"`
	MemoryEstimate int64         `json:"memory_estimate_bytes"`
	PeakRSS        int64         `json:"peak_rss_bytes"`
	Device         string        `json:"device"`
}

// PaperKernelTestError is the paper's test error, in percent, of exact Gaussian-kernel
// interpolation of all 60,000 MNIST training images on raw pixels (Section 5; SPEC.md §6).
const PaperKernelTestError = 1.2

// kindRun is the frame every kind of this package runs in: settings, run folder and lock,
// progress events, metrics rows, the final summary and Finished.
type kindRun struct {
	ctx      context.Context
	pause    *experiments.Pause
	cfg      experiments.Config
	out      chan<- experiments.Event
	dir      string
	start    time.Time
	interval time.Duration
	last     time.Time
	stage    string
	stageT0  time.Time
	rows     []experiments.Metrics
	sum      experiments.Summary
}

// runKind decodes cfg.Settings into settings, makes the run folder, calls body and always ends
// with summary.json and Finished.
func runKind(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event,
	settings any, body func(r *kindRun) error) (experiments.Summary, error) {
	r := &kindRun{ctx: ctx, pause: opts.Pause, cfg: cfg, out: out, start: time.Now(), interval: opts.ProgressInterval,
		sum: experiments.Summary{Name: cfg.Name, Status: experiments.StatusFailed, FitStep: -1, ThresholdStep: -1, BestTestStep: -1}}
	if r.interval <= 0 {
		r.interval = 100 * time.Millisecond
	}
	fail := func(err error) (experiments.Summary, error) {
		r.sum.Error = err.Error()
		r.send(experiments.Finished{Summary: r.sum, Err: err})
		return r.sum, err
	}
	switch {
	case opts.ResumeDir != "":
		return fail(fmt.Errorf("theory: a %s run cannot be resumed: run it again (it has no checkpoints)", cfg.KindName()))
	case opts.Target != "":
		return fail(fmt.Errorf("theory: a %s run runs in this process only, not on a worker", cfg.KindName()))
	}
	if len(bytes.TrimSpace(cfg.Settings)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(cfg.Settings))
		dec.DisallowUnknownFields()
		if err := dec.Decode(settings); err != nil {
			return fail(fmt.Errorf("theory: %s settings: %w", cfg.KindName(), err))
		}
	}
	if err := cfg.Validate(); err != nil {
		return fail(err)
	}
	dir, err := experiments.CreateRunFolder(opts, cfg)
	if err != nil {
		return fail(err)
	}
	r.dir, r.sum.Dir = dir, dir
	release, err := experiments.LockRunFolder(dir)
	if err != nil {
		return fail(err)
	}
	err = experiments.EndRunFolder(dir, &r.sum, r.rows, r.start, body(r))
	release()
	r.send(experiments.Finished{Summary: r.sum, Err: err})
	return r.sum, err
}

// send delivers e unless ctx ends first; Finished as every kind sends it (SendFinished: after a
// cancel it waits FinishedGrace at most for a reader, so a caller that cancelled and left does
// not hold the run for ever).
func (r *kindRun) send(e experiments.Event) {
	if r.out == nil {
		return
	}
	if f, final := e.(experiments.Finished); final {
		experiments.SendFinished(r.ctx, r.out, f)
		return
	}
	select {
	case r.out <- e:
	case <-r.ctx.Done():
	}
}

// progress is the Progress of the computation: StepProgress events at most every interval
// (and at the end of each stage), never blocking the computation, which it holds while
// Options.Pause is set (the computation then stops at its next check of ctx if cancelled).
func (r *kindRun) progress() Progress {
	return func(done, total int, what string) {
		r.pause.Wait(r.ctx)
		now := time.Now()
		stage, _, _ := strings.Cut(what, ":")
		if stage != r.stage {
			r.stage, r.stageT0 = stage, now
		}
		if now.Sub(r.last) < r.interval && done != total {
			return
		}
		r.last = now
		e := experiments.StepProgress{Step: done, TotalSteps: total, Stage: what, Epoch: len(r.rows)}
		if done > 0 && total > done {
			e.ETA = time.Duration(float64(now.Sub(r.stageT0)) / float64(done) * float64(total-done))
		}
		if r.out != nil {
			select {
			case r.out <- e:
			default:
			}
		}
	}
}

// row records one metrics.csv row and sends it as EpochDone.
func (r *kindRun) row(m experiments.Metrics) {
	m.Seconds = time.Since(r.start).Seconds()
	r.rows = append(r.rows, m)
	r.send(experiments.EpochDone{Metrics: m})
}

// details puts v into the summary's details.
func (r *kindRun) details(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("theory: summary details: %w", err)
	}
	r.sum.Details = b
	return nil
}

// loadSets returns the first n training and testN test images of cfg's data set (n <= 0: all),
// randomized by cfg.Randomization from cfg.Seed, and the number of classes.
func loadSets(ctx context.Context, cfg experiments.Config, ds *data.Dataset, n, testN int) (train, test data.Set, classes int, flip float64, err error) {
	ds, err = experiments.LoadData(ctx, cfg, ds)
	if err != nil {
		return train, test, 0, 0, err
	}
	if n <= 0 {
		n = ds.Train.N
	}
	if testN <= 0 {
		testN = ds.Test.N
	}
	sub := &data.Dataset{Name: ds.Name, Classes: ds.Classes, ClassNames: ds.ClassNames,
		Train: data.FirstN(ds.Train, n), Test: data.FirstN(ds.Test, testN)}
	if n > ds.Train.N {
		return train, test, 0, 0, fmt.Errorf("%w: %d training images asked, %s has %d", ErrInvalid, n, ds.Name, ds.Train.N)
	}
	rz, err := data.Apply(sub, cfg.Randomization, cfg.Seed)
	if err != nil {
		return train, test, 0, 0, err
	}
	return rz.Train, rz.Test, ds.Classes, rz.FlipRate, nil
}

// peakRSS is VmHWM of /proc/self/status in bytes (0 where it cannot be read): the peak
// resident memory of the whole process, the app's or the command's.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				kb, _ := strconv.ParseInt(fields[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// writeCSV writes rows under the header to path atomically (temp file and rename).
func writeCSV(path string, header []string, rows [][]string) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("theory: write %s: %w", path, err)
	}
	return nil
}

func fcsv(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// orMinus1 is v, or -1 for NaN (JSON has no NaN).
func orMinus1(v float64) float64 {
	if math.IsNaN(v) {
		return -1
	}
	return v
}

// runTheorem1 builds Theorem 1's network for every n of the settings and evaluates it in float32
// and float64. metrics.csv has one row per n: epoch is the network's index (from 1), step its
// n, train_acc and test_acc the float64 accuracies, train_loss the largest float64 residual and
// test_loss the largest float32 residual. theorem1.csv has one row per n and precision.
func runTheorem1(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (experiments.Summary, error) {
	var s Theorem1Settings
	return runKind(ctx, cfg, opts, out, &s, func(r *kindRun) error {
		sizes := s.Sizes
		if len(sizes) == 0 {
			sizes = []int{cmp0(cfg.TrainSize, 1000)}
		}
		largest := 0
		for i, n := range sizes {
			if n < 1 || i > 0 && n <= sizes[i-1] {
				return fmt.Errorf("%w: theorem 1: sizes %v: want positive n in increasing order", ErrInvalid, sizes)
			}
			largest = n
		}
		train, test, classes, flip, err := loadSets(ctx, cfg, opts.Dataset, largest, cfg.TestSize)
		if err != nil {
			return err
		}
		if train.N < largest {
			return fmt.Errorf("%w: theorem 1: n = %d but the training set has %d images", ErrInvalid, largest, train.N)
		}
		d := train.ImageSize()
		if s.Threads == 0 {
			s.Threads = cfg.Threads
		}
		r.send(experiments.Started{Config: cfg, Dir: r.dir, Params: int64(2*largest + d), Device: "CPU (closed form, evaluated in TensorFlow)",
			TrainSize: largest, TestSize: test.N, FlipRate: flip, TotalSteps: len(sizes)})
		det := Theorem1Details{Outputs: s.Outputs, D: d, Classes: classes}
		var csvRows [][]string
		for i, n := range sizes {
			if err := ctx.Err(); err != nil {
				return err
			}
			pr := r.progress()
			res, err := Theorem1Set(ctx, data.FirstN(train, n), test, classes, s.Theorem1Config, func(done, total int, what string) {
				pr(done, total, fmt.Sprintf("n = %d: %s", n, what))
			})
			if err != nil {
				return fmt.Errorf("n = %d: %w", n, err)
			}
			det.Outputs = res.Outputs
			p := Theorem1Point{N: n, Weights: res.Weights, TwoNPlusD: res.TwoNPlusD,
				TrainAcc32: res.Float32.TrainAcc, TrainAcc64: res.Float64.TrainAcc,
				TestAcc32: orMinus1(res.Float32.TestAcc), TestAcc64: orMinus1(res.Float64.TestAcc),
				MaxResidual32: res.Float32.MaxResidual, MaxResidual64: res.Float64.MaxResidual,
				MinGap: res.MinGap, ProjectionRange: res.ProjectionRange, Redraws: res.Redraws,
				BuildSeconds: res.BuildTime.Seconds(), EvalSeconds: res.EvalTime.Seconds()}
			det.Points = append(det.Points, p)
			if i == 0 {
				det.Picture, det.PictureN = res.Network.Picture(64), n
			}
			r.row(experiments.Metrics{Epoch: i + 1, Step: n, TrainAcc: p.TrainAcc64, TestAcc: p.TestAcc64,
				TrainLoss: p.MaxResidual64, TestLoss: p.MaxResidual32})
			for _, e := range []struct {
				prec string
				ev   Theorem1Eval
			}{{"float32", res.Float32}, {"float64", res.Float64}} {
				csvRows = append(csvRows, []string{strconv.Itoa(n), e.prec, strconv.Itoa(res.Weights), strconv.Itoa(res.TwoNPlusD),
					fcsv(e.ev.TrainAcc), fcsv(e.ev.TestAcc), fcsv(e.ev.MaxResidual), fcsv(res.MinGap)})
			}
			last := det.Points[len(det.Points)-1]
			r.sum.TrainSize, r.sum.TestSize, r.sum.Params = n, test.N, int64(last.Weights)
			r.sum.FinalTrainAcc, r.sum.FinalTestAcc = last.TrainAcc64, max(last.TestAcc64, 0)
			r.sum.FinalTrainLoss, r.sum.Epochs, r.sum.Steps = last.MaxResidual64, i+1, i+1
			if last.TrainAcc64 == 1 && r.sum.FitStep < 0 {
				r.sum.FitStep = i + 1
			}
		}
		r.sum.FlipRate, r.sum.Device = flip, "CPU"
		det.PeakRSS = peakRSS()
		return errors.Join(r.details(det), writeCSV(filepath.Join(r.dir, "theorem1.csv"),
			[]string{"n", "precision", "weights", "two_n_plus_d", "train_acc", "test_acc", "max_residual", "min_gap"}, csvRows))
	})
}

// cmp0 is v, or def when v is 0.
func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// runMinNorm runs SGD on least squares (MinNorm) on Config.TrainSize images (0: 300).
// metrics.csv has one row per epoch (epoch 0 is the start): train_loss is the least-squares
// loss, test_loss the relative distance to the minimum-norm interpolant W*, batch_loss the
// relative distance to the interpolant predicted from the start (W* plus the start's part in
// the null space), learning_rate SGD's; minnorm.csv has the same curve with the norms.
func runMinNorm(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (experiments.Summary, error) {
	var s MinNormConfig
	return runKind(ctx, cfg, opts, out, &s, func(r *kindRun) error {
		n := cmp0(cfg.TrainSize, 300)
		train, _, classes, flip, err := loadSets(ctx, cfg, opts.Dataset, n, 1)
		if err != nil {
			return err
		}
		if s.Threads == 0 {
			s.Threads = cfg.Threads
		}
		if s.Seed == 0 {
			s.Seed = cfg.Seed
		}
		epochs := cmp0(s.Epochs, 100)
		batch := cmp0(s.Batch, 32)
		d := train.ImageSize()
		if s.Features > 0 {
			d = s.Features
		}
		steps := (n + batch - 1) / batch
		r.send(experiments.Started{Config: cfg, Dir: r.dir, Params: int64(d * classes), Device: "CPU", TrainSize: train.N,
			FlipRate: flip, StepsPerEpoch: steps, TotalSteps: epochs * steps})
		res, err := MinNorm(ctx, train, classes, s, r.progress())
		if err != nil {
			return err
		}
		var csvRows [][]string
		for _, e := range res.Curve {
			r.row(experiments.Metrics{Epoch: e.Epoch, Step: e.Epoch * steps, TrainLoss: e.Loss, TestLoss: e.Dist,
				BatchLoss: e.DistPredicted, LearningRate: res.LearningRate, TrainAcc: math.NaN(), TestAcc: math.NaN()})
			csvRows = append(csvRows, []string{strconv.Itoa(e.Epoch), fcsv(e.Loss), fcsv(e.Dist), fcsv(e.DistPredicted), fcsv(e.Norm)})
		}
		last := res.Curve[len(res.Curve)-1]
		r.sum.TrainSize, r.sum.Params, r.sum.Device, r.sum.FlipRate = n, int64(res.D*res.K), "CPU", flip
		r.sum.Epochs, r.sum.Steps, r.sum.FinalTrainLoss = last.Epoch, last.Epoch*steps, last.Loss
		return errors.Join(r.details(MinNormDetails{N: res.N, D: res.D, K: res.K, Features: res.Features, LearningRate: res.LearningRate,
			NormStar: res.NormStar, NormPredicted: res.NormPredicted, NormStart: res.NormStart, GramMax: res.GramMax, GramMin: res.GramMin,
			Curve: res.Curve, PeakRSS: peakRSS()}),
			writeCSV(filepath.Join(r.dir, "minnorm.csv"), []string{"epoch", "loss", "dist_min_norm", "dist_predicted", "norm"}, csvRows))
	})
}

// runKernel interpolates Config.TrainSize images (0: all) with a Gaussian kernel
// (KernelInterpolate; settings KernelConfig) and tests on Config.TestSize (0: all). metrics.csv
// has one row per conjugate-gradient iteration: epoch and step are the iteration, train_loss
// the relative residual, train_acc the training accuracy of K alpha, test_acc the test accuracy
// where evaluated (EvalEvery; NaN elsewhere); a last row holds the final numbers. kernel.csv has
// the same curve.
func runKernel(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (experiments.Summary, error) {
	var s KernelConfig
	return runKind(ctx, cfg, opts, out, &s, func(r *kindRun) error {
		if s.Threads == 0 {
			s.Threads = cfg.Threads
		}
		if s.Seed == 0 {
			s.Seed = cfg.Seed
		}
		train, test, classes, flip, err := loadSets(ctx, cfg, opts.Dataset, cfg.TrainSize, cfg.TestSize)
		if err != nil {
			return err
		}
		est := KernelMemory(train.N, train.ImageSize(), classes, test.N, s)
		r.send(experiments.Started{Config: cfg, Dir: r.dir, Params: int64(train.N * classes), Device: "CPU", TrainSize: train.N, TestSize: test.N,
			FlipRate: flip, TotalSteps: s.withDefaults().MaxIter})
		r.progress()(0, 1, fmt.Sprintf("memory check: about %s needed", formatBytes(est)))
		r.sum.TrainSize, r.sum.TestSize, r.sum.Params, r.sum.FlipRate = train.N, test.N, int64(train.N*classes), flip
		res, err := KernelInterpolate(ctx, train, test, classes, s, r.progress())
		if err != nil {
			return err
		}
		det := KernelDetails{N: res.N, D: res.D, TestN: res.TestN, Bandwidth: res.Bandwidth, MedianDistance: res.MedianDistance,
			Ridge: res.Ridge, Iterations: res.Iterations, Stop: res.Stop, Residual: res.Residual, TrainAcc: res.TrainAcc,
			TestAcc: orMinus1(res.TestAcc), Eigenvalues: res.Eigenvalues, KernelSeconds: res.KernelTime.Seconds(),
			EigenSeconds: res.EigenTime.Seconds(), SolveSeconds: res.SolveTime.Seconds(), PredictSeconds: res.PredictTime.Seconds(),
			KernelGFLOPS: res.KernelGFLOPS, SolveGFLOPS: res.SolveGFLOPS, MemoryEstimate: res.MemoryEstimate, Device: res.Device}
		if det.TestAcc >= 0 {
			det.TestError = 100 * (1 - res.TestAcc)
		}
		var csvRows [][]string
		for _, it := range res.Curve {
			det.Curve = append(det.Curve, KernelPoint{Iter: it.Iter, Residual: it.Residual, TrainAcc: it.TrainAcc, TestAcc: orMinus1(it.TestAcc), Seconds: it.Seconds})
			r.rows = append(r.rows, experiments.Metrics{Epoch: it.Iter, Step: it.Iter, TrainLoss: it.Residual, TrainAcc: it.TrainAcc,
				TestAcc: it.TestAcc, TestLoss: math.NaN(), BatchLoss: math.NaN(), Seconds: it.Seconds})
			csvRows = append(csvRows, []string{strconv.Itoa(it.Iter), fcsv(it.Residual), fcsv(it.TrainAcc), fcsv(it.TestAcc), fcsv(it.Seconds)})
		}
		// The final numbers (true residual, test accuracy) as the last row, sent as EpochDone.
		r.row(experiments.Metrics{Epoch: res.Iterations, Step: res.Iterations, TrainLoss: res.Residual, TrainAcc: res.TrainAcc,
			TestAcc: res.TestAcc, TestLoss: math.NaN(), BatchLoss: math.NaN()})
		det.PeakRSS = peakRSS()
		r.sum.Device, r.sum.Epochs, r.sum.Steps = res.Device, res.Iterations, res.Iterations
		r.sum.FinalTrainAcc, r.sum.FinalTestAcc, r.sum.FinalTrainLoss = res.TrainAcc, max(det.TestAcc, 0), res.Residual
		r.sum.BestTestAcc, r.sum.BestTestStep = r.sum.FinalTestAcc, res.Iterations
		if res.TrainAcc == 1 {
			r.sum.FitStep = res.Iterations
		}
		return errors.Join(r.details(det),
			writeCSV(filepath.Join(r.dir, "kernel.csv"), []string{"iter", "residual", "train_acc", "test_acc", "seconds"}, csvRows))
	})
}

// Headline is one line of a run's headline numbers from its summary details, for the command
// line ("" when there are none or they cannot be read).
func Headline(kind string, details json.RawMessage) string {
	if len(details) == 0 {
		return ""
	}
	switch kind {
	case KindTheorem1:
		var d Theorem1Details
		if json.Unmarshal(details, &d) != nil || len(d.Points) == 0 {
			return ""
		}
		var parts []string
		for _, p := range d.Points {
			parts = append(parts, fmt.Sprintf("n=%d: %d weights (2n+d=%d), train %.1f%% (float64) / %.1f%% (float32), residual %.2g / %.2g, min gap %.2g",
				p.N, p.Weights, p.TwoNPlusD, 100*p.TrainAcc64, 100*p.TrainAcc32, p.MaxResidual64, p.MaxResidual32, p.MinGap))
		}
		return strings.Join(parts, "\n  ")
	case KindMinNorm:
		var d MinNormDetails
		if json.Unmarshal(details, &d) != nil || len(d.Curve) == 0 {
			return ""
		}
		l := d.Curve[len(d.Curve)-1]
		return fmt.Sprintf("n=%d, d=%d: after %s distance to W* %.2e, to W*+null part of start %.2e, loss %.2e, ||W|| %.4g (||W*|| %.4g)",
			d.N, d.D, experiments.Count(l.Epoch, "epoch"), l.Dist, l.DistPredicted, l.Loss, l.Norm, d.NormStar)
	case KindKernel:
		var d KernelDetails
		if json.Unmarshal(details, &d) != nil {
			return ""
		}
		return fmt.Sprintf("n=%d: test error %.2f%% (paper %.1f%% at n=60,000), train %.2f%%, residual %.2e after %d iterations (%s), sigma %.3g, "+
			"memory estimate %s, peak RSS %s, %.0fs kernel + %.0fs eigen + %.0fs CG + %.0fs test",
			d.N, d.TestError, PaperKernelTestError, 100*d.TrainAcc, d.Residual, d.Iterations, d.Stop, d.Bandwidth,
			formatBytes(d.MemoryEstimate), formatBytes(d.PeakRSS), d.KernelSeconds, d.EigenSeconds, d.SolveSeconds, d.PredictSeconds)
	}
	return ""
}
