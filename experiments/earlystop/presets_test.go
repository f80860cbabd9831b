package earlystop

import (
	"strings"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
)

// Both presets hold every p of Ps once per seed, seed-major, as partial-label runs that go on
// past their fit (no stop at fit), are valid, carry their preset's ID (so that reports draw
// their figures), and are listed by experiments.Presets.
func TestPresets_Expand(t *testing.T) {
	for _, want := range []struct {
		id    string
		tier  experiments.Tier
		data  string
		seeds []uint64
	}{{QuickID, experiments.Quick, "mnist", QuickSeeds}, {PaperID, experiments.Paper, "cifar10", PaperSeeds}} {
		p, err := experiments.PresetByID(want.id)
		if err != nil {
			t.Fatalf("%s: %v", want.id, err)
		}
		if p.Group != PresetGroup || p.Tier != want.tier || p.PaperNote == "" || p.ExpectedTime == "" {
			t.Errorf("%s: group %q, tier %q, note %q, time %q", p.ID, p.Group, p.Tier, p.PaperNote, p.ExpectedTime)
		}
		if len(p.Runs) != len(Ps)*len(want.seeds) || len(p.Seeds) != len(want.seeds) {
			t.Fatalf("%s: %d runs over %d seeds; want %d over %d", p.ID, len(p.Runs), len(p.Seeds), len(Ps)*len(want.seeds), len(want.seeds))
		}
		for i, c := range p.Runs {
			pr, seed := Ps[i%len(Ps)], want.seeds[i/len(Ps)]
			if c.Randomization.Mode != data.PartialLabels || c.Randomization.P != pr || c.Seed != seed || c.Name != RunName(pr) {
				t.Errorf("%s run %d: %s, p %g, seed %d, name %q; want partial-labels, p %g, seed %d, %q", p.ID, i,
					c.Randomization.Mode, c.Randomization.P, c.Seed, c.Name, pr, seed, RunName(pr))
			}
			if c.StopAfterFit != -1 || c.StopLoss != 0 || c.Dataset != want.data || !IsEarlyStop(c) || c.KindName() != experiments.KindSGD {
				t.Errorf("%s run %d: stop after fit %d, stop loss %g, data %s, preset %q, kind %s", p.ID, i, c.StopAfterFit, c.StopLoss, c.Dataset, c.Preset, c.KindName())
			}
			if err := c.Validate(); err != nil {
				t.Errorf("%s run %d: %v", p.ID, i, err)
			}
		}
		d := p.Departures()
		if want.tier == experiments.Quick && !strings.Contains(d, "MNIST") {
			t.Errorf("%s: departures do not name MNIST: %s", p.ID, d)
		}
	}
	q, _ := experiments.PresetByID(QuickID)
	if c := q.Runs[0]; c.TrainSize != 1000 || c.Epochs*((c.TrainSize+c.Batch-1)/c.Batch) != 640 {
		t.Errorf("quick runs: %d images, %d epochs of batch %d; want 1,000 images and 640 steps", c.TrainSize, c.Epochs, c.Batch)
	}
	p, _ := experiments.PresetByID(PaperID)
	if c := p.Runs[0]; c.TrainSize != 0 || c.Batch != 128 || c.LearningRate != 0.1 || c.LRDecay != 0.95 || c.Momentum != 0.9 ||
		c.WeightDecay != 0 || c.RandomCrop || !c.Model.BatchNorm {
		t.Errorf("paper runs depart from SPEC.md's Inception settings: %+v", c)
	}
	if IsEarlyStop(experiments.DefaultConfig()) {
		t.Error("a run of no preset counts as early stopping")
	}
}
