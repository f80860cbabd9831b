package main

import (
	"strings"
	"testing"

	"rethink/experiments"
	"rethink/experiments/earlystop"
)

// After an early-stopping preset the summary gives one row per p with the median [range] over
// its finished seeds; a cancelled run is left out, and other presets get no such rows.
func TestWriteSummaries_EarlyStopRows(t *testing.T) {
	p, err := experiments.PresetByID(earlystop.QuickID)
	if err != nil {
		t.Fatal(err)
	}
	var sums []experiments.Summary
	for i, best := range []float64{0.80, 0.78, 0.82} {
		sums = append(sums, experiments.Summary{Name: earlystop.RunName(0.4), Seed: uint64(i + 1), Status: experiments.StatusDone,
			Epochs: 80, Steps: 640, BestTestAcc: best, BestTestStep: 40 - 10*i, FinalTestAcc: 0.70 - 0.05*float64(i), FitStep: 280})
	}
	sums = append(sums, experiments.Summary{Name: earlystop.RunName(0), Seed: 1, Status: experiments.StatusCancelled, Epochs: 3, BestTestStep: 24})
	var b strings.Builder
	writeSummaries(&b, sums, p)
	out := b.String()
	for _, want := range []string{"early stopping, median [range] over seeds", "p = 0.4", "80.00% [78.00%–82.00%]", "65.00% [60.00%–70.00%]",
		"13.00 [10.00–22.00]", "30 [20–40]", "280 [280–280]", "3 of 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	section, _, _ := strings.Cut(out[strings.Index(out, "early stopping"):], "paper:")
	if strings.Contains(section, "\np = 0 ") {
		t.Errorf("the cancelled p = 0 run has an early-stopping row:\n%s", out)
	}
	b.Reset()
	writeSummaries(&b, sums, experiments.Preset{ID: "other"})
	if strings.Contains(b.String(), "early stopping") {
		t.Errorf("another preset's summary has early-stopping rows:\n%s", b.String())
	}
}
