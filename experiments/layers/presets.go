package layers

import (
	"encoding/json"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// PresetGroup is the group of this kind's presets.
const PresetGroup = "Layers"

func init() { experiments.RegisterPresets(Presets) }

// layersRun is one "layers" run: the network model trained with the paper's SGD on the first
// n training images of dataset, settings as JSON.
func layersRun(name, dataset string, model tfgraph.Architecture, n, epochs int, s Settings) experiments.Config {
	c := experiments.DefaultConfig()
	c.Kind, c.Name, c.Dataset, c.Model = Kind, name, dataset, model
	c.LearningRate = tfgraph.PaperLearningRate(model)
	c.TrainSize, c.TestSize, c.Epochs = n, 1000, epochs
	c.StopAfterFit, c.FitThreshold = 0, 1
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // Settings always marshal
	}
	c.Settings = b
	return c
}

var (
	trueRandom        = []Labeling{{Name: "true labels", Mode: data.TrueLabels}, {Name: "random labels", Mode: data.RandomLabels}}
	trueHalfRandom    = append(append([]Labeling{}, trueRandom[0]), Labeling{Name: "p = 0.5", Mode: data.PartialLabels, P: 0.5}, trueRandom[1])
	paperNote         = "Arpit et al. (ICML 2017): the probe accuracy of networks trained on random labels falls with depth, as the deeper layers memorize. Maennel et al. (NeurIPS 2020): the first layers of random-label networks still learn useful features, aligned with the data's principal components, and transfer."
	pixelsWhy         = "The probes are linear softmax classifiers trained on held-out images (after the networks' training images, never seen by them) with their true labels and scored on test images; conv maps larger than 2,048 values are average-pooled to the largest grid that fits. CKA (linear, Kornblith et al. 2019) compares whole layers on the same test images."
	quickAlexNetModel = tfgraph.Architecture{Arch: tfgraph.AlexNet}
)

// Presets are the layer-by-layer comparisons of networks trained on true and random labels.
// The quick one was measured on 2 cores of an Intel Xeon (AVX-512/AMX) shared with other work.
func Presets() []experiments.Preset {
	var ps []experiments.Preset

	mlp := layersRun("MLP 1x512: true, p = 0.5, random labels", "mnist", tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{512}}, 2000, 80,
		Settings{Labelings: trueHalfRandom, ProbeTrain: 1000, ProbeTest: 1000, CKAImages: 500})
	mlp.DecaySteps = 391
	alex := layersRun("AlexNet (14x14): true and random labels", "mnist", quickAlexNetModel, 500, 80,
		Settings{Labelings: trueRandom, ProbeTrain: 1000, ProbeTest: 1000, CKAImages: 500, PatchImages: 500})
	alex.ImageSize, alex.DecaySteps, alex.Batch = 14, 391, 64
	ps = append(ps, experiments.Preset{ID: "layers-quick", Group: PresetGroup, Tier: experiments.Quick,
		Title: "Layer by layer: what a network trained on random labels keeps",
		Description: "MLP 1x512 (2,000 MNIST images; true, p = 0.5 and random labels) and AlexNet (500 images at 14x14; true and random labels), 3 seeds: " +
			"linear-probe accuracy of every layer, CKA between the networks' layers, top patches of the conv channels and the first layer's alignment with the data's principal components.",
		Why: pixelsWhy + " Each network trains until it fits its training set (at most 80 epochs, learning rate decayed every 391 steps as the quick presets do); " +
			"AlexNet sees MNIST shrunk to 14x14 and 500 images so that its random labels fit in the time.",
		PaperNote:    paperNote,
		ExpectedTime: experiments.ExpectedTime("layers-quick"),
		Seeds:        experiments.QuickSeeds,
		Runs:         experiments.WithSeeds([]experiments.Config{mlp, alex}, experiments.QuickSeeds)})

	// Paper tier: the paper's networks on all of CIFAR-10 (45,000 for the networks, 5,000
	// held out for the probes) and on MNIST.
	cifar := func(id string, pm string, labelings []Labeling) experiments.Preset {
		m, err := tfgraph.PaperModelByID(pm)
		if err != nil {
			panic(err)
		}
		c := layersRun(m.Arch.String()+": true and random labels", "cifar10", m.Arch, 45000, 100,
			Settings{Labelings: labelings, ProbeTrain: 5000, ProbeTest: 10000, CKAImages: 1000})
		c.TestSize = 10000
		return experiments.Preset{ID: id, Group: PresetGroup, Tier: experiments.Paper,
			Title:       "Layer by layer on CIFAR-10: " + m.Arch.String(),
			Description: m.Arch.String() + " trained on 45,000 CIFAR-10 images with true labels, p = 0.5 and random labels; probes, CKA, top patches and PC alignment of every layer.",
			Why:         pixelsWhy + " The networks train with the paper's settings until they fit (at most 100 epochs).",
			PaperNote:   paperNote, ExpectedTime: "hours on 2 CPU cores (three networks fitted to 45,000 images)",
			PaperModels: []tfgraph.Architecture{m.Arch},
			Runs:        []experiments.Config{c}}
	}
	for _, p := range []struct{ id, model string }{{"layers-alexnet-cifar10", "alexnet"}, {"layers-inception-cifar10", "inception"},
		{"layers-mlp1-cifar10", "mlp"}, {"layers-mlp3-cifar10", "mlp3"}} {
		ps = append(ps, cifar(p.id, p.model, trueHalfRandom))
	}
	mn := layersRun("MLP 3x512: true, p = 0.5, random labels", "mnist", tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{512, 512, 512}}, 50000, 100,
		Settings{Labelings: trueHalfRandom, ProbeTrain: 10000, ProbeTest: 10000, CKAImages: 1000})
	mn.TestSize = 10000
	ps = append(ps, experiments.Preset{ID: "layers-mlp3-mnist", Group: PresetGroup, Tier: experiments.Paper,
		Title:       "Layer by layer on all of MNIST: MLP 3x512",
		Description: "MLP 3x512 trained on 50,000 MNIST images (10,000 held out for the probes) with true labels, p = 0.5 and random labels.",
		Why:         pixelsWhy, PaperNote: paperNote, ExpectedTime: "about an hour on 2 CPU cores",
		Runs: []experiments.Config{mn}})
	return ps
}
