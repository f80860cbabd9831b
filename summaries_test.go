package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"rethink/experiments"
)

// TestWriteSummaries_SeedBlock: a preset's row run over three seeds (one never fitting) gets a
// median [range] line after the per-run lines; a row run once gets none, and a batch without
// repeated names prints no seed block at all.
func TestWriteSummaries_SeedBlock(t *testing.T) {
	var sums []experiments.Summary
	for i, acc := range []float64{0.90, 1.00, 0.95} {
		sums = append(sums, experiments.Summary{Name: "random labels", Seed: uint64(i + 1), FinalTrainAcc: acc,
			FinalTestAcc: []float64{0.2, 0.1, 0.4}[i], FitStep: []int{-1, 100, 200}[i], BestTestStep: -1})
	}
	sums = append(sums, experiments.Summary{Name: "true labels", Seed: 1, FinalTrainAcc: 1, FinalTestAcc: 0.9, FitStep: 50})
	var b bytes.Buffer
	writeSummaries(&b, sums, experiments.Preset{})
	out := b.String()
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "random labels") && strings.Contains(l, "[") {
			line = l
		}
	}
	for _, want := range []string{"95.00% [90.00%–100.00%]", "20.00% [10.00%–40.00%]", "2 of 3: 150 [100–200]"} {
		if !strings.Contains(line, want) {
			t.Errorf("seed line %q lacks %q; output:\n%s", line, want, out)
		}
	}
	if !strings.Contains(out, "median [range] over seeds") || strings.Count(out, "true labels") != 1 {
		t.Errorf("want one seed block and the single-seed row once:\n%s", out)
	}
	b.Reset()
	writeSummaries(&b, sums[2:], experiments.Preset{})
	if strings.Contains(b.String(), "over seeds") {
		t.Errorf("a seed block without repeated names:\n%s", b.String())
	}
}

// TestWriteTrends: a sweep's summary ends with each model's medians against p and their
// Spearman rank correlation; runs that are not a sweep get no such line.
func TestWriteTrends(t *testing.T) {
	p, err := experiments.PresetByID("fig1bc-quick")
	if err != nil {
		t.Fatal(err)
	}
	var runs []experiments.Config
	var sums []experiments.Summary
	for _, c := range p.Runs {
		runs = append(runs, c)
		// Seed s at level p fits at 1,000 p + 100 s steps: medians rise with p.
		fit := int(1000*c.Randomization.P) + 100*int(c.Seed)
		sums = append(sums, experiments.Summary{Name: c.Name, Seed: c.Seed, FitStep: fit, Status: experiments.StatusDone})
	}
	var b bytes.Buffer
	writeTrends(&b, runs, sums)
	if out := b.String(); !strings.Contains(out, "Figure 1b: MLP 1x64: median steps to fit 300, 500, 700, 900, 1,100, 1,300 for p = 0, 0.2, 0.4, 0.6, 0.8, 1; Spearman 1.00 over p") {
		t.Errorf("trend line:\n%s", out)
	}
	b.Reset()
	writeTrends(&b, runs[:1], sums[:1])
	if b.Len() != 0 {
		t.Errorf("one run is no sweep, but got:\n%s", b.String())
	}
}

// Runs of a kind other than SGD (here the layer-by-layer kind over three seeds) have no one
// accuracy, fit or flip rate: their rows show dashes and the time, and no seed block is made
// of them (the table said "not reached" for networks that had all fitted).
func TestWriteSummaries_OtherKindsShowNoSGDFigures(t *testing.T) {
	p, err := experiments.PresetByID("layers-quick")
	if err != nil {
		t.Fatal(err)
	}
	var sums []experiments.Summary
	for _, c := range p.Runs {
		sums = append(sums, experiments.Summary{Name: c.Name, Seed: c.Seed, FitStep: -1, Seconds: 61, FinalTrainAcc: 1})
	}
	var b bytes.Buffer
	writeSummaries(&b, sums, p)
	out := b.String()
	if strings.Contains(out, "not reached") || strings.Contains(out, "over seeds") || strings.Contains(out, "100.00%") {
		t.Errorf("SGD figures for runs of another kind:\n%s", out)
	}
	if got := len(regexp.MustCompile(`(?m)(  -  +){5}61s$`).FindAllString(out, -1)); got != len(sums) {
		t.Errorf("%d dashed rows, want %d:\n%s", got, len(sums), out)
	}
}

// TestWriteSummaries_StatusShown: a run that diverged before its first epoch (run --resume of
// it, or a preset resumed after it) was a row of 0.00% accuracies like a run that learnt
// nothing; its row names the status and shows no accuracies. A done run's row is unchanged.
func TestWriteSummaries_StatusShown(t *testing.T) {
	sums := []experiments.Summary{
		{Name: "wild", Seed: 1, Status: experiments.StatusDiverged, BestTestStep: -1, FitStep: -1},
		{Name: "calm", Seed: 1, Status: experiments.StatusDone, Epochs: 2, Steps: 10, FinalTrainAcc: 0.5, FinalTestAcc: 0.25, BestTestAcc: 0.25, BestTestStep: 10, FitStep: -1},
	}
	var b bytes.Buffer
	writeSummaries(&b, sums, experiments.Preset{})
	var wild, calm string
	for _, l := range strings.Split(b.String(), "\n") {
		switch {
		case strings.HasPrefix(l, "wild"):
			wild = l
		case strings.HasPrefix(l, "calm"):
			calm = l
		}
	}
	if !strings.Contains(wild, "wild (diverged)") || strings.Contains(wild, "0.00%") {
		t.Errorf("diverged row %q: want its status named and no 0.00%% accuracies", wild)
	}
	if strings.Contains(calm, "(done)") || !strings.Contains(calm, "50.00%") || !strings.Contains(calm, "25.00% (10)") {
		t.Errorf("done row %q changed", calm)
	}
}
