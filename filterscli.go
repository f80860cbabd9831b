package main

import (
	"fmt"
	"io"

	"rethink/experiments"
)

// writeFilterShares writes, after a Filters preset, each run's measure of its last filter
// snapshot: the share of the shown filters' energy in the training images' leading patch
// components, beside a random filter's (what the app writes under each mosaic). Runs without
// the measure (an MLP's first layer, no snapshot) are left out; nothing for other presets.
func writeFilterShares(w io.Writer, sums []experiments.Summary, p experiments.Preset) {
	if p.Group != experiments.FiltersGroup {
		return
	}
	header := false
	for _, s := range sums {
		if s.Dir == "" {
			continue
		}
		snaps, err := experiments.ReadFilterSnapshots(s.Dir)
		if err != nil || len(snaps) == 0 {
			continue
		}
		last := snaps[len(snaps)-1]
		if last.PatchShare <= 0 {
			continue
		}
		if !header {
			fmt.Fprintf(w, "\nfirst-layer filters at the end: share of their energy in the images' %d leading patch components\n", experiments.PatchComponents)
			header = true
		}
		fmt.Fprintf(w, "  %s (seed %d, epoch %d): %.1f%% (random filters %.1f%%)\n", s.Name, s.Seed, last.Epoch,
			100*last.PatchShare, 100*last.PatchChance)
	}
}
