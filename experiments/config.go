package experiments

import (
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
	// Name labels the run in plots and tables, e.g. "random labels".
	Name string `json:"name"`
	// Preset is the ID of the preset the run belongs to, if any: reports take the paper's
	// numbers from it.
	Preset string `json:"preset,omitempty"`

	// Dataset is "mnist" (embedded), "fashion-mnist" or "cifar10"; DataDir is where its files are
	// ("" for the default place).
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
	// whole training set's mean cross-entropy (nats, evaluation mode) is below it: the paper's
	// "zero training loss". The step of fit is still the first at 100% training accuracy.
	// StopAfterFit still applies: set it to -1 to run on to StopLoss.
	StopLoss float64 `json:"stop_loss,omitempty"`

	Seed    uint64 `json:"seed"`
	Device  string `json:"device"`            // auto, cpu or gpu
	Threads int    `json:"threads,omitempty"` // TensorFlow thread pools (0: its default)
	// FilterEvery takes a snapshot of the first layer every this many epochs (0: every epoch).
	FilterEvery int `json:"filter_every,omitempty"`
	// CheckpointEvery saves a checkpoint for --resume every this many epochs (0: every epoch).
	CheckpointEvery int `json:"checkpoint_every,omitempty"`
}

// DefaultConfig is the paper's training setup (SPEC.md section 4) on the embedded MNIST with
// true labels and MLP 1x512.
func DefaultConfig() Config {
	return Config{
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
		Device:       "auto",
	}
}

// Validate reports settings a run cannot start with, in words a user can act on.
func (c Config) Validate() error {
	switch strings.ToLower(c.Dataset) {
	case "mnist", "fashion-mnist", "cifar10":
	default:
		return fmt.Errorf("experiments: unknown data set %q (want mnist, fashion-mnist or cifar10)", c.Dataset)
	}
	if err := c.Model.Validate(); err != nil {
		return err
	}
	r := c.Randomization
	if r.Mode != "" {
		if _, err := data.ParseMode(string(r.Mode)); err != nil {
			return err
		}
	}
	switch {
	case r.P < 0 || r.P > 1:
		return fmt.Errorf("experiments: corruption p = %g must be in [0, 1]", r.P)
	case c.ImageSize < 0 || c.ImageSize > CropSize || (c.ImageSize > 0 && CropSize%c.ImageSize != 0):
		return fmt.Errorf("experiments: image size %d must divide the %dx%d crop (14 or 7, say; 0: no downscale)", c.ImageSize, CropSize, CropSize)
	case c.TrainSize < 0 || c.TestSize < 0:
		return fmt.Errorf("experiments: subset sizes must not be negative")
	case c.LearningRate <= 0 || c.LearningRate > 10:
		return fmt.Errorf("experiments: learning rate %g must be in (0, 10]", c.LearningRate)
	case c.LRDecay <= 0 || c.LRDecay > 1:
		return fmt.Errorf("experiments: learning-rate decay %g must be in (0, 1]", c.LRDecay)
	case c.Momentum < 0 || c.Momentum >= 1:
		return fmt.Errorf("experiments: momentum %g must be in [0, 1)", c.Momentum)
	case c.Batch <= 0:
		return fmt.Errorf("experiments: batch size %d must be positive", c.Batch)
	case c.Epochs <= 0 && c.MaxSteps <= 0:
		return fmt.Errorf("experiments: set epochs or max steps")
	case c.WeightDecay < 0:
		return fmt.Errorf("experiments: weight decay %g must not be negative", c.WeightDecay)
	case c.FitThreshold <= 0 || c.FitThreshold > 1:
		return fmt.Errorf("experiments: fit threshold %g must be in (0, 1]", c.FitThreshold)
	case c.FitEvery < 0:
		return fmt.Errorf("experiments: fit check every %d steps must not be negative", c.FitEvery)
	case c.StopLoss < 0:
		return fmt.Errorf("experiments: stop loss %g must not be negative", c.StopLoss)
	case c.Device != "auto" && c.Device != "cpu" && c.Device != "gpu" && c.Device != "":
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
	c := DefaultConfig()
	if err := json.Unmarshal(b, &c); err != nil {
		return Config{}, fmt.Errorf("experiments: %s: %w", path, err)
	}
	return c, nil
}

// Set changes one setting by its JSON name, as the command line's --set key=value:
// dataset, train_size, test_size, mode, p, model, hidden (e.g. 512x3), batch_norm, dropout,
// random_crop, flip, weight_decay, learning_rate, lr_decay, momentum, batch, epochs, max_steps,
// stop_after_fit, fit_threshold, fit_every, stop_loss, seed, device, threads, name, data_dir.
func (c *Config) Set(key, value string) error {
	bad := func(err error) error { return fmt.Errorf("experiments: --set %s=%s: %w", key, value, err) }
	f := func(dst *float64) error {
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return bad(err)
		}
		*dst = v
		return nil
	}
	i := func(dst *int) error {
		v, err := strconv.Atoi(value)
		if err != nil {
			return bad(err)
		}
		*dst = v
		return nil
	}
	b := func(dst *bool) error {
		v, err := strconv.ParseBool(value)
		if err != nil {
			return bad(err)
		}
		*dst = v
		return nil
	}
	switch key {
	case "name":
		c.Name = value
	case "dataset":
		c.Dataset = value
	case "data_dir":
		c.DataDir = value
	case "train_size":
		return i(&c.TrainSize)
	case "test_size":
		return i(&c.TestSize)
	case "image_size":
		return i(&c.ImageSize)
	case "stratified":
		return b(&c.Stratified)
	case "mode":
		m, err := data.ParseMode(value)
		if err != nil {
			return bad(err)
		}
		c.Randomization.Mode = m
	case "p":
		return f(&c.Randomization.P)
	case "permute_values":
		return b(&c.Randomization.PermuteValues)
	case "gaussian_per_channel":
		return b(&c.Randomization.GaussianPerChannel)
	case "corrupt_test":
		return b(&c.Randomization.CorruptTest)
	case "model":
		c.Model.Arch = tfgraph.Arch(value)
		if c.Model.Arch == tfgraph.MLP && len(c.Model.Hidden) == 0 {
			c.Model.Hidden = []int64{512}
		}
	case "hidden":
		h, err := ParseHidden(value)
		if err != nil {
			return bad(err)
		}
		c.Model.Hidden = h
	case "batch_norm":
		return b(&c.Model.BatchNorm)
	case "dropout":
		return f(&c.Model.Dropout)
	case "random_crop":
		return b(&c.RandomCrop)
	case "flip":
		return b(&c.Flip)
	case "weight_decay":
		return f(&c.WeightDecay)
	case "learning_rate", "lr":
		return f(&c.LearningRate)
	case "lr_decay":
		return f(&c.LRDecay)
	case "decay_steps":
		return i(&c.DecaySteps)
	case "momentum":
		return f(&c.Momentum)
	case "batch":
		return i(&c.Batch)
	case "epochs":
		return i(&c.Epochs)
	case "max_steps":
		return i(&c.MaxSteps)
	case "stop_after_fit":
		return i(&c.StopAfterFit)
	case "fit_threshold":
		return f(&c.FitThreshold)
	case "fit_every":
		return i(&c.FitEvery)
	case "stop_loss":
		return f(&c.StopLoss)
	case "seed":
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return bad(err)
		}
		c.Seed = v
	case "device":
		c.Device = value
	case "threads":
		return i(&c.Threads)
	default:
		return fmt.Errorf("experiments: --set %s: unknown setting (see rethink run --help)", key)
	}
	return nil
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
