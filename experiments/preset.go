package experiments

import (
	"errors"
	"fmt"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// ErrUnknownPreset is returned by PresetByID for a name that is not a preset.
var ErrUnknownPreset = errors.New("experiments: unknown preset")

// Tier says how close to the paper a preset is, and so how long it takes.
type Tier string

// Tiers of presets.
const (
	// Quick presets finish in at most 3 minutes on a 2-core CPU and still show the paper's effect.
	Quick Tier = "quick"
	// Paper presets use the paper's settings exactly (full CIFAR-10, batch 128, its learning
	// rates and schedule): hours to days without a GPU.
	Paper Tier = "paper"
)

// PaperRow is one number pair the paper reports, in percent (NaN when it reports none).
type PaperRow struct {
	Row   string  `json:"row"`
	Train float64 `json:"train"`
	Test  float64 `json:"test"`
}

// Preset is one result of the paper in one tier: the runs that reproduce it and the paper's
// numbers to show beside ours.
type Preset struct {
	ID          string `json:"id"`
	Group       string `json:"group"` // "Figure 1a", "Figure 1b", "Figure 1c", "Table 1", "Figure 2", "Filters"
	Title       string `json:"title"`
	Description string `json:"description"` // one line: what it shows
	Tier        Tier   `json:"tier"`
	// ExpectedTime is the measured wall time on the reference machine, or an estimate for
	// paper presets, in words.
	ExpectedTime string `json:"expected_time"`
	// Departures says how the preset departs from the paper (quick tier) or what it needs.
	Departures string     `json:"departures"`
	Runs       []Config   `json:"runs"`
	Paper      []PaperRow `json:"paper"`
	// PaperNote states the paper's finding for results it shows as a figure.
	PaperNote string `json:"paper_note,omitempty"`
}

// PresetByID returns the preset with the given ID.
func PresetByID(id string) (Preset, error) {
	for _, p := range Presets() {
		if p.ID == id {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("%w %q (rethink presets lists them)", ErrUnknownPreset, id)
}

// The paper's networks, from tfgraph's model table.
var (
	inception   = paperArch("inception")
	inceptionNB = paperArch("inception-nobn")
	alexnet     = paperArch("alexnet")
	mlp1        = paperArch("mlp")
	mlp3        = paperArch("mlp3")
)

// paperArch is the architecture of the paper's model id; it panics on an id the table lacks
// (a programming error, caught by every test that builds the presets).
func paperArch(id string) tfgraph.Architecture {
	m, err := tfgraph.PaperModelByID(id)
	if err != nil {
		panic(err)
	}
	return m.Arch
}

// paperRun is the paper's training setup on full CIFAR-10 (SPEC.md section 4).
func paperRun(name string, model tfgraph.Architecture, lr float64, mode data.Mode, p float64) Config {
	c := DefaultConfig()
	c.Name, c.Dataset, c.Model, c.LearningRate = name, "cifar10", model, lr
	c.Randomization = data.Randomization{Mode: mode, P: p}
	c.Epochs = 64 // about 25,000 steps of batch 128, the length of Figure 1a
	c.StopAfterFit = -1
	c.FilterEvery = 4
	c.CheckpointEvery = 1
	return c
}

// CIFAR10EpochSteps is the number of steps of batch 128 in one CIFAR-10 epoch.
const CIFAR10EpochSteps = 391

// quickRun is the quick tier's setup: the embedded MNIST, a stratified subset, MLP 1x512 at the
// paper's MLP learning rate and
// learning-rate schedule in steps, stopping as soon as the training set is fitted.
func quickRun(name string, model tfgraph.Architecture, lr float64, mode data.Mode, p float64, n, epochs int) Config {
	c := DefaultConfig()
	c.Name, c.Dataset, c.Model, c.LearningRate = name, "mnist", model, lr
	c.Randomization = data.Randomization{Mode: mode, P: p}
	c.TrainSize, c.TestSize, c.Stratified = n, 2000, true
	c.Epochs = epochs
	c.StopAfterFit = 0
	c.DecaySteps = CIFAR10EpochSteps
	return c
}

// quickInception shrinks a quick run for the small Inception: 14x14 images, 200 training
// images, batch 32. Without batch norm the paper's learning rate of 0.1 kills every unit in the
// first steps of these short runs (10% training accuracy, measured); 0.03 trains.
func quickInception(c *Config) {
	c.ImageSize, c.TrainSize, c.TestSize, c.Batch, c.Epochs = 14, 200, 1000, 32, 40
	if !c.Model.BatchNorm {
		c.LearningRate, c.Epochs = 0.03, 50
	}
}

// quickNoBNNote is added to the departures of quick presets with the Inception w/o BN.
const quickNoBNNote = " Without batch norm the learning rate is 0.03, not 0.1: at 0.1 these short runs die at 10% accuracy."

// quickAlexNet shrinks a quick run for the small AlexNet: 500 training images, batch 32.
func quickAlexNet(c *Config) {
	c.TrainSize, c.TestSize, c.Batch, c.Epochs = 500, 1000, 32, 60
}

// lrOf is the paper's learning rate for a.
func lrOf(a tfgraph.Architecture) float64 { return tfgraph.PaperLearningRate(a) }

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

// Presets returns every preset: one per result of the paper, in the quick and the paper tier.
func Presets() []Preset {
	var ps []Preset
	// Figure 1a.
	quickA := Preset{ID: "fig1a-quick", Group: "Figure 1a", Tier: Quick,
		Title:        "Figure 1a: the five randomization tests (quick)",
		Description:  "Training loss of MLP 1x512 under true labels, random labels, shuffled pixels, random pixels and Gaussian noise: all reach zero.",
		Departures:   "MNIST (embedded) instead of CIFAR-10, 2,000 stratified training images, MLP 1x512 instead of Inception, each run stops at 100% training accuracy.",
		PaperNote:    "All five reach zero training loss; true labels fit first, random labels last, random pixels and Gaussian noise faster than random labels.",
		ExpectedTime: quickTime("fig1a-quick")}
	paperA := Preset{ID: "fig1a-paper", Group: "Figure 1a", Tier: Paper,
		Title:       "Figure 1a: the five randomization tests (paper)",
		Description: "Training loss of the small Inception on CIFAR-10 under the five randomizations, 64 epochs each.",
		Departures:  "The paper's settings. Needs CIFAR-10 (downloaded on first use) and a GPU: about 25,000 steps per run.",
		PaperNote:   quickA.PaperNote, ExpectedTime: "days on a 2-core CPU; hours on a GPU"}
	for _, m := range fig1Modes {
		quickA.Runs = append(quickA.Runs, quickRun(m.name, mlp1, lrOf(mlp1), m.mode, 0, 2000, 200))
		paperA.Runs = append(paperA.Runs, paperRun(m.name, inception, lrOf(inception), m.mode, 0))
	}
	ps = append(ps, quickA, paperA)

	// Figures 1b and 1c: label-corruption sweeps.
	quickB := Preset{ID: "fig1bc-quick", Group: "Figure 1b", Tier: Quick,
		Title:        "Figures 1b and 1c: label corruption sweep (quick)",
		Description:  "Time to fit and test error as the fraction p of corrupted labels grows from 0 to 1.",
		Departures:   "MNIST, 500 stratified training images, MLP 1x512 only, p in {0, 0.2, 0.4, 0.6, 0.8, 1}.",
		PaperNote:    "Time to overfit grows by a small constant factor from p = 0 to p = 1; test error rises from the clean value to chance (90%).",
		ExpectedTime: quickTime("fig1bc-quick")}
	for _, p := range []float64{0, 0.2, 0.4, 0.6, 0.8, 1} {
		quickB.Runs = append(quickB.Runs, quickRun(fmt.Sprintf("%s, p=%.1f", mlp1, p), mlp1, lrOf(mlp1), data.PartialLabels, p, 500, 300))
	}
	paperB := Preset{ID: "fig1bc-paper", Group: "Figure 1b", Tier: Paper,
		Title:       "Figures 1b and 1c: label corruption sweep (paper)",
		Description: "Inception, AlexNet and MLP 1x512 on CIFAR-10 with p = 0, 0.1, ..., 1.",
		Departures:  "The paper's settings: 33 runs of up to 64 epochs. Needs CIFAR-10 and a GPU.",
		PaperNote:   quickB.PaperNote, ExpectedTime: "weeks on a 2-core CPU; days on a GPU"}
	for _, a := range []tfgraph.Architecture{inception, alexnet, mlp1} {
		for i := 0; i <= 10; i++ {
			p := float64(i) / 10
			c := paperRun(fmt.Sprintf("%s, p=%.1f", a, p), a, lrOf(a), data.PartialLabels, p)
			c.StopAfterFit = 0
			paperB.Runs = append(paperB.Runs, c)
		}
	}
	ps = append(ps, quickB, paperB)

	// Table 1.
	for _, row := range table1 {
		ps = append(ps, row.presets()...)
	}

	// Figure 2b: batch norm on and off.
	quick2 := Preset{ID: "fig2b-quick", Group: "Figure 2", Tier: Quick,
		Title:        "Figure 2b: batch norm on and off (quick)",
		Description:  "Small Inception with and without batch norm; the best test accuracy seen (early stopping) beside the final one.",
		Departures:   "MNIST (embedded) downscaled to 14x14, 200 stratified training images, 1,000 test images, batch 32, 20 epochs: the full-size Inception trains at about 20 images/s on 2 cores." + quickNoBNNote,
		PaperNote:    "Batch norm adds a few points of test accuracy; early stopping adds little on CIFAR-10.",
		Paper:        []PaperRow{{"Inception", 100, 85.75}, {"Inception w/o BN", 100, 82.00}},
		ExpectedTime: quickTime("fig2b-quick")}
	paper2 := Preset{ID: "fig2b-paper", Group: "Figure 2", Tier: Paper,
		Title:       "Figure 2b: batch norm on and off (paper)",
		Description: quick2.Description, PaperNote: quick2.PaperNote, Paper: quick2.Paper,
		Departures: "The paper's settings on CIFAR-10; needs a GPU.", ExpectedTime: "days on a 2-core CPU; hours on a GPU"}
	for _, a := range []tfgraph.Architecture{inception, inceptionNB} {
		q := quickRun(a.String(), a, lrOf(a), data.TrueLabels, 0, 200, 20)
		quickInception(&q)
		q.Epochs, q.StopAfterFit = 20, -1
		quick2.Runs = append(quick2.Runs, q)
		paper2.Runs = append(paper2.Runs, paperRun(a.String(), a, lrOf(a), data.TrueLabels, 0))
	}
	ps = append(ps, quick2, paper2)

	// Filters: true against random labels.
	quickF := Preset{ID: "filters-quick", Group: "Filters", Tier: Quick,
		Title:        "First-layer filters: true vs random labels (quick)",
		Description:  "AlexNet's 5x5 first-layer filters after training on true labels and on random labels, side by side.",
		Departures:   "MNIST, 1,000 training images, AlexNet, until 100% training accuracy.",
		PaperNote:    "Networks trained on random labels still reach zero training error; their filters are the picture of memorization.",
		ExpectedTime: quickTime("filters-quick")}
	paperF := Preset{ID: "filters-paper", Group: "Filters", Tier: Paper,
		Title: "First-layer filters: true vs random labels (paper)", Description: quickF.Description,
		Departures: "AlexNet on CIFAR-10 with the paper's settings; needs a GPU.", PaperNote: quickF.PaperNote,
		ExpectedTime: "about a day on a 2-core CPU"}
	for _, m := range fig1Modes[:2] {
		q := quickRun(m.name, alexnet, lrOf(alexnet), m.mode, 0, 500, 60)
		quickAlexNet(&q)
		q.FilterEvery = 1
		quickF.Runs = append(quickF.Runs, q)
		paperF.Runs = append(paperF.Runs, paperRun(m.name, alexnet, lrOf(alexnet), m.mode, 0))
	}
	ps = append(ps, quickF, paperF)
	return append(ps, registeredPresets()...) // presets of other packages (RegisterPresets)
}

// table1Row is one row of the paper's Table 1.
type table1Row struct {
	id                  string
	model               tfgraph.Architecture
	crop, decay, random bool
	train, test         float64
}

var table1 = []table1Row{
	{"inception-crop-wd", inception, true, true, false, 100.0, 89.05},
	{"inception-crop", inception, true, false, false, 100.0, 89.31},
	{"inception-wd", inception, false, true, false, 100.0, 86.03},
	{"inception", inception, false, false, false, 100.0, 85.75},
	{"inception-random", inception, false, false, true, 100.0, 9.78},
	{"inception-nobn-wd", inceptionNB, false, true, false, 100.0, 83.00},
	{"inception-nobn", inceptionNB, false, false, false, 100.0, 82.00},
	{"inception-nobn-random", inceptionNB, false, false, true, 100.0, 10.12},
	{"alexnet-crop-wd", alexnet, true, true, false, 99.90, 81.22},
	{"alexnet-crop", alexnet, true, false, false, 99.82, 79.66},
	{"alexnet-wd", alexnet, false, true, false, 100.0, 77.36},
	{"alexnet", alexnet, false, false, false, 100.0, 76.07},
	{"alexnet-random", alexnet, false, false, true, 99.82, 9.86},
	{"mlp3-wd", mlp3, false, true, false, 100.0, 53.35},
	{"mlp3", mlp3, false, false, false, 100.0, 52.39},
	{"mlp3-random", mlp3, false, false, true, 100.0, 10.48},
	{"mlp1-wd", mlp1, false, true, false, 99.80, 50.39},
	{"mlp1", mlp1, false, false, false, 100.0, 50.51},
	{"mlp1-random", mlp1, false, false, true, 99.34, 10.61},
}

func (r table1Row) name() string {
	n := r.model.String()
	if r.random {
		return n + ", random labels"
	}
	var parts []string
	if r.crop {
		parts = append(parts, "random crop")
	}
	if r.decay {
		parts = append(parts, "weight decay")
	}
	switch len(parts) {
	case 0:
		return n
	case 1:
		return n + ", " + parts[0]
	}
	return n + ", " + parts[0] + ", " + parts[1]
}

// weightDecay is the L2 coefficient of SPEC.md (not in the paper): 5e-4 for CNNs, 1e-4 for MLPs.
func (r table1Row) weightDecay() float64 {
	if !r.decay {
		return 0
	}
	if r.model.Arch == tfgraph.MLP {
		return 1e-4
	}
	return 5e-4
}

func (r table1Row) presets() []Preset {
	mode := data.TrueLabels
	if r.random {
		mode = data.RandomLabels
	}
	title := "Table 1: " + r.name()
	paper := []PaperRow{{r.name(), r.train, r.test}}
	pc := paperRun(r.name(), r.model, lrOf(r.model), mode, 0)
	pc.RandomCrop, pc.WeightDecay = r.crop, r.weightDecay()
	q := quickRun(r.name(), r.model, lrOf(r.model), mode, 0, 1000, 150)
	q.RandomCrop, q.WeightDecay = r.crop, r.weightDecay()
	dep := "MNIST (embedded) instead of CIFAR-10, 1,000 stratified training images, 2,000 test images; stops at 100% training accuracy."
	switch r.model.Arch {
	case tfgraph.Inception:
		quickInception(&q)
		dep = "MNIST (embedded) downscaled to 14x14, 200 stratified training images, 1,000 test images, batch 32, at most 40 epochs, stops at 100% training accuracy: the full-size Inception trains at about 75 images/s on 2 cores."
		if r.random {
			// Random labels take about three times the steps of true labels: fewer images keep it in minutes.
			// With batch norm, 100 epochs ended at 98% once oneDNN changed the rounding; 150 fit.
			q.TrainSize, q.TestSize, q.Epochs = 100, 500, 100
			if r.model.BatchNorm {
				q.Epochs = 150
			}
			dep = fmt.Sprintf("MNIST (embedded) downscaled to 14x14, 100 stratified training images, 500 test images, batch 32, at most %d epochs, stops at 100%% training accuracy: the full-size Inception trains at about 75 images/s on 2 cores.", q.Epochs)
		}
		if !r.model.BatchNorm {
			dep += quickNoBNNote
		}
	case tfgraph.MLP:
		// The MLPs train at about 20,000 images/s here: they can afford 5,000 images.
		q.TrainSize, q.TestSize, q.Epochs = 5000, 5000, 300
		dep = "MNIST (embedded) instead of CIFAR-10, 5,000 stratified training images, 5,000 test images; stops at 100% training accuracy."
	case tfgraph.AlexNet:
		quickAlexNet(&q)
		dep = "MNIST (embedded) instead of CIFAR-10, 500 stratified training images, 1,000 test images, batch 32, stops at 100% training accuracy."
	}
	if r.crop {
		dep += " Random crops are 28x28 (14x14) windows of the image padded by 2 pixels."
	}
	return []Preset{
		{ID: "table1-" + r.id + "-quick", Group: "Table 1", Tier: Quick, Title: title + " (quick)",
			Description: "Train and test accuracy of " + r.name() + ", beside the paper's CIFAR-10 numbers.",
			Departures:  dep, Runs: []Config{q}, Paper: paper, ExpectedTime: quickTime("table1-" + r.id + "-quick")},
		{ID: "table1-" + r.id + "-paper", Group: "Table 1", Tier: Paper, Title: title + " (paper)",
			Description: "Train and test accuracy of " + r.name() + " on CIFAR-10 with the paper's settings.",
			Departures:  "The paper's settings; needs CIFAR-10 and, in practice, a GPU.",
			Runs:        []Config{pc}, Paper: paper, ExpectedTime: "hours to days on a 2-core CPU"},
	}
}
