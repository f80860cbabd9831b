package report

import (
	"slices"
	"sync"

	"rethink/experiments"
)

// SetColors gives every run of runs without a colour (HasColor false) one, in place, so that
// each group of runs (GroupRuns: a name over its seeds) has one colour of its own:
//
//   - a run of a group that already has a colour takes it;
//   - a group of a preset's runs (Config.Preset) takes its place among that preset's groups
//     (presetSlot), when no other group has that colour: so a run has the same colour live, in
//     the history, reopened alone, and in the reports, whatever order its runs come in;
//   - any other group, and a group whose place is taken (runs of two presets compared), takes
//     the first colour no group has, in the order the groups come.
//
// Colours given are never changed: give an experiment's runs theirs once, all together, and
// later runs cannot recolour earlier ones.
func SetColors(runs []Run) {
	taken := map[int]bool{}
	byGroup := map[string]int{}
	for _, r := range runs {
		if r.HasColor {
			taken[r.Color] = true
			if _, ok := byGroup[groupKey(r)]; !ok {
				byGroup[groupKey(r)] = r.Color
			}
		}
	}
	// Groups in the order they come, each with its first run's preferred colour.
	var keys []string
	prefer := map[string]int{}
	for _, r := range runs {
		k := groupKey(r)
		if r.HasColor || slices.Contains(keys, k) {
			continue
		}
		if _, ok := byGroup[k]; ok {
			continue
		}
		keys = append(keys, k)
		prefer[k] = presetSlot(r)
	}
	for _, k := range keys { // their preset's colour when it is free
		if c := prefer[k]; c >= 0 && !taken[c] {
			byGroup[k], taken[c] = c, true
		}
	}
	next := 0
	for _, k := range keys { // the others: the first free colours
		if _, ok := byGroup[k]; ok {
			continue
		}
		for taken[next] {
			next++
		}
		byGroup[k], taken[next] = next, true
	}
	for i := range runs {
		if !runs[i].HasColor {
			runs[i].Color, runs[i].HasColor = byGroup[groupKey(runs[i])], true
		}
	}
}

// ColorsOf is the colour (SetColors) of each run of an experiment of the configs cfgs, in
// order: give them when the experiment is set up, and keep them.
func ColorsOf(cfgs []experiments.Config) []int {
	runs := make([]Run, len(cfgs))
	for i, c := range cfgs {
		runs[i] = Run{Config: c}
	}
	SetColors(runs)
	out := make([]int, len(runs))
	for i, r := range runs {
		out[i] = r.Color
	}
	return out
}

// colored returns runs with a colour each: runs itself when every run has one, else a copy
// coloured by SetColors (the caller's runs are left as they are).
func colored(runs []Run) []Run {
	if !slices.ContainsFunc(runs, func(r Run) bool { return !r.HasColor }) {
		return runs
	}
	out := slices.Clone(runs)
	SetColors(out)
	return out
}

// presetSlot is the place of r's group among the groups of its preset (Config.Preset), found
// by the run's name (its label without its tag): the colour the preset gives it. It is -1 for a run of no known preset, or
// whose name its preset does not have.
func presetSlot(r Run) int {
	if r.Config.Preset == "" {
		return -1
	}
	names, ok := presetGroups()[r.Config.Preset]
	if !ok {
		// A preset registered after the first look (tests): look it up alone.
		p, err := experiments.PresetByID(r.Config.Preset)
		if err != nil {
			return -1
		}
		names = groupLabels(p)
	}
	return slices.Index(names, r.name())
}

// presetGroups maps each preset's ID to the labels of its groups of runs, in order; built once
// (the presets do not change while the program runs).
var presetGroups = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, p := range experiments.Presets() {
		m[p.ID] = groupLabels(p)
	}
	return m
})

// groupLabels is the labels of the groups of p's runs (GroupRuns), in order.
func groupLabels(p experiments.Preset) []string {
	runs := make([]Run, len(p.Runs))
	for i, c := range p.Runs {
		runs[i] = Run{Config: c}
	}
	var out []string
	for _, g := range GroupRuns(runs) {
		out = append(out, g.Label())
	}
	return out
}
