package experiments

import (
	"fmt"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// fig1Modes are the five tests in the order of the paper's legend (fig1aOrder is the order of
// their time to fit).
var fig1Modes = []struct {
	name string
	mode data.Mode
}{
	{"true labels", data.TrueLabels},
	{"random labels", data.RandomLabels},
	{"shuffled pixels", data.ShuffledPixels},
	{"random pixels", data.RandomPixels},
	{"gaussian", data.Gaussian},
}

// fig1aPresets are Figure 1a: the five randomization tests, quick with AlexNet and with MLP
// 1x512 (quickpresets.go), and with the paper's small Inception on CIFAR-10.
func fig1aPresets() []Preset {
	const note = "All five reach zero training loss; true labels fit first, then shuffled pixels, then random pixels and Gaussian noise, random labels last."
	paper := Preset{ID: "fig1a-paper", Group: "Figure 1a", Tier: Paper,
		Title:       "Figure 1a: the five randomization tests (paper)",
		Description: "Training loss of the small Inception on CIFAR-10 under the five randomizations, 64 epochs each.",
		Why:         paperNeeds, PaperModels: []tfgraph.Architecture{inception},
		PaperNote: note, ExpectedTime: expectedTime("fig1a-paper")}
	for _, m := range fig1Modes {
		paper.Runs = append(paper.Runs, paperRun(m.name, inception, lrOf(inception), m.mode, 0))
	}
	conv := fig1aQuickConv(note)
	return []Preset{conv, fig1aQuickMLP(note), onCIFAR10(conv, cifar10QuickWhy), paper}
}

// fig1bcPresets are Figures 1b and 1c: label-corruption sweeps, quick with MLP 1x512
// (quickpresets.go) and with the paper's three networks on CIFAR-10.
func fig1bcPresets() []Preset {
	const note = "Time to overfit grows by a small constant factor from p = 0 to p = 1; test error rises from the clean value to chance (90%)."
	models := []tfgraph.Architecture{inception, alexnet, mlp1}
	paper := Preset{ID: "fig1bc-paper", Group: "Figure 1b", Tier: Paper,
		Title:       "Figures 1b and 1c: label corruption sweep (paper)",
		Description: "Inception, AlexNet and MLP 1x512 on CIFAR-10 with p = 0, 0.1, ..., 1.",
		Why:         paperNeeds, PaperModels: models,
		PaperNote: note, ExpectedTime: expectedTime("fig1bc-paper")}
	for _, a := range models {
		for i := 0; i <= 10; i++ {
			p := float64(i) / 10
			c := paperRun(fmt.Sprintf("%s, p=%.1f", a, p), a, lrOf(a), data.PartialLabels, p)
			c.StopAfterFit = 0
			paper.Runs = append(paper.Runs, c)
		}
	}
	quick := fig1bQuickMLP(note, models)
	return []Preset{quick, onCIFAR10(quick, cifar10QuickWhy), paper}
}

// fig2bPresets are Figure 2b: the small Inception with and without batch norm, quick (14x14
// MNIST, 20 epochs) and with the paper's settings.
func fig2bPresets() []Preset {
	models := []tfgraph.Architecture{inception, inceptionNB}
	quick := Preset{ID: "fig2b-quick", Group: "Figure 2", Tier: Quick,
		Title:       "Figure 2b: batch norm on and off (quick)",
		Description: "Small Inception with and without batch norm; the best test accuracy seen (early stopping) beside the final one.",
		Why:         "Without batch norm the paper's learning rate of 0.1 kills these short runs at 10% accuracy.",
		PaperNote:   "Batch norm adds a few points of test accuracy; early stopping adds little on CIFAR-10.",
		Paper:       []PaperRow{{"Inception", 100, 85.75}, {"Inception w/o BN", 100, 82.00}},
		PaperModels: models, ExpectedTime: expectedTime("fig2b-quick")}
	paper := Preset{ID: "fig2b-paper", Group: "Figure 2", Tier: Paper,
		Title:       "Figure 2b: batch norm on and off (paper)",
		Description: quick.Description, PaperNote: quick.PaperNote, Paper: quick.Paper,
		Why: paperNeeds, PaperModels: models, ExpectedTime: expectedTime("fig2b-paper")}
	for _, a := range models {
		q := quickRun(a.String(), a, lrOf(a), data.TrueLabels, 0, 200, 20)
		quickInception(&q)
		q.Epochs, q.StopAfterFit = 20, -1
		if !a.BatchNorm {
			q.LearningRate = 0.03 // as measured for this figure; Table 1 w/o BN uses 0.02
		}
		quick.Runs = append(quick.Runs, q)
		paper.Runs = append(paper.Runs, paperRun(a.String(), a, lrOf(a), data.TrueLabels, 0))
	}
	return []Preset{quick, paper}
}

// FiltersGroup is the group of the presets whose point is the first-layer filters.
const FiltersGroup = "Filters"

// filtersPresets are the first-layer filters of AlexNet after true and random labels, quick
// (1,000 MNIST images, 30 epochs) and with the paper's settings.
func filtersPresets() []Preset {
	models := []tfgraph.Architecture{alexnet}
	quick := Preset{ID: "filters-quick", Group: FiltersGroup, Tier: Quick,
		Title:       "First-layer filters: true vs random labels (quick)",
		Description: "AlexNet's 5x5 first-layer filters after training on true labels and on random labels, side by side, with the share of their change in the 3 leading components of the images' 5x5 patches (chance 12%).",
		Why:         "Both runs train for the same number of epochs, though true labels fit in about 7.",
		PaperNote:   "Networks trained on random labels still reach zero training error; their filters are the picture of memorization.",
		PaperModels: models, ExpectedTime: expectedTime("filters-quick")}
	paper := Preset{ID: "filters-paper", Group: FiltersGroup, Tier: Paper,
		Title: "First-layer filters: true vs random labels (paper)", Description: quick.Description,
		Why: paperNeeds, PaperModels: models, PaperNote: quick.PaperNote, ExpectedTime: expectedTime("filters-paper")}
	for _, m := range fig1Modes[:2] {
		// On 1,000 images for 30 epochs the true-label filters keep 42% of their change in
		// the patches' 3 leading components, the random-label ones fall to 14% (chance 12%).
		q := quickRun(m.name, alexnet, lrOf(alexnet), m.mode, 0, 1000, 30)
		q.TestSize, q.Batch, q.StopAfterFit = 500, 32, -1
		q.FilterEvery = 1
		quick.Runs = append(quick.Runs, q)
		paper.Runs = append(paper.Runs, paperRun(m.name, alexnet, lrOf(alexnet), m.mode, 0))
	}
	return []Preset{quick, paper}
}
