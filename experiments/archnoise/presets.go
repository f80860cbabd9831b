package archnoise

import (
	"fmt"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// Group is the presets' group in the app's list.
const Group = "Architectures under noise"

// ModelIDs are the sweep's networks, weak to strong, by their IDs in tfgraph's model table:
// softmax regression, MLP 1x512, MLP 3x512, the small AlexNet, the small Inception (with batch
// norm). The medium and paper presets run them all.
var ModelIDs = []string{"softmax", "mlp", "mlp3", "alexnet", "inception"}

// QuickModelIDs are the networks of the quick preset: the three without convolutions. On the
// quick cut a run of AlexNet took 8 to 21 s and one of the Inception 93 to 189 s, against 1 to
// 10 s for the others (wall, one seed, Intel Xeon, 2 cores at load 13 to 18, measured): 18 runs
// each do not fit in the quick tier's 3 minutes.
var QuickModelIDs = []string{"softmax", "mlp", "mlp3"}

// Ps are the label-corruption levels of the sweep.
var Ps = []float64{0, 0.2, 0.4, 0.6, 0.8, 1}

// Seeds are the seeds of every preset of the sweep.
var Seeds = []uint64{1, 2, 3}

// note is what later work found, shown beside the figure.
const note = "Arpit et al. 2017 (A closer look at memorization): networks learn the clean patterns first and fit the noise later; stronger regularization keeps more of the signal. Rolnick et al. 2017 (Deep learning is robust to massive label noise): test accuracy falls slowly with uniform noise, convolutional networks degrade less than MLPs and MLPs less than linear models."

// quickRun is the quick and medium tiers' setup of one network at one p (see Presets for what
// was cut): the same data and schedule for every network, so that they compare.
func quickRun(m tfgraph.PaperModel, p float64) experiments.Config {
	c := experiments.DefaultConfig()
	c.Kind = Kind
	c.Name = fmt.Sprintf("%s, p=%g", m.Arch, p)
	c.Dataset, c.Model, c.LearningRate = "mnist", m.Arch, m.LearningRate
	c.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
	c.TrainSize, c.TestSize, c.Stratified = QuickTrain, QuickTest, true
	c.ImageSize, c.Batch = QuickImage, QuickBatch
	c.Epochs, c.StopAfterFit = QuickEpochs, 0
	c.DecaySteps = experiments.CIFAR10EpochSteps
	c.CheckpointEvery, c.FilterEvery = 10, 1000 // few small runs: checkpoints and snapshots would cost more than the steps
	return c
}

// The quick and medium tiers' cuts: QuickTrain training and QuickTest test images of MNIST
// (stratified), QuickImage x QuickImage pixels, batch QuickBatch, at most QuickEpochs epochs.
// On 100 images every network kept about 1 - p of the signal (measured), so the sweep said
// nothing of the networks; on 1,000 the networks that cannot memorize keep far more than 1 - p,
// those that do keep less (see the README's section on the sweep).
const (
	QuickTrain  = 1000
	QuickTest   = 1000
	QuickImage  = 7
	QuickBatch  = 25
	QuickEpochs = 50
)

// paperRun is the paper's training setup (SPEC.md section 4) on dataset ("cifar10", or "mnist"
// in full), stopping once the training set is fitted or after 64 epochs (about 25,000 steps of
// batch 128 on CIFAR-10, the length of Figure 1a).
func paperRun(m tfgraph.PaperModel, p float64, dataset string) experiments.Config {
	c := experiments.DefaultConfig()
	c.Kind = Kind
	c.Name = fmt.Sprintf("%s, p=%g", m.Arch, p)
	c.Dataset, c.Model, c.LearningRate = dataset, m.Arch, m.LearningRate
	c.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
	c.Epochs, c.StopAfterFit = 64, 0
	c.CheckpointEvery, c.FilterEvery = 1, 4
	return c
}

// Presets are the sweep's presets: quick on MNIST (the three networks without convolutions),
// medium on the same MNIST cut (all five), and in the paper tier on CIFAR-10 and on the whole of
// MNIST. Runs are seed-major (a first pass over the networks and p gives a whole figure) and,
// within a seed, network by network with p = 0 first.
func Presets() []experiments.Preset {
	var models []tfgraph.PaperModel
	var archs []tfgraph.Architecture
	for _, id := range ModelIDs {
		m, err := tfgraph.PaperModelByID(id)
		if err != nil {
			panic(err) // a programming error, caught by every test that builds the presets
		}
		models = append(models, m)
		if !m.Baseline {
			archs = append(archs, m.Arch)
		}
	}
	quick := experiments.Preset{ID: "archnoise-quick", Group: Group, Tier: experiments.Quick,
		Title:       "Strong against weak architectures under noise (quick)",
		Description: "Softmax regression, MLP 1x512 and MLP 3x512 at label corruption p = 0, 0.2, ..., 1 over 3 seeds: the share of the clean signal each keeps against p, beside the 1 - p of a memorizer, test accuracy and time to fit.",
		Why:         "Cut to fit in 3 minutes on 2 cores, alike for every network; AlexNet and the Inception are left to the medium preset archnoise-medium, which runs all five on the same cut (the Inception's runs take 80% of its time).",
		PaperModels: archs, PaperNote: note, ExpectedTime: experiments.ExpectedTime("archnoise-quick")}
	medium := experiments.Preset{ID: "archnoise-medium", Group: Group, Tier: experiments.Medium,
		Title:       "Strong against weak architectures under noise (medium)",
		Description: "All five networks, softmax regression to the small Inception, on the quick preset's MNIST cut at p = 0, 0.2, ..., 1 over 3 seeds: the same measures, conv nets beside the MLPs.",
		Why:         "The quick preset's cut, alike for every network; at 7x7 pixels the conv nets see blobs, not strokes.",
		PaperModels: archs, PaperNote: note, ExpectedTime: experiments.ExpectedTime("archnoise-medium")}
	cifar := experiments.Preset{ID: "archnoise-cifar10-paper", Group: Group, Tier: experiments.Paper,
		Title:       "Strong against weak architectures under noise (paper, CIFAR-10)",
		Description: "The five networks on CIFAR-10 with the paper's settings at p = 0, 0.2, ..., 1 over 3 seeds, each to its fit or 64 epochs.",
		Why:         "Softmax regression cannot fit CIFAR-10's noisy labels and runs its 64 epochs. In practice it needs a GPU.",
		PaperModels: archs, PaperNote: note, ExpectedTime: experiments.ExpectedTime("archnoise-cifar10-paper")}
	mnist := experiments.Preset{ID: "archnoise-mnist-paper", Group: Group, Tier: experiments.Paper,
		Title:       "Strong against weak architectures under noise (paper, full MNIST)",
		Description: "The five networks on all 60,000 MNIST training images (28x28) with the paper's settings at p = 0, 0.2, ..., 1 over 3 seeds, each to its fit or 64 epochs.",
		Why:         "Softmax regression cannot fit MNIST's noisy labels and runs its 64 epochs. In practice it needs a GPU.",
		PaperModels: archs, PaperNote: note, ExpectedTime: experiments.ExpectedTime("archnoise-mnist-paper")}
	for _, m := range models {
		for _, p := range Ps {
			if inQuick(m) {
				quick.Runs = append(quick.Runs, quickRun(m, p))
			}
			medium.Runs = append(medium.Runs, quickRun(m, p))
			cifar.Runs = append(cifar.Runs, paperRun(m, p, "cifar10"))
			mnist.Runs = append(mnist.Runs, paperRun(m, p, "mnist"))
		}
	}
	out := []experiments.Preset{quick, medium, cifar, mnist}
	for i := range out {
		out[i].Seeds = append([]uint64(nil), Seeds...)
		out[i].Runs = experiments.WithSeeds(out[i].Runs, Seeds)
	}
	return out
}

// inQuick says whether m is one of QuickModelIDs.
func inQuick(m tfgraph.PaperModel) bool {
	for _, id := range QuickModelIDs {
		if m.ID == id {
			return true
		}
	}
	return false
}
