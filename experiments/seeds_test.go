package experiments

import "testing"

func TestWithSeeds_SeedMajorKeepsNames(t *testing.T) {
	a, b := DefaultConfig(), DefaultConfig()
	a.Name, b.Name = "a", "b"
	got := WithSeeds([]Config{a, b}, []uint64{7, 8, 9})
	want := []struct {
		name string
		seed uint64
	}{{"a", 7}, {"b", 7}, {"a", 8}, {"b", 8}, {"a", 9}, {"b", 9}}
	if len(got) != len(want) {
		t.Fatalf("%d runs, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Name != w.name || got[i].Seed != w.seed {
			t.Errorf("run %d: %s seed %d, want %s seed %d", i, got[i].Name, got[i].Seed, w.name, w.seed)
		}
	}
	if one := WithSeeds([]Config{a}, nil); len(one) != 1 || one[0].Seed != a.Seed {
		t.Errorf("no seeds: %+v, want the run unchanged", one)
	}
}

// Every preset that declares seeds holds each of its runs once per seed, and quick presets
// whose runs are short declare at least three.
func TestPresets_RunsExpandOverTheirSeeds(t *testing.T) {
	for _, p := range Presets() {
		if len(p.Seeds) == 0 {
			continue
		}
		if len(p.Runs)%len(p.Seeds) != 0 {
			t.Errorf("%s: %d runs for %d seeds", p.ID, len(p.Runs), len(p.Seeds))
			continue
		}
		per := len(p.Runs) / len(p.Seeds)
		for i, c := range p.Runs {
			if want := p.Seeds[i/per]; c.Seed != want {
				t.Errorf("%s: run %d (%s) has seed %d, want %d", p.ID, i, c.Name, c.Seed, want)
			}
			if c.Name != p.Runs[i%per].Name {
				t.Errorf("%s: run %d is %q, want %q as with the first seed", p.ID, i, c.Name, p.Runs[i%per].Name)
			}
		}
	}
}
