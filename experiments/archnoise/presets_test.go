package archnoise

import (
	"fmt"
	"strings"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
)

// TestPresets_ExpandToTheSweep: each preset is its networks (weak to strong) at every p, once
// per seed, seed-major, of this kind with partial label corruption; the quick one (the three
// networks without convolutions) and the medium one (all five) on the same cut MNIST, the paper
// ones on CIFAR-10 and the whole of MNIST; every run is valid.
func TestPresets_ExpandToTheSweep(t *testing.T) {
	all := []string{"Softmax regression", "MLP 1x512", "MLP 3x512", "AlexNet", "Inception"}
	want := map[string]string{"archnoise-quick": "mnist", "archnoise-medium": "mnist", "archnoise-cifar10-paper": "cifar10", "archnoise-mnist-paper": "mnist"}
	tiers := map[string]experiments.Tier{"archnoise-quick": experiments.Quick, "archnoise-medium": experiments.Medium,
		"archnoise-cifar10-paper": experiments.Paper, "archnoise-mnist-paper": experiments.Paper}
	for id, dataset := range want {
		p, err := experiments.PresetByID(id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Tier != tiers[id] {
			t.Errorf("%s: tier %q, want %q", id, p.Tier, tiers[id])
		}
		models := all
		if p.Tier == experiments.Quick {
			models = all[:3]
		}
		if p.Group != Group || len(p.Seeds) != 3 || len(p.Runs) != len(models)*len(Ps)*3 {
			t.Fatalf("%s: group %q, seeds %v, %d runs; want %d", id, p.Group, p.Seeds, len(p.Runs), len(models)*len(Ps)*3)
		}
		i := 0
		for _, seed := range []uint64{1, 2, 3} {
			for _, m := range models {
				for _, pr := range []float64{0, 0.2, 0.4, 0.6, 0.8, 1} {
					c := p.Runs[i]
					i++
					if c.Kind != Kind || c.Seed != seed || c.Model.String() != m || c.Randomization.Mode != data.PartialLabels ||
						c.Randomization.P != pr || c.Dataset != dataset || c.Name != fmt.Sprintf("%s, p=%g", m, pr) || c.StopAfterFit != 0 {
						t.Fatalf("%s run %d: %+v; want %s at p=%g seed %d on %s", id, i-1, c, m, pr, seed, dataset)
					}
					if err := c.Validate(); err != nil {
						t.Errorf("%s run %d: %v", id, i-1, err)
					}
					quick := p.Tier == experiments.Quick || p.Tier == experiments.Medium
					if quick != (c.TrainSize == QuickTrain && c.TestSize == QuickTest && c.ImageSize == QuickImage && c.Stratified && c.Epochs == QuickEpochs && c.Batch == QuickBatch) {
						t.Errorf("%s run %d: train %d, image %d, epochs %d", id, i-1, c.TrainSize, c.ImageSize, c.Epochs)
					}
					if !quick && (c.TrainSize != 0 || c.TestSize != 0 || c.ImageSize != 0) {
						t.Errorf("%s run %d cuts the data: %+v", id, i-1, c)
					}
					if c.FitEvery != 0 {
						t.Errorf("%s run %d checks the fit inside epochs: seconds to fit would not be exact", id, i-1)
					}
				}
			}
		}
		if p.Departures() == "" || p.PaperNote == "" {
			t.Errorf("%s: no departures or note", id)
		}
		if p.ExpectedTime != experiments.ExpectedTime(id) || strings.HasPrefix(p.ExpectedTime, "not ") {
			t.Errorf("%s: expected time %q, want a measure or an estimate from quicktimes.go", id, p.ExpectedTime)
		}
	}
}
