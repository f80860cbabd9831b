package experiments

import (
	"strconv"

	"rethink/tfgraph"
)

// Field is one setting of a Config that Set changes by its key: the table behind --set and
// `rethink run --help`.
type Field struct {
	// Key is the setting's JSON name; Alias, when set, is a shorter name Set accepts too.
	Key, Alias string
	// Help says what it means, with its unit or its values.
	Help string
	set  func(c *Config, v string) error
}

// Fields lists the settings Set knows, in the order `rethink run --help` shows them.
func Fields() []Field { return append([]Field(nil), fields...) }

func setString(get func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *get(c) = v; return nil }
}

func setInt(get func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err == nil {
			*get(c) = n
		}
		return err
	}
}

func setFloat(get func(*Config) *float64) func(*Config, string) error {
	return func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err == nil {
			*get(c) = f
		}
		return err
	}
}

func setBool(get func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err == nil {
			*get(c) = b
		}
		return err
	}
}

var fields = []Field{
	{Key: "name", Help: "the run's label in plots and tables", set: setString(func(c *Config) *string { return &c.Name })},
	{Key: "dataset", Help: "mnist (embedded, or the idx files in data_dir), fashion-mnist or cifar10", set: setString(func(c *Config) *string { return &c.Dataset })},
	{Key: "data_dir", Help: "folder of the data set's files (empty: the default place); for mnist, the four MNIST-format idx files in it (KMNIST, say; .gz or not) replace the embedded copy", set: setString(func(c *Config) *string { return &c.DataDir })},
	{Key: "train_size", Help: "training images to use (0: all)", set: setInt(func(c *Config) *int { return &c.TrainSize })},
	{Key: "test_size", Help: "test images to use (0: all)", set: setInt(func(c *Config) *int { return &c.TestSize })},
	{Key: "stratified", Help: "take the same number of images of each class (true/false)", set: setBool(func(c *Config) *bool { return &c.Stratified })},
	{Key: "image_size", Help: "downscale images to this many pixels a side after the crop (0: keep)", set: setInt(func(c *Config) *int { return &c.ImageSize })},
	{Key: "mode", Help: "randomization: true-labels, partial-labels, random-labels, shuffled-pixels, random-pixels, gaussian",
		set: func(c *Config, v string) error { return c.Randomization.Mode.UnmarshalText([]byte(v)) }},
	{Key: "p", Help: "label-corruption probability in [0, 1] (partial-labels)", set: setFloat(func(c *Config) *float64 { return &c.Randomization.P })},
	{Key: "permute_values", Help: "shuffled/random pixels permute all values, not whole pixels (true/false)", set: setBool(func(c *Config) *bool { return &c.Randomization.PermuteValues })},
	{Key: "gaussian_per_channel", Help: "Gaussian noise with each channel's mean and std (true/false)", set: setBool(func(c *Config) *bool { return &c.Randomization.GaussianPerChannel })},
	{Key: "corrupt_test", Help: "corrupt the test labels too (true/false)", set: setBool(func(c *Config) *bool { return &c.Randomization.CorruptTest })},
	{Key: "model", Help: "network: inception, alexnet or mlp (with hidden)", set: func(c *Config, v string) error {
		c.Model.Arch = tfgraph.Arch(v)
		if c.Model.Arch == tfgraph.MLP && len(c.Model.Hidden) == 0 {
			c.Model.Hidden = []int64{512}
		}
		return nil
	}},
	{Key: "hidden", Help: "MLP hidden widths: 512, 512x3 (three layers) or 512,256", set: func(c *Config, v string) error {
		h, err := ParseHidden(v)
		if err == nil {
			c.Model.Hidden = h
		}
		return err
	}},
	{Key: "batch_norm", Help: "batch normalization in the Inception (true/false)", set: setBool(func(c *Config) *bool { return &c.Model.BatchNorm })},
	{Key: "width", Help: "AlexNet's widths as a fraction in (0, 1] of the paper's 64 channels and 384, 192 units (0: the paper's)", set: setFloat(func(c *Config) *float64 { return &c.Model.Width })},
	{Key: "dropout", Help: "dropout rate of the hidden layers in [0, 1) (0: off)", set: setFloat(func(c *Config) *float64 { return &c.Model.Dropout })},
	{Key: "random_crop", Help: "random 28x28 crops, drawn in the graph each batch (true/false)", set: setBool(func(c *Config) *bool { return &c.RandomCrop })},
	{Key: "flip", Help: "random left-right flips (true/false)", set: setBool(func(c *Config) *bool { return &c.Flip })},
	{Key: "weight_decay", Help: "L2 coefficient (0: off)", set: setFloat(func(c *Config) *float64 { return &c.WeightDecay })},
	{Key: "clip_norm", Help: "clip each step's gradients to this global L2 norm, as clip_by_global_norm does (0: off; not in the paper)", set: setFloat(func(c *Config) *float64 { return &c.ClipNorm })},
	{Key: "learning_rate", Alias: "lr", Help: "initial learning rate of SGD", set: setFloat(func(c *Config) *float64 { return &c.LearningRate })},
	{Key: "lr_decay", Help: "learning-rate factor after every decay period, in (0, 1]", set: setFloat(func(c *Config) *float64 { return &c.LRDecay })},
	{Key: "decay_steps", Help: "decay period in steps (0: one epoch)", set: setInt(func(c *Config) *int { return &c.DecaySteps })},
	{Key: "momentum", Help: "SGD momentum in [0, 1)", set: setFloat(func(c *Config) *float64 { return &c.Momentum })},
	{Key: "batch", Help: "images per SGD step", set: setInt(func(c *Config) *int { return &c.Batch })},
	{Key: "epochs", Help: "bound of the run in epochs", set: setInt(func(c *Config) *int { return &c.Epochs })},
	{Key: "max_steps", Help: "bound of the run in SGD steps (0: none)", set: setInt(func(c *Config) *int { return &c.MaxSteps })},
	{Key: "stop_after_fit", Help: "stop this many epochs after the training set is fitted (-1: never)", set: setInt(func(c *Config) *int { return &c.StopAfterFit })},
	{Key: "fit_threshold", Help: "training accuracy in (0, 1] that counts as fitted besides 100%", set: setFloat(func(c *Config) *float64 { return &c.FitThreshold })},
	{Key: "fit_every", Help: "also check the whole training set for the fit every this many steps inside an epoch (0: at epoch ends only)", set: setInt(func(c *Config) *int { return &c.FitEvery })},
	{Key: "stop_loss", Help: "end the run once the training set's mean loss (nats) is below this (0: off; the paper's zero loss)", set: setFloat(func(c *Config) *float64 { return &c.StopLoss })},
	{Key: "seed", Help: "random seed (non-negative integer)", set: func(c *Config, v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err == nil {
			c.Seed = n
		}
		return err
	}},
	{Key: "device", Help: "auto, cpu or gpu", set: func(c *Config, v string) error { c.Device = tfgraph.Device(v); return nil }},
	{Key: "threads", Help: "TensorFlow thread pools (0: its default; at most 1024)", set: setInt(func(c *Config) *int { return &c.Threads })},
	{Key: "filter_every", Help: "first-layer snapshot every this many epochs (0: every epoch)", set: setInt(func(c *Config) *int { return &c.FilterEvery })},
	{Key: "checkpoint_every", Help: "checkpoint for --resume every this many epochs (0: every epoch)", set: setInt(func(c *Config) *int { return &c.CheckpointEvery })},
}
