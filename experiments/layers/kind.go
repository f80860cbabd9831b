package layers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"rethink/experiments"
	"rethink/experiments/data"
)

// Kind is the name of this kind of experiment in Config.Kind and presets.
const Kind = "layers"

func init() {
	experiments.Register(experiments.Kind{Name: Kind, Run: run,
		Description: "what each layer learns: linear probes, CKA and top patches of networks trained on true against random labels"})
}

// Labeling is one network of a "layers" run: the same architecture, data and seed trained on
// these labels (true labels, random labels, or labels corrupted with probability P).
type Labeling struct {
	Name string    `json:"name"`
	Mode data.Mode `json:"mode"`
	P    float64   `json:"p,omitempty"`
}

// NetRef names an SGD run folder whose last checkpoint a "layers" run reads instead of
// training that network itself.
type NetRef struct {
	Name string `json:"name"`
	Dir  string `json:"dir"`
}

// Settings are the settings of a "layers" run (Config.Settings). The networks are trained with
// Config's own SGD fields (model, data set, train_size, epochs, learning rate, seed...), once
// per labeling, as "sgd" runs inside the run folder (nets/), unless Nets names run folders to
// read. The first network is the reference that the others are compared with (CKA).
type Settings struct {
	// Labelings are the networks to train (empty: true labels, then random labels).
	Labelings []Labeling `json:"labelings,omitempty"`
	// Nets, when set, are trained runs to read instead (then Labelings is ignored).
	Nets []NetRef `json:"nets,omitempty"`
	// ProbeTrain is the number of held-out training images (after the network's train_size
	// images, never seen in training) the probes learn from, with their true labels (0: 2,000).
	ProbeTrain int `json:"probe_train,omitempty"`
	// ProbeTest is the number of test images the probes are scored on (0: 2,000).
	ProbeTest int `json:"probe_test,omitempty"`
	// ProbeDims bounds a probe's input: a conv map larger than this is average-pooled to the
	// largest s x s grid that fits (0: 2,048).
	ProbeDims int `json:"probe_dims,omitempty"`
	// ProbeSteps are the full-batch steps of each probe (0: 300).
	ProbeSteps int `json:"probe_steps,omitempty"`
	// CKAImages is the number of probe test images CKA compares the networks on (0: 500).
	CKAImages int `json:"cka_images,omitempty"`
	// PatchImages is the number of training images searched for top patches (0: 1,000),
	// PatchChannels the channels shown per conv layer (0: 6), PatchTop the patches per
	// channel (0: 8).
	PatchImages   int `json:"patch_images,omitempty"`
	PatchChannels int `json:"patch_channels,omitempty"`
	PatchTop      int `json:"patch_top,omitempty"`
}

func (s Settings) withDefaults() Settings {
	if len(s.Labelings) == 0 {
		s.Labelings = []Labeling{{Name: "true labels", Mode: data.TrueLabels}, {Name: "random labels", Mode: data.RandomLabels}}
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.ProbeTrain, 2000)
	def(&s.ProbeTest, 2000)
	def(&s.ProbeDims, 2048)
	def(&s.ProbeSteps, 300)
	def(&s.CKAImages, 500)
	def(&s.PatchImages, 1000)
	def(&s.PatchChannels, 6)
	def(&s.PatchTop, 8)
	return s
}

func (s Settings) validate() error {
	for _, n := range []struct {
		key string
		v   int
	}{{"probe_train", s.ProbeTrain}, {"probe_test", s.ProbeTest}, {"probe_dims", s.ProbeDims}, {"probe_steps", s.ProbeSteps},
		{"cka_images", s.CKAImages}, {"patch_images", s.PatchImages}, {"patch_channels", s.PatchChannels}, {"patch_top", s.PatchTop}} {
		if n.v < 0 {
			return fmt.Errorf("layers: %s = %d must not be negative (0: the default)", n.key, n.v)
		}
	}
	for _, l := range s.Labelings {
		if !l.Mode.Valid() || !(l.P >= 0 && l.P <= 1) {
			return fmt.Errorf("layers: labeling %q: mode %q, p = %g: want a mode of %v and p in [0, 1]", l.Name, l.Mode, l.P, data.Modes())
		}
	}
	for _, n := range s.Nets {
		if n.Dir == "" {
			return fmt.Errorf("layers: net %q names no run folder", n.Name)
		}
	}
	return nil
}

// Net is one network of a run as the details record it.
type Net struct {
	Name     string    `json:"name"`
	Mode     data.Mode `json:"mode"`
	P        float64   `json:"p"`
	FlipRate float64   `json:"flip_rate"`
	Dir      string    `json:"dir"` // its SGD run folder
	// TrainAcc and TestAcc are the network's own final accuracies in [0, 1] (training set
	// with the labels it was trained on; test set with true labels); Epochs and Steps its
	// training length.
	TrainAcc float64 `json:"train_acc"`
	TestAcc  float64 `json:"test_acc"`
	Epochs   int     `json:"epochs"`
	Steps    int     `json:"steps"`
	// cfg is its run's config (architecture, data, seed).
	cfg experiments.Config
	// Probe holds the probe test accuracy of each layer (Details.Layers order), ProbeTrain
	// the probes' training accuracy.
	Probe      []float64 `json:"probe"`
	ProbeTrain []float64 `json:"probe_train"`
	// Alignment is the first layer's share of energy in the data's leading principal
	// components: of the trained weights, and of their change since initialization.
	Alignment Alignment `json:"alignment"`
}

// Alignment measures a first layer against the principal components of what it sees
// (experiments.PatchPCA, Maennel et al. 2020): the mean share over its units of the squared
// norm in the K leading components, Chance being that of a random direction (K / Dim).
type Alignment struct {
	Layer   string  `json:"layer"`
	K       int     `json:"k"`
	Dim     int     `json:"dim"`
	Trained float64 `json:"trained"`
	Change  float64 `json:"change"`
	Init    float64 `json:"init"`
	Chance  float64 `json:"chance"`
}

// CKAPair is the layer-by-layer linear CKA between the reference network (the first) and
// another: Matrix[i][j] compares layer i of A with layer j of B; Same is its diagonal.
type CKAPair struct {
	A      string      `json:"a"`
	B      string      `json:"b"`
	Matrix [][]float64 `json:"matrix"`
	Same   []float64   `json:"same"`
}

// LayerInfo is one layer as probed: its name, the shape of its features per image, and the
// number of values its probe sees after pooling.
type LayerInfo struct {
	Name      string `json:"name"`
	Shape     []int  `json:"shape"`
	ProbeDims int    `json:"probe_dims"`
}

// Details are summary.json's "details" of a "layers" run.
type Details struct {
	Model      string      `json:"model"`
	Dataset    string      `json:"dataset"`
	TrainSize  int         `json:"train_size"`
	ProbeTrain int         `json:"probe_train"`
	ProbeTest  int         `json:"probe_test"`
	CKAImages  int         `json:"cka_images"`
	Classes    int         `json:"classes"`
	Layers     []LayerInfo `json:"layers"`
	Nets       []Net       `json:"nets"`
	CKA        []CKAPair   `json:"cka"`
	// Seconds are the wall times of the run's stages.
	Seconds map[string]float64 `json:"seconds"`
}

// FigureWriter, when set (experiments/report sets it), draws a finished run's figures into
// its folder: the run calls it once its CSV files and details are written. A failure is a
// warning in the summary, not a failed run.
var FigureWriter func(dir string, d Details, p Patches) error

// run is the "layers" kind (see Settings).
func run(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (experiments.Summary, error) {
	r := &runner{ctx: ctx, opts: opts, out: out, cfg: cfg, start: time.Now(), interval: opts.ProgressInterval,
		sum: experiments.Summary{Name: cfg.Name, Status: experiments.StatusFailed, FitStep: -1, ThresholdStep: -1, BestTestStep: -1, Seed: cfg.Seed}}
	if r.interval <= 0 {
		r.interval = 100 * time.Millisecond
	}
	fail := func(err error) (experiments.Summary, error) {
		r.sum.Error = err.Error()
		experiments.SendFinished(ctx, out, experiments.Finished{Summary: r.sum, Err: err})
		return r.sum, err
	}
	switch {
	case opts.ResumeDir != "":
		return fail(errors.New("layers: a layers run cannot be resumed: run it again (its networks' own runs can be resumed)"))
	case opts.Target != "":
		return fail(errors.New("layers: a layers run runs in this process only, not on a worker"))
	}
	var s Settings
	if len(bytes.TrimSpace(cfg.Settings)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(cfg.Settings))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return fail(fmt.Errorf("layers: settings: %w", err))
		}
	}
	if err := s.validate(); err != nil {
		return fail(err)
	}
	r.s = s.withDefaults()
	sgd := cfg
	sgd.Kind, sgd.Settings = experiments.KindSGD, nil
	if err := sgd.Validate(); err != nil {
		return fail(err)
	}
	if cfg.TrainSize <= 0 && len(s.Nets) == 0 {
		return fail(errors.New("layers: set train_size: the probes learn from training images the networks never saw, after the first train_size"))
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
	err = experiments.EndRunFolder(dir, &r.sum, r.rows, r.start, r.body())
	release()
	experiments.SendFinished(ctx, out, experiments.Finished{Summary: r.sum, Err: err})
	return r.sum, err
}

// runner is one "layers" run in progress.
type runner struct {
	ctx      context.Context
	opts     experiments.Options
	out      chan<- experiments.Event
	cfg      experiments.Config
	s        Settings
	dir      string
	start    time.Time
	interval time.Duration
	last     time.Time
	rows     []experiments.Metrics
	sum      experiments.Summary
}

// send delivers e unless ctx ends first (never Finished: run sends it).
func (r *runner) send(e experiments.Event) {
	if r.out == nil {
		return
	}
	select {
	case r.out <- e:
	case <-r.ctx.Done():
	}
}

// progress sends a StepProgress of stage at most every interval (always when done == total).
func (r *runner) progress(stage string, done, total int) {
	if now := time.Now(); done == total || now.Sub(r.last) >= r.interval {
		r.last = now
		r.send(experiments.StepProgress{Step: done, TotalSteps: total, Stage: stage})
	}
}

// probeData is what every network of a run is measured on.
type probeData struct {
	train, test data.Set // held-out training images and test images, whitened as the networks see them; true labels
	patchImgs   data.Set // the first of the networks' own training images, whitened (top patches)
	shown       data.Set // the same images before whitening (patch pictures)
	classes     int
}

func (r *runner) body() error {
	s := r.s
	seconds := map[string]float64{}
	t0 := time.Now()
	var nets []Net
	if len(s.Nets) > 0 {
		// Read networks: the data and architecture are theirs (the first one's; all alike).
		for _, ref := range s.Nets {
			n, err := readNet(ref.Dir, ref.Name)
			if err != nil {
				return err
			}
			if len(nets) > 0 {
				a, b := nets[0].cfg, n.cfg
				if a.Model.String() != b.Model.String() || a.Dataset != b.Dataset || a.ImageSize != b.ImageSize {
					return fmt.Errorf("layers: network %q is %s on %s, but %q is %s on %s: compare networks of one architecture and data set",
						n.Name, b.Model, b.Dataset, nets[0].Name, a.Model, a.Dataset)
				}
			}
			nets = append(nets, n)
		}
		c := nets[0].cfg
		r.cfg.Model, r.cfg.Dataset, r.cfg.DataDir, r.cfg.ImageSize, r.cfg.TrainSize = c.Model, c.Dataset, c.DataDir, c.ImageSize, c.TrainSize
	}
	cfg := r.cfg
	ds, err := experiments.LoadData(r.ctx, cfg, r.opts.Dataset)
	if err != nil {
		return err
	}
	pd, err := r.prepare(ds)
	if err != nil {
		return err
	}
	seconds["data"] = time.Since(t0).Seconds()
	nNets := len(s.Labelings)
	if len(s.Nets) > 0 {
		nNets = len(s.Nets)
	}
	r.send(experiments.Started{Config: cfg, Dir: r.dir, Device: "CPU", TrainSize: cfg.TrainSize, TestSize: pd.test.N, TotalSteps: nNets})

	// 1. The networks: trained here, as "sgd" runs in nets/.
	if len(nets) == 0 {
		t0 = time.Now()
		if nets, err = r.train(); err != nil {
			return err
		}
		seconds["train"] = time.Since(t0).Seconds()
	}

	// 2. Every network's layers: probes, Gram matrices, top patches, first-layer alignment.
	det := Details{Model: cfg.Model.String(), Dataset: cfg.Dataset, TrainSize: cfg.TrainSize, ProbeTrain: pd.train.N,
		ProbeTest: pd.test.N, CKAImages: min(s.CKAImages, pd.test.N), Classes: pd.classes, Seconds: seconds}
	var grams [][][]float64
	var patches Patches
	var pca *basis
	for i := range nets {
		t0 = time.Now()
		m, err := r.measure(&nets[i], pd, &pca, i, len(nets))
		if err != nil {
			return fmt.Errorf("layers: %s: %w", nets[i].Name, err)
		}
		if det.Layers == nil {
			det.Layers = m.layers
		}
		grams = append(grams, m.grams)
		patches.Nets = append(patches.Nets, m.patches)
		seconds["measure "+nets[i].Name] = time.Since(t0).Seconds()
	}
	det.Nets = nets
	for j := 1; j < len(nets); j++ {
		det.CKA = append(det.CKA, ckaPair(nets[0].Name, nets[j].Name, grams[0], grams[j]))
	}
	// CKA of the reference with itself is 1 on the diagonal; its off-diagonal is how alike
	// the layers of one network are, the yardstick of the heat maps.
	det.CKA = append(det.CKA, ckaPair(nets[0].Name, nets[0].Name, grams[0], grams[0]))

	// 3. Files: CSV, patches, details; then the figures.
	if err := writeCSVs(r.dir, det); err != nil {
		return err
	}
	if err := experiments.WriteJSON(filepath.Join(r.dir, PatchesFile), patches); err != nil {
		return err
	}
	raw, err := json.Marshal(det)
	if err != nil {
		return err
	}
	r.sum.Details = raw
	r.sum.TrainSize, r.sum.TestSize, r.sum.Device = cfg.TrainSize, pd.test.N, "CPU"
	r.sum.Epochs, r.sum.Steps = len(nets), len(nets)
	if len(nets) > 0 {
		r.sum.FinalTrainAcc, r.sum.FinalTestAcc = nets[0].TrainAcc, nets[0].TestAcc
		r.sum.BestTestAcc, r.sum.BestTestStep = nets[0].TestAcc, nets[0].Steps
	}
	if FigureWriter != nil {
		r.progress("figures", 0, 1)
		if err := FigureWriter(r.dir, det, patches); err != nil {
			r.sum.Warnings = append(r.sum.Warnings, "figures: "+err.Error())
		}
	}
	return nil
}

// prepare makes the probe data: the images after the first train_size of the training set
// (held out from every network) and the test images, with true labels, preprocessed as the
// networks see them (no augmentation).
func (r *runner) prepare(ds *data.Dataset) (probeData, error) {
	cfg, s := r.cfg, r.s
	if cfg.TrainSize+s.ProbeTrain > ds.Train.N {
		return probeData{}, fmt.Errorf("layers: train_size %d plus probe_train %d held-out images is more than the %d training images of %s",
			cfg.TrainSize, s.ProbeTrain, ds.Train.N, cfg.Dataset)
	}
	pc := cfg
	pc.Kind, pc.Settings = experiments.KindSGD, nil
	pc.Randomization = data.Randomization{Mode: data.TrueLabels}
	pc.TrainSize, pc.TestSize, pc.Stratified = cfg.TrainSize+s.ProbeTrain, s.ProbeTest, false
	pc.RandomCrop, pc.Flip = false, false
	p, err := experiments.Prepare(pc, ds)
	if err != nil {
		return probeData{}, err
	}
	if p.Test.N == 0 {
		return probeData{}, errors.New("layers: the data set has no test images to score the probes on")
	}
	tail := func(set data.Set, from int) data.Set {
		per := set.ImageSize()
		return data.Set{Images: set.Images[from*per:], Labels: set.Labels[from:], N: set.N - from, H: set.H, W: set.W, C: set.C}
	}
	k := min(cfg.TrainSize, s.PatchImages)
	return probeData{train: tail(p.Train, cfg.TrainSize), test: p.Test, patchImgs: data.FirstN(p.Train, k), shown: data.FirstN(p.Shown, k),
		classes: p.Classes}, nil
}

// train trains each labeling's network as an "sgd" run in nets/ and returns them with their
// training numbers.
func (r *runner) train() ([]Net, error) {
	var nets []Net
	for i, l := range r.s.Labelings {
		c := r.cfg
		c.Kind, c.Settings, c.Preset = experiments.KindSGD, nil, ""
		c.Name = l.Name
		c.Randomization = data.Randomization{Mode: l.Mode, P: l.P}
		stage := fmt.Sprintf("training %s (%d of %d)", l.Name, i+1, len(r.s.Labelings))
		sum, err := r.trainOne(c, stage)
		if err != nil {
			return nil, fmt.Errorf("layers: training the network on %s: %w", l.Name, err)
		}
		n, err := readNet(sum.Dir, l.Name)
		if err != nil {
			return nil, err
		}
		nets = append(nets, n)
		r.row(experiments.Metrics{Epoch: i + 1, Step: n.Steps, TrainAcc: n.TrainAcc, TestAcc: n.TestAcc, TrainLoss: sum.FinalTrainLoss,
			TestLoss: math.NaN(), BatchLoss: math.NaN(), Seconds: time.Since(r.start).Seconds()})
	}
	return nets, nil
}

// trainOne runs one "sgd" run in nets/, forwarding its progress as this run's stage.
func (r *runner) trainOne(c experiments.Config, stage string) (experiments.Summary, error) {
	events := make(chan experiments.Event, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			if p, ok := e.(experiments.StepProgress); ok {
				r.progress(fmt.Sprintf("%s: epoch %d", stage, p.Epoch), p.Step, max(p.TotalSteps, p.Step))
			}
		}
	}()
	o := experiments.Options{ResultsDir: filepath.Join(r.dir, "nets"), Pause: r.opts.Pause, Dataset: r.opts.Dataset,
		ProgressInterval: r.interval}
	sum, err := experiments.Run(r.ctx, c, o, events)
	close(events)
	<-done
	return sum, err
}

// row records one metrics row and sends it as EpochDone.
func (r *runner) row(m experiments.Metrics) {
	r.rows = append(r.rows, m)
	r.send(experiments.EpochDone{Metrics: m})
}

// readNet reads a trained network's run folder: its config, summary and last checkpoint.
func readNet(dir, name string) (Net, error) {
	if _, err := os.Stat(dir); err != nil {
		return Net{}, fmt.Errorf("layers: network %q: run folder %s: %w", name, dir, err)
	}
	if _, err := experiments.LastCheckpoint(dir); err != nil {
		return Net{}, fmt.Errorf("layers: network %q: %w", name, err)
	}
	rec, err := experiments.ReadRun(dir)
	if err != nil {
		return Net{}, fmt.Errorf("layers: network %q: %w", name, err)
	}
	if name == "" {
		name = rec.Config.Name
	}
	n := Net{Name: name, Mode: rec.Config.Randomization.Mode, P: rec.Config.Randomization.P, Dir: dir, cfg: rec.Config}
	if n.Mode == "" {
		n.Mode = data.TrueLabels
	}
	n.TrainAcc, n.TestAcc, n.FlipRate = rec.Summary.FinalTrainAcc, rec.Summary.FinalTestAcc, rec.Summary.FlipRate
	n.Epochs, n.Steps = rec.Summary.Epochs, rec.Summary.Steps
	return n, nil
}
