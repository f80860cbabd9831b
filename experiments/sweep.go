package experiments

import (
	"fmt"
	"strconv"
	"strings"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// Sweep returns the runs of a label-corruption sweep (the paper's Figures 1b and 1c): base with
// each model and each p of the comma-separated list ps, labels corrupted with probability p,
// each stopping once the training set is fitted. models are short names of tfgraph's model
// table (inception, inception-nobn, alexnet, mlp, mlp3); each takes the paper's learning rate.
func Sweep(base Config, models []string, ps string) ([]Config, error) {
	var probs []float64
	for _, f := range strings.Split(ps, ",") {
		p, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(p >= 0 && p <= 1) { // NaN fails both comparisons
			return nil, fmt.Errorf("experiments: sweep p %q: want numbers in [0, 1]", f)
		}
		probs = append(probs, p)
	}
	var runs []Config
	for _, name := range models {
		m, err := tfgraph.PaperModelByID(name)
		if err != nil {
			return nil, err
		}
		a := m.Arch
		for _, p := range probs {
			c := base
			c.Model, c.LearningRate = a, m.LearningRate
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
