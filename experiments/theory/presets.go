package theory

import (
	"encoding/json"
	"fmt"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// PresetGroup is the group of the explanations' presets.
const PresetGroup = "Explanations"

func init() { experiments.RegisterPresets(Presets) }

// theoryRun is a run of one of this package's kinds on the embedded MNIST: the first n
// training and testN test images, settings as JSON.
func theoryRun(kind, name string, mode data.Mode, n, testN int, settings any) experiments.Config {
	c := experiments.DefaultConfig()
	c.Kind, c.Name, c.Dataset = kind, name, "mnist"
	c.Randomization = data.Randomization{Mode: mode}
	c.TrainSize, c.TestSize = n, testN
	b, err := json.Marshal(settings)
	if err != nil {
		panic(err) // the settings types below always marshal
	}
	c.Settings = b
	return c
}

// Presets are the explanations of the paper's Sections 4 and 5 (group "Explanations"). The
// quick tier's times were measured in the app on 2 cores of an Intel Xeon (AVX-512/AMX).
func Presets() []experiments.Preset {
	var ps []experiments.Preset

	// Theorem 1 beside an SGD-trained MLP of about the same size.
	n := 1000
	sgd := experiments.DefaultConfig()
	sgd.Name, sgd.Dataset = "SGD: MLP 1x4 (3,190 weights), random labels", "mnist"
	sgd.Model = tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{4}}
	sgd.Randomization = data.Randomization{Mode: data.RandomLabels}
	sgd.TrainSize, sgd.TestSize, sgd.Batch, sgd.Epochs, sgd.StopAfterFit = n, 2000, 32, 100, 0
	ps = append(ps, experiments.Preset{ID: "theorem1-quick", Group: PresetGroup, Tier: experiments.Quick,
		Title: "Theorem 1: 2n + d weights fit any labels",
		Description: "A two-layer ReLU network built in closed form fits 1,000 random MNIST labels exactly with 2n + d = 2,784 weights " +
			"(evaluated in float64 and float32); an SGD-trained MLP of about the same size cannot.",
		Why: "MNIST's first 1,000 training images; the ten classes as one real output (the class index: exactly 2n + d weights) " +
			"and, for true labels, one output per class (d + 11n weights). The SGD contrast is MLP 1x4 (3,190 weights) for up to 100 epochs.",
		PaperNote: "Theorem 1: there is a two-layer ReLU network with 2n + d weights that can represent any function on a sample of " +
			"size n in d dimensions (here 2n + d = 2,784).",
		ExpectedTime: "15 s on 2 CPU cores (6 s from the command line)",
		Runs: []experiments.Config{
			theoryRun(KindTheorem1, "random labels, one output (2n + d weights)", data.RandomLabels, n, 2000, Theorem1Settings{}),
			theoryRun(KindTheorem1, "true labels, one output per class", data.TrueLabels, n, 2000,
				Theorem1Settings{Theorem1Config: Theorem1Config{Outputs: OneHotOutput}}),
			sgd,
		}})

	ps = append(ps, experiments.Preset{ID: "theorem1-precision-quick", Group: PresetGroup, Tier: experiments.Quick,
		Title:        "Theorem 1: where float32 gives out",
		Description:  "The largest residual |c(x_i) - y_i| of Theorem 1's network against n, 100 to 20,000 random labels, in float32 and float64, beside the smallest gap between sorted projections.",
		Why:          "MNIST's first n training images, random labels, one output; 1,000 test images.",
		PaperNote:    "The theorem is exact arithmetic: the gaps between the sorted projections shrink like 1/n^2, and the triangular solve multiplies rounding errors by their inverses.",
		ExpectedTime: "7 s on 2 CPU cores",
		Runs: []experiments.Config{theoryRun(KindTheorem1, "random labels, n = 100 to 20,000", data.RandomLabels, 0, 1000,
			Theorem1Settings{Sizes: []int{100, 200, 500, 1000, 2000, 5000, 10000, 20000}})}})

	mn := MinNormConfig{Epochs: 1500, Batch: 10, Momentum: 0.9}
	mnStart := mn
	mnStart.StartScale = 0.01
	ps = append(ps, experiments.Preset{ID: "minnorm-quick", Group: PresetGroup, Tier: experiments.Quick,
		Title:        "SGD finds the minimum-norm solution",
		Description:  "Least squares on 100 MNIST images of 784 pixels: SGD from zero converges to the minimum-norm interpolant X^T (X X^T)^-1 y; from a random start it lands on another interpolant, the minimum-norm one plus the start's part in the null space.",
		Why:          "Raw pixels of MNIST's first 100 training images, one-hot targets, no bias; SGD with momentum 0.9, batch 10, learning rate 1 / max ||x_i||^2, 1,500 epochs.",
		PaperNote:    "Section 5: SGD from zero on a linear model stays in the span of the data, so among all interpolants it finds the one of minimum norm.",
		ExpectedTime: "6 s on 2 CPU cores",
		Runs: []experiments.Config{
			theoryRun(KindMinNorm, "from zero", data.TrueLabels, 100, 0, mn),
			theoryRun(KindMinNorm, "from a random start (std 0.01)", data.TrueLabels, 100, 0, mnStart),
		}})

	kq := experiments.Preset{ID: "kernel-quick", Group: PresetGroup, Tier: experiments.Quick,
		Title:        "Kernel interpolation of MNIST: test error against n",
		Description:  "K alpha = Y solved with no regularization for a Gaussian kernel on raw pixels, on 1,000 to 10,000 MNIST images; test error against n with the paper's 1.2% on all 60,000.",
		Why:          "Subsets of MNIST's training images (the paper: all 60,000); bandwidth 0.5 x the median pairwise distance (the paper names none); solved by preconditioned conjugate gradients until 100% training accuracy and a relative residual of 1e-2.",
		PaperNote:    fmt.Sprintf("Section 5: exact kernel interpolation of all of MNIST on raw pixels gives %.1f%% test error, with no regularization.", PaperKernelTestError),
		Paper:        []experiments.PaperRow{{Row: "n = 60,000 (paper)", Train: 100, Test: 100 - PaperKernelTestError}},
		ExpectedTime: "23 s on 2 CPU cores"}
	for _, n := range []int{1000, 2000, 5000, 10000} {
		kq.Runs = append(kq.Runs, theoryRun(KindKernel, fmt.Sprintf("n = %d", n), data.TrueLabels, n, 0, KernelConfig{}))
	}
	ps = append(ps, kq)

	ps = append(ps, experiments.Preset{ID: "kernel-variants-quick", Group: PresetGroup, Tier: experiments.Quick,
		Title:        "Kernel interpolation: ridge and random labels",
		Description:  "5,000 MNIST images: exact interpolation, the same with a small ridge term, and random labels (memorized: 100% train, test at chance).",
		Why:          "5,000 training images, all 10,000 test images; ridge lambda = 0.1 (the kernel's diagonal is 1).",
		PaperNote:    "Section 5: regularization does not help the kernel machine much; with random labels it still interpolates.",
		ExpectedTime: "30 s on 2 CPU cores",
		Runs: []experiments.Config{
			theoryRun(KindKernel, "exact", data.TrueLabels, 5000, 0, KernelConfig{}),
			theoryRun(KindKernel, "ridge 0.1", data.TrueLabels, 5000, 0, KernelConfig{Ridge: 0.1}),
			theoryRun(KindKernel, "random labels", data.RandomLabels, 5000, 0, KernelConfig{}),
		}})

	ps = append(ps, experiments.Preset{ID: "kernel-paper", Group: PresetGroup, Tier: experiments.Paper,
		Title:        "Kernel interpolation of all 60,000 MNIST images",
		Description:  "The paper's number: Gaussian-kernel interpolation of the full MNIST training set, no regularization, tested on all 10,000 test images.",
		Why:          "Bandwidth by the median heuristic (the paper names none). The kernel matrix is held once in float32 (its lower triangle, 7.2 GB); the run refuses before allocating when the estimated need exceeds the free memory. It stops once the training set is fitted and the relative residual is at most 0.03 (at n = 20,000 the test error moved by under 0.1 points from residual 0.09 on).",
		PaperNote:    fmt.Sprintf("Section 5: %.1f%% test error on raw pixels, 0.6%% with a Gabor wavelet transform.", PaperKernelTestError),
		Paper:        []experiments.PaperRow{{Row: "all 60,000", Train: 100, Test: 100 - PaperKernelTestError}},
		ExpectedTime: "not yet measured here: the goal is at most 20 min on 2 cores; memory estimate 10.9 GB",
		Runs:         []experiments.Config{theoryRun(KindKernel, "all 60,000", data.TrueLabels, 0, 0, KernelConfig{FitTol: 0.03})}})
	return ps
}
