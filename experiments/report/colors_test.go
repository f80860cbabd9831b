package report

import (
	"slices"
	"strings"
	"testing"

	"rethink/experiments"
	"rethink/experiments/data"
)

// presetRuns is the preset id's runs as Runs, with a curve each so that every one is drawn.
func presetRuns(t *testing.T, id string) []Run {
	t.Helper()
	p, err := experiments.PresetByID(id)
	if err != nil {
		t.Fatal(err)
	}
	runs := make([]Run, len(p.Runs))
	for i, c := range p.Runs {
		runs[i] = Run{Config: c, FitStep: -1, Started: true, Done: true,
			LossStep: []float64{10, 20}, Loss: []float64{2, 1},
			Epochs: []experiments.Metrics{{Epoch: 1, Step: 20, TrainLoss: 1, TrainAcc: 0.5, TestAcc: 0.4}}}
	}
	return runs
}

// colorOf maps each run's label to its colour, failing when one label has two.
func colorOf(t *testing.T, runs []Run) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, r := range runs {
		if !r.HasColor {
			t.Fatalf("%s has no colour", r.Label())
		}
		if c, ok := m[r.Label()]; ok && c != r.Color {
			t.Fatalf("the runs of %s have colours %d and %d", r.Label(), c, r.Color)
		}
		m[r.Label()] = r.Color
	}
	return m
}

// A preset's runs take their place in the preset as their colour, whatever order they come in
// (the history lists the newest first) and whichever of them are there (one reopened alone).
func TestSetColors_PresetPlaceInAnyOrder(t *testing.T) {
	for _, id := range []string{"fig1a-quick", "fig1bc-quick", "filters-quick"} {
		runs := presetRuns(t, id)
		SetColors(runs)
		want := colorOf(t, runs)
		if len(want) < 2 {
			t.Fatalf("%s: %d groups, want several", id, len(want))
		}
		seen := map[int]bool{}
		for _, c := range want {
			if seen[c] {
				t.Errorf("%s: two groups share colour %d", id, c)
			}
			seen[c] = true
		}
		rev := presetRuns(t, id)
		slices.Reverse(rev)
		SetColors(rev)
		for name, c := range colorOf(t, rev) {
			if c != want[name] {
				t.Errorf("%s reversed: %s has colour %d, in order %d", id, name, c, want[name])
			}
		}
		for _, r := range presetRuns(t, id) {
			alone := []Run{r}
			SetColors(alone)
			if alone[0].Color != want[r.Label()] {
				t.Errorf("%s: %s alone has colour %d, with its preset %d", id, r.Label(), alone[0].Color, want[r.Label()])
			}
		}
	}
}

// Colours given stay: a run added later takes a colour no run has, and earlier runs keep
// theirs; a run of a group that has a colour takes the group's.
func TestSetColors_AddingARunRecoloursNone(t *testing.T) {
	runs := presetRuns(t, "fig1a-quick")
	SetColors(runs)
	before := colorOf(t, runs)

	custom := experiments.DefaultConfig()
	custom.Name = "my run"
	more := append(slices.Clone(runs), Run{Config: custom}, Run{Config: runs[0].Config})
	more[len(more)-1].Config.Seed = 99 // another seed of the first group
	SetColors(more)
	after := colorOf(t, more)
	for name, c := range before {
		if after[name] != c {
			t.Errorf("%s changed colour from %d to %d when a run was added", name, c, after[name])
		}
	}
	for name, c := range before {
		if c == after["my run"] {
			t.Errorf("the added run took %s's colour %d", name, c)
		}
	}
}

// Reopened runs compared with each other (tagged by the time they ran) are told apart: the
// oldest run of a preset's group keeps the preset's colour, the others take free ones.
func TestSetColors_TaggedRunsOfOneGroup(t *testing.T) {
	r := presetRuns(t, "fig1a-quick")[1]
	want := ColorsOf([]experiments.Config{r.Config})[0]
	runs := []Run{r, r, r}
	runs[0].Tag, runs[1].Tag, runs[2].Tag = "04:40:09", "05:00:00", "06:00:00"
	SetColors(runs)
	got := colorOf(t, runs)
	if len(got) != 3 {
		t.Fatalf("three tagged runs of one group make %d groups", len(got))
	}
	if runs[0].Color != want {
		t.Errorf("the first tagged run has colour %d, its preset's is %d", runs[0].Color, want)
	}
	if runs[1].Color == runs[0].Color || runs[2].Color == runs[0].Color || runs[1].Color == runs[2].Color {
		t.Errorf("tagged runs share a colour: %d %d %d", runs[0].Color, runs[1].Color, runs[2].Color)
	}
}

// Every chart and the table draw a group in its runs' colour: the loss and accuracy curves
// (and so their legend entries), the table's row, and Figures 1b and 1c the colour of each
// model's first run, which does not change as runs finish.
func TestCharts_OneColourPerRun(t *testing.T) {
	runs := presetRuns(t, "fig1bc-quick")
	given := map[string]int{}
	for i := range runs { // colours that are not their places, one a group
		if _, ok := given[runs[i].Label()]; !ok {
			given[runs[i].Label()] = 3*len(given) + 2
		}
		runs[i].Color, runs[i].HasColor = given[runs[i].Label()], true
	}
	byName := colorOf(t, runs)
	f := Charts(runs)
	for _, s := range f.Loss.Series {
		if s.Color != byName[s.Name] {
			t.Errorf("loss curve %s in colour %d, its run's is %d", s.Name, s.Color, byName[s.Name])
		}
	}
	for _, s := range f.Accuracy.Series {
		if s.Name != "" && s.Color != byName[s.Name] {
			t.Errorf("accuracy curve %s in colour %d, its run's is %d", s.Name, s.Color, byName[s.Name])
		}
	}
	for _, row := range Rows(runs) {
		if row.Color != byName[row.Run] {
			t.Errorf("table row %s in colour %d, its run's is %d", row.Run, row.Color, byName[row.Run])
		}
	}
	first := map[string]int{}
	for _, r := range runs {
		if _, ok := first[r.Config.Model.String()]; !ok {
			first[r.Config.Model.String()] = r.Color
		}
	}
	// Only the last run finished: its model's series still has its first run's colour.
	for i := range runs {
		runs[i].Done = i == len(runs)-1
	}
	fit, test := SweepCharts(runs)
	for _, c := range []Chart{fit, test} {
		for _, s := range c.Series {
			// A model's series, and the paper's points for it, take its first run's colour.
			model := strings.TrimSuffix(strings.TrimPrefix(s.Name, "paper, "), " (CIFAR-10)")
			model, _, _ = strings.Cut(model, " (Spearman")
			want, ours := first[model]
			if !ours {
				continue // a paper network none of the runs trained: a colour of its own
			}
			if s.Color != want {
				t.Errorf("%s: %s in colour %d, its first run's is %d", c.Title, s.Name, s.Color, want)
			}
		}
	}
}

// Runs without a preset take the first colours in order, so a CLI report of custom runs looks
// as before.
func TestSetColors_NoPresetInOrder(t *testing.T) {
	var runs []Run
	for _, name := range []string{"a", "b", "c"} {
		c := experiments.DefaultConfig()
		c.Name, c.Randomization = name, data.Randomization{Mode: data.TrueLabels}
		runs = append(runs, Run{Config: c})
	}
	SetColors(runs)
	for i, r := range runs {
		if r.Color != i {
			t.Errorf("%s: colour %d, want %d", r.Label(), r.Color, i)
		}
	}
}
