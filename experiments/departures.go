package experiments

import (
	"fmt"
	"slices"
	"strings"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// The paper's setup that departures are measured against (SPEC.md section 4): CIFAR-10's whole
// splits, 28x28 crops, batch 128, each model at its own learning rate.
const (
	paperDataset = data.CIFAR10Name
	paperBatch   = 128
)

// splitSizes are the whole training and test splits of each data set, in images: a
// TrainSize or TestSize of 0 takes them.
var splitSizes = map[string][2]int{
	data.MNISTName:        {60000, 10000},
	data.FashionMNISTName: {60000, 10000},
	data.CIFAR10Name:      {50000, 10000},
}

// Departures says how p's runs depart from the paper's setup, generated from p.Runs (see
// DeparturesOf, with p.PaperModels as the paper's networks), then p.Why. Because it is computed
// from the runs, it follows any change made to them (run --set, the app's custom panel).
func (p Preset) Departures() string {
	for _, c := range p.Runs {
		if !c.TrainsSGD() {
			return p.Why // other kinds say in Why how they depart (their settings are their own)
		}
	}
	s := DeparturesOf(p.Runs, p.PaperModels...)
	if p.Why != "" {
		s += " " + p.Why
	}
	return s
}

// DeparturesOf describes runs against the paper's setup, in one paragraph: the data set (and
// whether it is the embedded copy), the image size, the training and test sizes, the fractions
// p of corrupted labels (partial-label runs), the networks
// (against paperModels, the paper's networks for this result; none: the networks are named),
// learning rates other than the paper's, gradient clipping (not in the paper), the batch, the length and stopping rule, random crops
// of 28x28 images, and the seeds. Runs that differ in a setting list each value once, in order.
func DeparturesOf(runs []Config, paperModels ...tfgraph.Architecture) string {
	if len(runs) == 0 {
		return ""
	}
	parts := []string{dataPart(runs), sizesPart(runs), corruptionPart(runs)}
	parts = append(parts, modelPart(runs, paperModels), ratePart(runs), clipPart(runs), batchPart(runs),
		stopPart(runs), cropPart(runs), seedPart(runs))
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	s := strings.Join(out, "; ") + "."
	return strings.ToUpper(s[:1]) + s[1:]
}

// distinct is the values of f over runs, each once, in the order first seen.
func distinct[T comparable](runs []Config, f func(Config) T) []T {
	var out []T
	for _, c := range runs {
		if v := f(c); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// joinAll formats each value with f and joins them with commas and a final "and".
func joinAll[T any](vs []T, f func(T) string) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = f(v)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// DatasetTitle names a run's data set as a reader knows it: "MNIST (embedded)" for the copy
// built into rethink, "MNIST (from DIR)" when DataDir replaces it, "Fashion-MNIST",
// "CIFAR-10 (downloaded on first use)" or "CIFAR-10 (from DIR)".
func DatasetTitle(c Config) string {
	switch strings.ToLower(c.Dataset) {
	case data.MNISTName:
		if c.DataDir != "" {
			return "MNIST (from " + c.DataDir + ")"
		}
		return "MNIST (embedded)"
	case data.FashionMNISTName:
		if c.DataDir != "" {
			return "Fashion-MNIST (from " + c.DataDir + ")"
		}
		return "Fashion-MNIST"
	case data.CIFAR10Name:
		if c.DataDir != "" {
			return "CIFAR-10 (from " + c.DataDir + ")"
		}
		return "CIFAR-10 (downloaded on first use)"
	}
	return c.Dataset
}

func dataPart(runs []Config) string {
	s := joinAll(distinct(runs, DatasetTitle), func(t string) string { return t })
	if names := distinct(runs, func(c Config) string { return strings.ToLower(c.Dataset) }); len(names) > 1 || names[0] != paperDataset {
		s += " instead of CIFAR-10"
	}
	if sizes := distinct(runs, func(c Config) int { return c.ImageSize }); len(sizes) > 1 || sizes[0] != 0 && sizes[0] != CropSize {
		s += ", downscaled to " + joinAll(sizes, func(n int) string {
			if n == 0 {
				n = CropSize
			}
			return fmt.Sprintf("%dx%d", n, n)
		})
	}
	if slices.ContainsFunc(runs, func(c Config) bool {
		return c.Model.Arch == tfgraph.Inception && c.ImageSize > 0 && c.ImageSize < CropSize
	}) {
		s += fmt.Sprintf(" (the full-size Inception trains at about %d images/s on 2 CPU cores)", InceptionImagesPerSec)
	}
	return s
}

// splitOf is the number of images a run takes from a split (0: the whole split, i of splitSizes).
func splitOf(c Config, n, i int) int {
	if n > 0 {
		return n
	}
	return splitSizes[strings.ToLower(c.Dataset)][i]
}

func sizesPart(runs []Config) string {
	type sizes struct {
		train, test int
		stratified  bool
	}
	all := distinct(runs, func(c Config) sizes {
		return sizes{splitOf(c, c.TrainSize, 0), splitOf(c, c.TestSize, 1), c.Stratified && c.TrainSize > 0}
	})
	return joinAll(all, func(s sizes) string {
		kind := ""
		if s.stratified {
			kind = " stratified"
		}
		return fmt.Sprintf("%s%s training and %s test images", grouped(s.train), kind, grouped(s.test))
	})
}

func corruptionPart(runs []Config) string {
	var ps []float64
	for _, c := range runs {
		if c.Randomization.Mode == data.PartialLabels && !slices.Contains(ps, c.Randomization.P) {
			ps = append(ps, c.Randomization.P)
		}
	}
	if len(ps) == 0 {
		return ""
	}
	s := joinAll(ps, func(p float64) string { return fmt.Sprint(p) })
	if len(ps) == 1 {
		return "labels corrupted with p = " + s
	}
	return "labels corrupted with p = " + s + " in turn"
}

func modelPart(runs []Config, paper []tfgraph.Architecture) string {
	models := distinct(runs, func(c Config) string { return c.Model.String() })
	name := func(s string) string { return s }
	if len(paper) == 0 {
		return joinAll(models, name)
	}
	want := make([]string, len(paper))
	for i, a := range paper {
		want[i] = a.String()
	}
	extra := slices.ContainsFunc(models, func(m string) bool { return !slices.Contains(want, m) })
	switch {
	case extra:
		return joinAll(models, name) + " instead of " + joinAll(want, name)
	case len(models) < len(want):
		return joinAll(models, name) + " only"
	}
	return ""
}

func ratePart(runs []Config) string {
	type rate struct {
		model    string
		lr, want float64
	}
	var off []rate
	for _, r := range distinct(runs, func(c Config) rate {
		return rate{c.Model.String(), c.LearningRate, tfgraph.PaperLearningRate(c.Model)}
	}) {
		if r.want > 0 && r.lr != r.want {
			off = append(off, r)
		}
	}
	return joinAll(off, func(r rate) string {
		return fmt.Sprintf("learning rate %g for %s, not the paper's %g", r.lr, r.model, r.want)
	})
}

// clipPart names the global norms the runs clip their gradients to (ClipNorm): the paper does
// not clip.
func clipPart(runs []Config) string {
	norms := slices.DeleteFunc(distinct(runs, func(c Config) float64 { return c.ClipNorm }), func(n float64) bool { return n <= 0 })
	if len(norms) == 0 {
		return ""
	}
	return "gradients clipped to a global L2 norm of " + joinAll(norms, func(n float64) string { return fmt.Sprint(n) }) + " (the paper does not clip)"
}

func batchPart(runs []Config) string {
	b := distinct(runs, func(c Config) int { return c.Batch })
	if len(b) == 1 && b[0] == paperBatch {
		return ""
	}
	return "batch " + joinAll(b, func(n int) string { return fmt.Sprint(n) })
}

// stopRule is how a run ends and how often its fit is checked.
type stopRule struct {
	epochs, afterFit, fitEvery, epochSteps int
	loss                                   float64
}

func (s stopRule) String() string {
	check := "checked every epoch of " + Count(s.epochSteps, "step")
	if s.fitEvery > 0 {
		check = "checked every " + Count(s.fitEvery, "step")
	}
	bound := fmt.Sprintf("at most %s (%s)", Count(s.epochs, "epoch"), Count(s.epochs*s.epochSteps, "step"))
	switch {
	case s.loss > 0:
		return fmt.Sprintf("goes on to a training loss of %g and 100%% training accuracy, %s; its time to fit is the first step at 100%% training accuracy (%s)", s.loss, bound, check)
	case s.afterFit == 0:
		return fmt.Sprintf("stops at 100%% training accuracy (%s), %s", check, bound)
	case s.afterFit > 0:
		return fmt.Sprintf("stops %s after 100%% training accuracy (%s), %s", Count(s.afterFit, "epoch"), check, bound)
	}
	return fmt.Sprintf("all %s (%s), no stop at the fit", Count(s.epochs, "epoch"), Count(s.epochs*s.epochSteps, "step"))
}

func stopPart(runs []Config) string {
	rules := distinct(runs, func(c Config) stopRule {
		n := splitOf(c, c.TrainSize, 0)
		steps := 0
		if c.Batch > 0 {
			steps = (n + c.Batch - 1) / c.Batch
		}
		return stopRule{c.Epochs, c.StopAfterFit, c.FitEvery, steps, c.StopLoss}
	})
	return joinAll(rules, stopRule.String)
}

func cropPart(runs []Config) string {
	crops := distinct(runs, func(c Config) int {
		if !c.RandomCrop || strings.ToLower(c.Dataset) == data.CIFAR10Name {
			return -1 // none, or the paper's 28x28 crops of 32x32 images
		}
		if c.ImageSize > 0 {
			return c.ImageSize
		}
		return CropSize
	})
	crops = slices.DeleteFunc(crops, func(n int) bool { return n < 0 })
	if len(crops) == 0 {
		return ""
	}
	return "random crops are " + joinAll(crops, func(n int) string { return fmt.Sprintf("%dx%d", n, n) }) +
		" windows of the image padded by 2 zero pixels"
}

func seedPart(runs []Config) string {
	s := distinct(runs, func(c Config) uint64 { return c.Seed })
	word := "seed "
	if len(s) > 1 {
		word = "seeds "
	}
	return word + joinAll(s, func(n uint64) string { return fmt.Sprint(n) })
}

// grouped writes n with commas between groups of three digits: 25,024.
func grouped(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
