package tfgraph

import (
	"fmt"
	"slices"
	"strings"
)

// PaperModel is one of the networks of Zhang et al. 2017 with what the paper says of it. This
// table is the one place that knows them: the command line, the presets, sweeps, the app's
// custom panel and the benchmark all read it.
type PaperModel struct {
	// ID is its short name on the command line: inception, inception-nobn, alexnet, mlp, mlp3,
	// softmax.
	ID string
	// Arch is the network; Arch.String() is its display name ("MLP 1x512").
	Arch Architecture
	// LearningRate is the paper's initial learning rate for it.
	LearningRate float64
	// Params is the paper's parameter count, for 28x28x3 inputs and 10 classes (for a
	// baseline the paper does not count, the count of rethink's graph, tested the same way).
	Params int64
	// Baseline marks a network that is not in the paper's Table 1 but that rethink adds as the
	// weak end of its comparisons: softmax regression (an MLP with no hidden layer), a linear
	// model of the pixels whose capacity is far below the paper's networks.
	Baseline bool
}

var paperModels = []PaperModel{
	{"inception", Architecture{Arch: Inception, BatchNorm: true}, 0.1, 1_649_402, false},
	{"inception-nobn", Architecture{Arch: Inception}, 0.1, 1_649_402, false},
	{"alexnet", Architecture{Arch: AlexNet}, 0.01, 1_387_786, false},
	{"mlp", Architecture{Arch: MLP, Hidden: []int64{512}}, 0.01, 1_209_866, false},
	{"mlp3", Architecture{Arch: MLP, Hidden: []int64{512, 512, 512}}, 0.01, 1_735_178, false},
	// Softmax regression: 28*28*3*10 weights + 10 biases. Not one of the paper's networks (a
	// baseline, see Baseline); the learning rate of its MLPs.
	{"softmax", Architecture{Arch: MLP}, 0.01, 23_530, true},
}

// PaperModels returns the paper's networks in the order of its Table 1, then the baselines
// rethink adds (Baseline set; copies: callers may change them).
func PaperModels() []PaperModel {
	out := make([]PaperModel, len(paperModels))
	for i, m := range paperModels {
		m.Arch.Hidden = slices.Clone(m.Arch.Hidden)
		out[i] = m
	}
	return out
}

// PaperModelByID returns the network with the given short name ("mlp1" is "mlp"; case and
// surrounding space do not matter).
func PaperModelByID(id string) (PaperModel, error) {
	id = strings.TrimSpace(strings.ToLower(id))
	if id == "mlp1" {
		id = "mlp"
	}
	ids := make([]string, 0, len(paperModels))
	for _, m := range PaperModels() {
		if m.ID == id {
			return m, nil
		}
		ids = append(ids, m.ID)
	}
	return PaperModel{}, fmt.Errorf("tfgraph: unknown model %q (want one of %s)", id, strings.Join(ids, ", "))
}

// PaperModelOf returns the paper's network that a is (dropout aside), if it is one.
func PaperModelOf(a Architecture) (PaperModel, bool) {
	for _, m := range PaperModels() {
		if m.Arch.String() == a.String() {
			return m, true
		}
	}
	return PaperModel{}, false
}

// PaperLearningRate is the paper's learning rate for a: 0.1 for the Inception, 0.01 for the
// others (and for networks that are not the paper's).
func PaperLearningRate(a Architecture) float64 {
	if m, ok := PaperModelOf(a); ok {
		return m.LearningRate
	}
	if a.Arch == Inception {
		return 0.1
	}
	return 0.01
}
