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

// alexnetEighth is the quick Figure 1a's network: the small AlexNet at an eighth of its widths
// (8 and 8 channels, 48 and 24 hidden units), 9,434 weights on 14x14x1 images.
var alexnetEighth = tfgraph.Architecture{Arch: tfgraph.AlexNet, Width: 0.125}

// fig1aQuickConv is the quick Figure 1a with a convolutional network: AlexNet at an eighth of
// its width on 1,000 images downscaled to 14x14, batch 32.
//
// Why narrow: the paper's order needs memorizing noise to cost more than learning the classes.
// The full AlexNet has 573,578 weights on 14x14 images, 1,147 per image of 500: it memorizes
// noise inputs (far apart) almost as fast as it learns classes, and on a data set with
// confusable classes it memorizes the last confusable images of the true labels more slowly
// than 500 noise images. Measured on Fashion-MNIST (Intel Xeon, 2 cores, seeds 1-3), steps to
// 100% for the full AlexNet on 500 images: random pixels 216, Gaussian 248, shuffled pixels
// 272, true labels 432, random labels 520. At an eighth of the width on 1,000 images (9 weights
// per image) the noise costs its capacity. This preset, seeds 1-3, median [range] of the steps
// to 100%: on MNIST true labels 608 [480-704], shuffled pixels 1,152 [1,056-1,344], random
// pixels 3,104 [2,880-3,424], Gaussian 3,456 [3,072-3,744], random labels 4,576 [3,872-4,608],
// the paper's order; on Fashion-MNIST 2,048 [1,856-2,144], 1,760 [1,728-1,888], 3,168
// [2,656-3,872], 3,552 [2,464-3,840], 4,224 [3,712-4,896]: there shuffled pixels fit as fast as
// true labels (its classes are told apart nearly as well without pixel order), the rest in the
// paper's order. Batch 32 rather than 64: at 64 (seed 1, Fashion-MNIST) true labels and random
// pixels fitted at 1,264 and 1,344 steps, too close.
func fig1aQuickConv(note string) Preset {
	p := Preset{ID: "fig1a-quick", Group: "Figure 1a", Tier: Quick,
		Title:       "Figure 1a: the five randomization tests (quick, AlexNet)",
		Description: "Training loss of a narrow AlexNet under true labels, shuffled pixels, random pixels, Gaussian noise and random labels, each to zero loss, over 3 seeds.",
		Why:         "AlexNet at an eighth of its width (9,434 weights) on 1,000 images downscaled to 14x14: short of room, as the paper's networks are on CIFAR-10's 50,000, so that memorizing noise costs more than learning the classes; the full AlexNet memorizes 500 noise images faster than it fits a data set's confusable images.",
		PaperModels: []tfgraph.Architecture{inception},
		PaperNote:   note, ExpectedTime: expectedTime("fig1a-quick")}
	for _, m := range fig1aOrder {
		// The slowest, random labels, fitted within 140 epochs (4,224 steps) on both data sets.
		c := quickRun(m.name, alexnetEighth, lrOf(alexnet), m.mode, 0, 1000, 300)
		c.ImageSize, c.TestSize, c.Batch = 14, 200, 32
		c.StopAfterFit, c.StopLoss = -1, ZeroLoss
		// One TensorFlow thread, measured faster for so small a network: random labels on
		// MNIST, seed 1, on the quiet Xeon, 11 s with one thread, 15 s with TensorFlow's default
		// pools; the whole preset 95 s against 128 s. The steps differ a little with the
		// thread count.
		c.Threads = 1
		p.Runs = append(p.Runs, c)
	}
	return seeded(p, QuickSeeds...)
}

// fig1aQuickMLP is the quick Figure 1a with MLP 1x512, which does not see pixel order: for it
// shuffled pixels are the same problem as true labels, and noise inputs (far apart in 784
// dimensions) fit faster than digits.
func fig1aQuickMLP(note string) Preset {
	// Medium, not quick: its 15 runs took 263 s of wall time on a quiet 2-core Intel Xeon
	// (load 1.5 to 1.6), over the quick tier's 3 minutes; the id is kept.
	p := Preset{ID: "fig1a-mlp-quick", Group: "Figure 1a", Tier: Medium,
		Title:       "Figure 1a: the five randomization tests (medium, MLP 1x512)",
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

// fig1bSeeds are the seeds of the quick Figure 1b: five, because the time to fit of one seed
// moves by 10 to 20% while the medians rise by about as much from one level of p to the next.
var fig1bSeeds = []uint64{1, 2, 3, 4, 5}

// mlpNarrow is the quick Figure 1b's network: MLP 1x64, 50,890 weights, about 25 per image of
// its 2,000, as MLP 1x512 has on CIFAR-10's 50,000 (1,209,866 weights).
var mlpNarrow = tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{64}}

// fig1bQuickMLP is the quick label-corruption sweep. Why MLP 1x64 on 2,000 images: the time to
// fit grows with p only while the network is short of room for the labels it must memorize.
// With room to spare (MLP 1x512 on 5,000 MNIST images, 80 weights per image; AlexNet on 500 or
// 1,000) the time jumps 2.3 to 3.4 times from p = 0 to p = 0.2, where any label against its
// image's class must be memorized, and then stays nearly flat, because the network memorizes
// 1,000 such labels as fast as 5,000 (measured on the Intel Xeon, seed 1, steps to fit for p =
// 0, 0.2, ..., 1: MLP 1x512, 5,000 images, 1,060, 1,900, 2,290, 2,590, ...; AlexNet 14x14,
// 1,000 images: 192, 644, -, 852, -, 852). The paper's networks have 24 to 33 weights per
// CIFAR-10 image; MLP 1x64 on 2,000 MNIST images has 25, and its time goes on rising up to p
// = 1 (seed 1: 504, 1,152, 1,232, 1,312, 1,488, 1,496). Still, one seed's time moves by 10 to
// 20%, so the figure takes the median of five: 448, 1,152, 1,240, 1,416, 1,760, 1,600 (seed 4
// did not fit p = 1 within its 4,800 steps, stuck at 99.9%), Spearman 0.94 over p, 3.6 times
// p = 0 at p = 1; 365 s of wall time in all (Intel Xeon, 2 cores, quiet). The fit is checked
// every 8 steps (half an epoch), a fiftieth of the fastest fit.
func fig1bQuickMLP(note string, paperModels []tfgraph.Architecture) Preset {
	// Medium, not quick: its 30 runs took 365 s of wall time on a quiet 2-core Intel Xeon
	// (load 1.1 to 2.1), over the quick tier's 3 minutes; the id is kept for the runs and
	// scripts that name it.
	p := Preset{ID: "fig1bc-quick", Group: "Figure 1b", Tier: Medium,
		Title:       "Figures 1b and 1c: label corruption sweep (medium)",
		Description: "Time to fit and test error of MLP 1x64 as the fraction p of corrupted labels grows from 0 to 1, the median over 5 seeds.",
		Why:         "MLP 1x64 on 2,000 gray 28x28 images has 25 weights per image, as the paper's networks have 24 to 33 on CIFAR-10: with many more (MLP 1x512 on 5,000 such images) the time to fit jumps once p > 0 and then stays flat.",
		PaperModels: paperModels,
		PaperNote:   note, ExpectedTime: expectedTime("fig1bc-quick")}
	for _, pr := range fig1bQuickPs {
		c := quickRun(fmt.Sprintf("MLP 1x64, p=%g", pr), mlpNarrow, lrOf(mlp1), data.PartialLabels, pr, 2000, 300)
		c.TestSize, c.FitEvery = 500, 8
		p.Runs = append(p.Runs, c)
	}
	return seeded(p, fig1bSeeds...)
}
