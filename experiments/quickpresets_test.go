package experiments

import (
	"testing"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// The quick Figure 1a presets run the five tests in the paper's order, on to zero loss, over
// three seeds; the headline one uses a conv net.
func TestQuickFigure1a_RunsToZeroLossOverSeeds(t *testing.T) {
	for id, arch := range map[string]tfgraph.Arch{"fig1a-quick": tfgraph.AlexNet, "fig1a-mlp-quick": tfgraph.MLP} {
		p, err := PresetByID(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Seeds) < 3 || len(p.Runs) != 5*len(p.Seeds) {
			t.Fatalf("%s: %d runs over seeds %v; want the five tests on 3 or more seeds", id, len(p.Runs), p.Seeds)
		}
		for i, c := range p.Runs {
			if c.Model.Arch != arch || c.StopLoss != ZeroLoss || c.StopAfterFit != -1 {
				t.Errorf("%s run %d (%s): model %s, stop loss %v, stop after fit %d; want %s on to loss %v",
					id, i, c.Name, c.Model.Arch, c.StopLoss, c.StopAfterFit, arch, ZeroLoss)
			}
			if want := fig1aOrder[i%5].mode; c.Randomization.Mode != want {
				t.Errorf("%s run %d: mode %s, want %s (the paper's order)", id, i, c.Randomization.Mode, want)
			}
		}
	}
}

// Quick Table 1 rows whose run takes under a minute (all but the Inception ones on random
// labels or without batch norm, which take one and a half to three minutes a seed) repeat over
// QuickSeeds; the others run once. Only the Inception without batch norm clips its gradients.
func TestQuickTable1_SeedsWhereRunsAreShort(t *testing.T) {
	once := map[string]bool{"table1-inception-random-quick": true, "table1-inception-nobn-wd-quick": true,
		"table1-inception-nobn-quick": true, "table1-inception-nobn-random-quick": true}
	n := 0
	for _, p := range Presets() {
		if p.Group != "Table 1" || p.Tier != Quick {
			continue
		}
		n++
		if once[p.ID] && len(p.Runs) != 1 || !once[p.ID] && len(p.Runs) != len(QuickSeeds) {
			t.Errorf("%s: %d runs; want %d", p.ID, len(p.Runs), map[bool]int{false: len(QuickSeeds), true: 1}[once[p.ID]])
		}
		for _, c := range p.Runs {
			nobn := c.Model.Arch == tfgraph.Inception && !c.Model.BatchNorm
			if nobn && c.ClipNorm <= 0 || !nobn && c.ClipNorm != 0 {
				t.Errorf("%s: clip norm %g; want clipping exactly for the Inception without batch norm", p.ID, c.ClipNorm)
			}
		}
	}
	if n != 19 {
		t.Errorf("%d quick Table 1 rows, want 19", n)
	}
}

// The quick Figure 1b sweeps p from 0 to 1 over 3 or more seeds, with the fit checked every
// few steps (finer than the smallest time to fit by far), every run stopping at its fit.
func TestQuickFigure1b_SweepOverSeedsCheckedOften(t *testing.T) {
	p, err := PresetByID("fig1bc-quick")
	if err != nil {
		t.Fatal(err)
	}
	ps := map[float64]int{}
	for _, c := range p.Runs {
		ps[c.Randomization.P]++
		if c.Randomization.Mode != data.PartialLabels || c.StopAfterFit != 0 {
			t.Errorf("%s: mode %s, stop after fit %d; want partial labels stopping at the fit", c.Name, c.Randomization.Mode, c.StopAfterFit)
		}
		if c.FitEvery <= 0 || c.FitEvery > 50 {
			t.Errorf("%s: fit checked every %d steps; want a check every few steps", c.Name, c.FitEvery)
		}
	}
	if len(p.Seeds) < 3 || len(ps) < 5 || ps[0] != len(p.Seeds) || ps[1] != len(p.Seeds) {
		t.Errorf("seeds %v, levels %v; want 5 or more levels of p from 0 to 1, each over 3 or more seeds", p.Seeds, ps)
	}
}
