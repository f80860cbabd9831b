package experiments

import (
	"fmt"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

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
		Why:         "Downscaled to 14x14 so that the five tests with AlexNet take about 2 minutes on a CPU; its 5x5 filters then see a larger part of each image than at 28x28.",
		PaperModels: []tfgraph.Architecture{inception},
		PaperNote:   note, ExpectedTime: expectedTime("fig1a-quick")}
	for _, m := range fig1aOrder {
		c := quickRun(m.name, alexnet, lrOf(alexnet), m.mode, 0, 500, 100)
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
		PaperModels: []tfgraph.Architecture{inception},
		PaperNote:   note, ExpectedTime: expectedTime("fig1a-mlp-quick")}
	for _, m := range fig1aOrder {
		// Random labels reach loss 0.01 after about 3,200 steps (200 epochs).
		c := quickRun(m.name, mlp1, lrOf(mlp1), m.mode, 0, 2000, 300)
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

// fig1bQuickMLP is the quick label-corruption sweep with MLP 1x512 on 5,000 MNIST images, the
// fit checked at the end of every epoch of 40 steps (5% of the fastest fit; checks every 20
// steps cost half as much again and show the same). Measured on 3 seeds (Intel Xeon, 2 cores),
// median steps to 100% training accuracy [range] for p = 0, 0.2, ..., 1: 880 [720-1240], 2240
// [2040-2280], 2560 [2400-2640], 2600 [2600-2600], 2600 [2600-2840], 2800 [2600-2840]
// (Spearman 0.99 over the medians, p = 1 at 3.2x p = 0; checked every 20 steps: 880, 2240,
// 2540, 2600, 2580, 2600). Most of the rise is between p = 0 and p = 0.4; above it the time is
// nearly flat. On 500 or 2,000 images the rise happens between p = 0 and 0.2 and the rest is
// flat or falls. Test error goes from 5% to chance.
func fig1bQuickMLP(note string, paperModels []tfgraph.Architecture) Preset {
	p := Preset{ID: "fig1bc-quick", Group: "Figure 1b", Tier: Quick,
		Title:       "Figures 1b and 1c: label corruption sweep (quick)",
		Description: "Time to fit and test error of MLP 1x512 as the fraction p of corrupted labels grows from 0 to 1, over 3 seeds.",
		Why:         "",
		PaperModels: paperModels,
		PaperNote:   note, ExpectedTime: expectedTime("fig1bc-quick")}
	for _, pr := range fig1bQuickPs {
		c := quickRun(fmt.Sprintf("MLP 1x512, p=%g", pr), mlp1, lrOf(mlp1), data.PartialLabels, pr, 5000, 300)
		c.TestSize = 500
		p.Runs = append(p.Runs, c)
	}
	return seeded(p, QuickSeeds...)
}
