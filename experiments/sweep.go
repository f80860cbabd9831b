package experiments

import (
	"fmt"
	"strconv"
	"strings"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// ModelByName maps the short names of the command line to architectures: inception,
// inception-nobn, alexnet, mlp (1x512), mlp3 (3x512).
func ModelByName(name string) (tfgraph.Architecture, error) {
	switch strings.TrimSpace(strings.ToLower(name)) {
	case "inception":
		return inception, nil
	case "inception-nobn":
		return inceptionNB, nil
	case "alexnet":
		return alexnet, nil
	case "mlp", "mlp1":
		return mlp1, nil
	case "mlp3":
		return mlp3, nil
	}
	return tfgraph.Architecture{}, fmt.Errorf("experiments: unknown model %q (want inception, inception-nobn, alexnet, mlp or mlp3)", name)
}

// Sweep returns the runs of a label-corruption sweep (the paper's Figures 1b and 1c): base with
// each model and each p of the comma-separated list ps, labels corrupted with probability p,
// each stopping once the training set is fitted. Models take the paper's learning rates.
func Sweep(base Config, models []string, ps string) ([]Config, error) {
	var probs []float64
	for _, f := range strings.Split(ps, ",") {
		p, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || p < 0 || p > 1 {
			return nil, fmt.Errorf("experiments: sweep p %q: want numbers in [0, 1]", f)
		}
		probs = append(probs, p)
	}
	var runs []Config
	for _, name := range models {
		a, err := ModelByName(name)
		if err != nil {
			return nil, err
		}
		for _, p := range probs {
			c := base
			c.Model, c.LearningRate = a, lrOf(a)
			c.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
			c.Name = fmt.Sprintf("%s, p=%g", a, p) // %g: p=0.25 and p=0.2 must not share a name
			if c.StopAfterFit < 0 {
				c.StopAfterFit = 0
			}
			runs = append(runs, c)
		}
	}
	return runs, nil
}
