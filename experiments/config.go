package experiments

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// Config says everything about one run. It is plain data and round-trips through JSON; the same
// Config and seed on the CPU give the same metrics.
type Config struct {
	// Kind names the kind of experiment (see Register): "sgd", the default, trains a network
	// with SGD from the fields below. A config.json without a kind is an "sgd" run.
	Kind string `json:"kind,omitempty"`
	// Settings are the settings of a kind other than "sgd", in the form that kind reads
	// (the "sgd" kind's settings are the fields of Config itself).
	Settings json.RawMessage `json:"settings,omitempty"`
	// Name labels the run in plots and tables, e.g. "random labels".
	Name string `json:"name"`
	// Preset is the ID of the preset the run belongs to, if any: reports take the paper's
	// numbers from it.
	Preset string `json:"preset,omitempty"`

	// Dataset is "mnist" (embedded), "fashion-mnist" or "cifar10"; DataDir is where its files are
	// ("" for the default place; for "mnist", a folder of MNIST-format idx files read instead of
	// the embedded copy, see data.Load).
	Dataset string `json:"dataset"`
	DataDir string `json:"data_dir,omitempty"`
	// TrainSize and TestSize take a subset (0: the whole split); Stratified takes the same number
	// of each class instead of the first n.
	TrainSize  int  `json:"train_size,omitempty"`
	TestSize   int  `json:"test_size,omitempty"`
	Stratified bool `json:"stratified,omitempty"`

	// ImageSize, when not 0, downscales the 28x28 crops the network sees to ImageSize x
	// ImageSize by averaging blocks of 28/ImageSize pixels (it must divide 28: 14, 7, 4, 2): the
	// quick Inception presets use 14 to fit in minutes on a CPU.
	ImageSize int `json:"image_size,omitempty"`

	// Randomization is the test of the paper's Section 2 (mode, p and the options of SPEC.md).
	Randomization data.Randomization `json:"randomization"`

	// Model is the network; BatchNorm and Dropout are its regularizer switches.
	Model tfgraph.Architecture `json:"model"`
	// RandomCrop and Flip are data augmentation: random 28x28 crops of CIFAR-10's 32x32 images
	// (of 28x28 images padded by 2 zero pixels for MNIST and Fashion-MNIST) and random
	// left-right mirroring, drawn in the graph for every batch.
	RandomCrop bool `json:"random_crop,omitempty"`
	Flip       bool `json:"flip,omitempty"`
	// WeightDecay is the L2 coefficient (0: off).
	WeightDecay float64 `json:"weight_decay,omitempty"`
	// ClipNorm, when above 0, scales each step's gradients (weight decay included) down to this
	// global L2 norm when their norm is above it (TensorFlow's clip_by_global_norm), bounding the
	// length of one step to LearningRate*ClipNorm before momentum. Not in the paper: the quick
	// runs of the Inception without batch norm use it to stay stable. 0: off.
	ClipNorm float64 `json:"clip_norm,omitempty"`

	// LearningRate is the initial rate, multiplied by LRDecay after every DecaySteps steps
	// (the paper: 0.95 after every epoch).
	LearningRate float64 `json:"learning_rate"`
	LRDecay      float64 `json:"lr_decay"`
	// DecaySteps is the length of the decay period in steps (0: one epoch, the paper's
	// schedule). Runs on small subsets set it to 391, the steps of a CIFAR-10 epoch, so that the
	// schedule in steps stays the paper's.
	DecaySteps int     `json:"decay_steps,omitempty"`
	Momentum   float64 `json:"momentum"`
	Batch      int     `json:"batch"`
	// Epochs bounds the run; MaxSteps (0: none) bounds it in SGD steps.
	Epochs   int `json:"epochs"`
	MaxSteps int `json:"max_steps,omitempty"`
	// StopAfterFit ends the run this many epochs after the training set is fitted (-1: never).
	StopAfterFit int `json:"stop_after_fit"`
	// FitThreshold is the training accuracy that counts as fitted besides 100% (e.g. 0.999).
	FitThreshold float64 `json:"fit_threshold"`
	// FitEvery, when not 0, also measures the whole training set (evaluation mode) every this
	// many SGD steps inside an epoch until it is fitted, so that the step of fit is known to
	// within FitEvery steps rather than to within an epoch. 0: only at the end of each epoch.
	// These checks add no metrics row; each costs about one forward pass over the training
	// set. After the fit, checks (and so the StopLoss step) are at epoch ends.
	FitEvery int `json:"fit_every,omitempty"`
	// StopLoss, when not 0, ends the run at the first check (epoch end or FitEvery) where the
	// whole training set's mean cross-entropy (nats, evaluation mode) is below it, the paper's
	// "zero training loss", and the training set has been fitted: a loss below it with an image
	// still wrong goes on. The step of fit is still the first at 100% training accuracy.
	// StopAfterFit still applies: set it to -1 to run on to StopLoss.
	StopLoss float64 `json:"stop_loss,omitempty"`

	Seed    uint64         `json:"seed"`
	Device  tfgraph.Device `json:"device"`            // auto, cpu or gpu
	Threads int            `json:"threads,omitempty"` // TensorFlow thread pools (0: its default)
	// FilterEvery takes a snapshot of the first layer every this many epochs (0: every epoch).
	FilterEvery int `json:"filter_every,omitempty"`
	// CheckpointEvery saves a checkpoint for --resume every this many epochs (0: every epoch).
	CheckpointEvery int `json:"checkpoint_every,omitempty"`
}

// DefaultConfig is the paper's training setup (SPEC.md section 4) on the embedded MNIST with
// true labels and MLP 1x512.
func DefaultConfig() Config {
	return Config{
		Kind:         KindSGD,
		Name:         "true labels",
		Dataset:      "mnist",
		Model:        tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{512}},
		LearningRate: 0.01,
		LRDecay:      0.95,
		Momentum:     0.9,
		Batch:        128,
		Epochs:       20,
		StopAfterFit: -1,
		FitThreshold: 0.999,
		Seed:         1,
		Device:       tfgraph.DeviceAuto,
	}
}

// MaxThreads bounds the threads setting: TensorFlow starts that many threads in each of its
// two pools when the session opens, and 100000 took 10 GB and minutes of a core before the
// first step, deaf to Ctrl-C.
const MaxThreads = 1024

// Validate reports settings a run cannot start with, in words a user can act on.
func (c Config) Validate() error {
	switch strings.ToLower(c.Dataset) {
	case "mnist", "fashion-mnist", "cifar10":
	default:
		return fmt.Errorf("experiments: unknown data set %q (want mnist, fashion-mnist or cifar10)", c.Dataset)
	}
	// NaN passes every comparison below, so finiteness is checked first, for every number.
	for _, f := range []struct {
		key string
		v   float64
	}{{"learning_rate", c.LearningRate}, {"lr_decay", c.LRDecay}, {"momentum", c.Momentum}, {"weight_decay", c.WeightDecay},
		{"clip_norm", c.ClipNorm}, {"fit_threshold", c.FitThreshold}, {"stop_loss", c.StopLoss}, {"p", c.Randomization.P}, {"dropout", c.Model.Dropout}} {
		if !finite(f.v) {
			return fmt.Errorf("experiments: %s = %v: want a finite number", f.key, f.v)
		}
	}
	for _, n := range []struct {
		what string
		v    int
	}{{"threads", c.Threads}, {"decay steps", c.DecaySteps}, {"max steps", c.MaxSteps}, {"filter every", c.FilterEvery},
		{"checkpoint every", c.CheckpointEvery}, {"image size", c.ImageSize}, {"train size", c.TrainSize}, {"test size", c.TestSize}} {
		if n.v < 0 {
			return fmt.Errorf("experiments: %s = %d must not be negative (0 means the default)", n.what, n.v)
		}
	}
	if c.Threads > MaxThreads {
		return fmt.Errorf("experiments: threads = %d: at most %d (TensorFlow starts that many threads in each of its pools; 0: its default, one per core)", c.Threads, MaxThreads)
	}
	if c.StopAfterFit < -1 {
		return fmt.Errorf("experiments: stop_after_fit = %d: want -1 (never) or a number of epochs", c.StopAfterFit)
	}
	if err := c.Model.Validate(); err != nil {
		return err
	}
	r := c.Randomization
	if !r.Mode.Valid() {
		return fmt.Errorf("experiments: %w %q: want one of %v", data.ErrUnknownMode, r.Mode, data.Modes())
	}
	switch {
	case r.P < 0 || r.P > 1:
		return fmt.Errorf("experiments: corruption p = %g must be in [0, 1]", r.P)
	case c.ImageSize > CropSize:
		return fmt.Errorf("experiments: image size %d is larger than the %dx%d images (after the crop): it can only shrink them; pick a size that divides %d, such as 14 or 7", c.ImageSize, CropSize, CropSize, CropSize)
	case c.ImageSize < 0 || (c.ImageSize > 0 && CropSize%c.ImageSize != 0):
		return fmt.Errorf("experiments: image size %d must divide the %dx%d crop (14 or 7, say; 0: no downscale)", c.ImageSize, CropSize, CropSize)
	case c.LearningRate <= 0 || c.LearningRate > 10:
		return fmt.Errorf("experiments: learning rate %g must be in (0, 10]", c.LearningRate)
	case c.LRDecay <= 0 || c.LRDecay > 1:
		return fmt.Errorf("experiments: learning-rate decay (lr_decay) %g must be in (0, 1]", c.LRDecay)
	case c.Momentum < 0 || c.Momentum >= 1:
		return fmt.Errorf("experiments: momentum %g must be in [0, 1)", c.Momentum)
	case c.Batch <= 0:
		return fmt.Errorf("experiments: batch size %d must be positive", c.Batch)
	case c.Epochs <= 0 && c.MaxSteps <= 0:
		return fmt.Errorf("experiments: set epochs or max steps")
	case c.WeightDecay < 0:
		return fmt.Errorf("experiments: weight decay %g must not be negative", c.WeightDecay)
	case c.ClipNorm < 0:
		return fmt.Errorf("experiments: gradient clip norm (clip_norm) %g must not be negative (0: off)", c.ClipNorm)
	case c.FitThreshold <= 0 || c.FitThreshold > 1:
		return fmt.Errorf("experiments: fit threshold %g must be in (0, 1]", c.FitThreshold)
	case c.FitEvery < 0:
		return fmt.Errorf("experiments: fit check every %d steps must not be negative", c.FitEvery)
	case c.StopLoss < 0:
		return fmt.Errorf("experiments: stop loss %g must not be negative", c.StopLoss)
	case !c.Device.Valid():
		return fmt.Errorf("experiments: device %q: want auto, cpu or gpu", c.Device)
	}
	return nil
}

// ReadConfig reads a Config from a JSON file, starting from DefaultConfig so that a file may
// give only what differs.
func ReadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	if err := checkJSONObject(b); err != nil {
		return Config{}, fmt.Errorf("experiments: %s: %w", path, err)
	}
	c := configBase(b)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt setting must not run with the default
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("experiments: %s: %w (see rethink run --help for the settings)", path, err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("experiments: %s: more than one JSON value", path)
	}
	return c, nil
}

// configBase is the Config a JSON document b is decoded onto: DefaultConfig, so that a file may
// give only what differs (every field json omits when empty has a zero default), less the
// model when b names one: the default's hidden widths must not stay under a model that has
// none (softmax regression: "hidden" is omitted when empty).
func configBase(b []byte) Config {
	c := DefaultConfig()
	var named struct {
		Model json.RawMessage `json:"model"`
	}
	if json.Unmarshal(b, &named) == nil && len(named.Model) > 0 {
		c.Model = tfgraph.Architecture{}
	}
	return c
}

// Set changes one setting by its key (its JSON name), as the command line's --set key=value
// does; Fields lists the keys and their meaning.
func (c *Config) Set(key, value string) error {
	for _, f := range fields {
		if f.Key == key || f.Alias != "" && f.Alias == key {
			if err := f.set(c, value); err != nil {
				return fmt.Errorf("experiments: --set %s=%s: %w", key, value, err)
			}
			return nil
		}
	}
	return fmt.Errorf("experiments: --set %s: unknown setting (rethink run --help lists them)", key)
}

// ParseHidden reads MLP widths: "512", "512x3" (three layers of 512) or "512,256".
func ParseHidden(s string) ([]int64, error) {
	if w, n, ok := strings.Cut(s, "x"); ok {
		width, err1 := strconv.ParseInt(w, 10, 64)
		count, err2 := strconv.Atoi(n)
		if err1 != nil || err2 != nil || count < 0 {
			return nil, fmt.Errorf("hidden %q: want WIDTHxCOUNT such as 512x3", s)
		}
		out := make([]int64, count)
		for i := range out {
			out[i] = width
		}
		return out, nil
	}
	var out []int64
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		v, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("hidden %q: %w", s, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// CheckRunFlags refuses combinations of `rethink run` flags that would silently drop one:
// --config with --preset, --resume with anything that would change the run (it continues with
// its own config.json), and stray arguments (the flag package stops at the first one and drops
// every flag after it).
func CheckRunFlags(preset, config, resume bool, sets int, rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("run: unexpected argument %q: every setting is a flag (--preset, --config, --set key=value, --resume DIR), and flags after it would be dropped", rest[0])
	case preset && config:
		return fmt.Errorf("run: --preset and --config both say what to run: give one (change a preset's settings with --set key=value)")
	case resume && (preset || config || sets > 0):
		return fmt.Errorf("run: --resume continues a run with the settings in its own config.json: it takes no --preset, --config or --set")
	}
	return nil
}
