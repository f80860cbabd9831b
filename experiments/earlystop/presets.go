package earlystop

import (
	"fmt"
	"slices"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// PresetGroup is the group of this package's presets in `rethink presets` and the app.
const PresetGroup = "Early stopping"

// Preset IDs: the quick tier on MNIST and the paper tier on CIFAR-10.
const (
	QuickID = "earlystop-quick"
	PaperID = "earlystop-paper"
)

// Ps are the label-corruption levels of every early-stopping preset.
var Ps = []float64{0, 0.2, 0.4, 0.6}

// QuickSeeds and PaperSeeds are the seeds each level is repeated with.
var (
	QuickSeeds = []uint64{1, 2, 3}
	PaperSeeds = []uint64{1, 2, 3}
)

func init() { experiments.RegisterPresets(Presets) }

// IsEarlyStop reports whether c is a run of one of this package's presets (its Preset field,
// which the presets set in every run so that the app and `rethink report` draw its figures).
func IsEarlyStop(c experiments.Config) bool {
	return slices.Contains([]string{QuickID, PaperID}, c.Preset)
}

// RunName is the name of the runs at corruption level p (the same for every seed, so that a
// report groups them).
func RunName(p float64) string { return fmt.Sprintf("p = %g", p) }

const paperNote = "Zhang et al. 2017 (Figure 2): on CIFAR-10 early stopping is not necessarily helpful, the best test accuracy seen " +
	"during training is close to the final one. Arpit et al. 2017: with noisy labels networks learn the clean patterns first " +
	"and memorize the noise later, so test accuracy peaks early and then falls. Li, Soltanolkotabi and Oymak 2020: gradient " +
	"descent stopped early is provably robust to label noise. Expected here: little gain at p = 0, a gain that grows with p."

// Presets are the early-stopping presets: quick on MNIST and the paper's settings on CIFAR-10.
func Presets() []experiments.Preset { return []experiments.Preset{quickPreset(), paperPreset()} }

// quickPreset: MLP 1x512 on 1,000 stratified MNIST training images (8 steps an epoch, so the
// test curve is sampled every 8 steps) and 1,000 test images, the paper's MLP learning rate and
// momentum, 80 epochs (640 steps) whatever the fit: measured over seeds 1 to 3 (Intel Xeon, 2
// cores), p = 0.6 fits at 264 to 336 steps and its test accuracy peaks at 16 to 40, so the
// runs go on for twice the time to fit and more. 12 runs: 1 min 18 s to 1 min 23 s of wall time
// from the command line at load 12 to 18 (35 s of CPU time). Filters are snapshotted only at the start and the end and
// checkpoints written every 20 epochs, which keeps the disk out of the way of these short
// epochs; a cancelled preset resumes from its last checkpoint.
func quickPreset() experiments.Preset {
	mlp := tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{512}}
	p := experiments.Preset{ID: QuickID, Group: PresetGroup, Tier: experiments.Quick,
		Title: "When early stopping helps (quick)",
		Description: "Test accuracy over training at label corruption p = 0, 0.2, 0.4, 0.6, well past the fit of the training set: " +
			"the best (early-stopped) test accuracy against the final one, the step of the peak against the step of fit, over 3 seeds.",
		Why: "MLP 1x512 on MNIST keeps the 12 runs within 3 minutes; every run trains 80 epochs whatever its fit, so the " +
			"memorization phase after the fit is in the curve, and the test set is evaluated after every epoch of 8 steps.",
		PaperModels:  []tfgraph.Architecture{inceptionArch()},
		PaperNote:    paperNote,
		ExpectedTime: experiments.ExpectedTime("earlystop-quick"),
	}
	for _, pr := range Ps {
		c := experiments.DefaultConfig()
		c.Name, c.Preset, c.Dataset, c.Model = RunName(pr), QuickID, "mnist", mlp
		c.LearningRate = tfgraph.PaperLearningRate(mlp)
		c.Randomization = data.Randomization{Mode: data.PartialLabels, P: pr}
		c.TrainSize, c.TestSize, c.Stratified = 1000, 1000, true
		c.Epochs, c.StopAfterFit = 80, -1
		c.DecaySteps = experiments.CIFAR10EpochSteps
		c.FilterEvery, c.CheckpointEvery = 80, 20
		p.Runs = append(p.Runs, c)
	}
	p.Seeds = append([]uint64(nil), QuickSeeds...)
	p.Runs = experiments.WithSeeds(p.Runs, p.Seeds)
	return p
}

// paperPreset: the small Inception on full CIFAR-10 with the paper's settings (SPEC.md
// section 4: batch 128, learning rate 0.1 times 0.95 after every epoch, momentum 0.9, no
// weight decay, augmentation or dropout), 64 epochs (about 25,000 steps, the length of Figure
// 1a, in which the paper's Inception fits even random labels) whatever the fit, the test set
// evaluated after every epoch (391 steps).
func paperPreset() experiments.Preset {
	inc := inceptionArch()
	p := experiments.Preset{ID: PaperID, Group: PresetGroup, Tier: experiments.Paper,
		Title:        "When early stopping helps (paper)",
		Description:  "The small Inception on CIFAR-10 at p = 0, 0.2, 0.4, 0.6, 64 epochs each whatever the fit, over 3 seeds: best against final test accuracy, peak against fit.",
		Why:          "In practice it needs a GPU: 12 runs of about 25,000 steps.",
		PaperModels:  []tfgraph.Architecture{inc},
		PaperNote:    paperNote,
		ExpectedTime: paperTime(),
	}
	for _, pr := range Ps {
		c := experiments.DefaultConfig()
		c.Name, c.Preset, c.Dataset, c.Model = RunName(pr), PaperID, "cifar10", inc
		c.LearningRate = tfgraph.PaperLearningRate(inc)
		c.Randomization = data.Randomization{Mode: data.PartialLabels, P: pr}
		c.Epochs, c.StopAfterFit = 64, -1
		c.FilterEvery, c.CheckpointEvery = 4, 1
		p.Runs = append(p.Runs, c)
	}
	p.Seeds = append([]uint64(nil), PaperSeeds...)
	p.Runs = experiments.WithSeeds(p.Runs, p.Seeds)
	return p
}

// inceptionArch is the paper's small Inception (with batch norm).
func inceptionArch() tfgraph.Architecture {
	m, err := tfgraph.PaperModelByID("inception")
	if err != nil {
		panic(err) // the model table always has it; every test that builds the presets checks
	}
	return m.Arch
}

// paperTime estimates the paper preset's wall time on 2 CPU cores from the measured training
// speed of the small Inception (experiments.InceptionImagesPerSec), with each epoch's
// evaluation of all 60,000 images counted as a forward pass at a third of a training step's
// cost: an estimate, not a measurement.
func paperTime() string {
	const runs, epochs, train, eval = 12, 64, 50000, 60000
	perEpoch := float64(train)/experiments.InceptionImagesPerSec + float64(eval)/(3*experiments.InceptionImagesPerSec)
	days := runs * epochs * perEpoch / 86400
	return fmt.Sprintf("about %.0f days on a 2-core CPU (estimate: %d runs of %d epochs at %d images/s); a GPU is the practical way", days, runs, epochs, experiments.InceptionImagesPerSec)
}
