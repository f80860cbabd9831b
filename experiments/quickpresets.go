package experiments

import "rethink/experiments/data"

// QuickSeeds are the seeds of quick presets whose runs take under a minute: the tables show
// the median and the range over them.
var QuickSeeds = []uint64{1, 2, 3}

// ZeroLoss is the training loss (mean cross-entropy, nats) that counts as the paper's "zero
// training loss" in the quick Figure 1a presets: the runs go on to it after 100% accuracy.
const ZeroLoss = 0.01

// fig1aQuickConv is the quick Figure 1a with a convolutional network: the small AlexNet on 500
// MNIST images downscaled to 14x14 (AlexNet's 5x5 filters then see a quarter of a digit, as
// on CIFAR-10's 28x28 crops they see a part of an object). Measured on 3 seeds (Intel Xeon,
// 2 cores), steps to 100% training accuracy in the median [range]: true labels 120 [112-120],
// shuffled pixels 160 [144-168], random pixels 224 [208-280], Gaussian 264 [208-272], random
// labels 376 [368-392]: the paper's order, and all five reach loss 0.01 within 30 steps more.
func fig1aQuickConv(note string) Preset {
	p := Preset{ID: "fig1a-quick", Group: "Figure 1a", Tier: Quick,
		Title:       "Figure 1a: the five randomization tests (quick, AlexNet)",
		Description: "Training loss of the small AlexNet under true labels, shuffled pixels, random pixels, Gaussian noise and random labels, each to zero loss, over 3 seeds.",
		Departures: "MNIST (embedded) downscaled to 14x14 instead of CIFAR-10, 500 stratified training images, 500 test images, AlexNet instead of Inception, batch 64; " +
			"each run goes on to a training loss of 0.01 and its time to fit is the first step at 100% training accuracy (checked every epoch of 8 steps); seeds 1, 2, 3.",
		PaperNote:    note,
		ExpectedTime: quickTime("fig1a-quick")}
	for _, m := range fig1aOrder {
		c := quickRun(m.name, alexnet, 0.01, m.mode, 0, 500, 100)
		c.ImageSize, c.TestSize, c.Batch = 14, 500, 64
		c.StopAfterFit, c.StopLoss = -1, ZeroLoss
		p.Runs = append(p.Runs, c)
	}
	return seeded(p, QuickSeeds...)
}

// fig1aQuickMLP is the quick Figure 1a with MLP 1x512, which does not see pixel order: for it
// shuffled pixels are the same problem as true labels, and noise inputs (far apart in 784
// dimensions) fit faster than digits.
func fig1aQuickMLP(note string) Preset {
	p := Preset{ID: "fig1a-mlp-quick", Group: "Figure 1a", Tier: Quick,
		Title:       "Figure 1a: the five randomization tests (quick, MLP 1x512)",
		Description: "The same five tests with MLP 1x512, which does not see pixel order: shuffled pixels fit as true labels do, and noise inputs fit fastest.",
		Departures: "MNIST (embedded) instead of CIFAR-10, 2,000 stratified training images, MLP 1x512 instead of Inception; " +
			"each run goes on to a training loss of 0.01 and its time to fit is the first step at 100% training accuracy (checked every 4 steps); seeds 1, 2, 3.",
		PaperNote:    note,
		ExpectedTime: quickTime("fig1a-mlp-quick")}
	for _, m := range fig1aOrder {
		// Random labels reach loss 0.01 after about 3,200 steps (200 epochs).
		c := quickRun(m.name, mlp1, 0.01, m.mode, 0, 2000, 300)
		c.StopAfterFit, c.StopLoss, c.FitEvery = -1, ZeroLoss, 4
		p.Runs = append(p.Runs, c)
	}
	return seeded(p, QuickSeeds...)
}

// fig1aOrder is the five tests in the paper's order of time to fit.
var fig1aOrder = []struct {
	name string
	mode data.Mode
}{
	{"true labels", data.TrueLabels},
	{"shuffled pixels", data.ShuffledPixels},
	{"random pixels", data.RandomPixels},
	{"gaussian", data.Gaussian},
	{"random labels", data.RandomLabels},
}

// fig1bQuickPs are the label-corruption levels of the quick Figures 1b and 1c.
var fig1bQuickPs = []float64{0, 0.2, 0.4, 0.6, 0.8, 1}
