package experiments

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

func TestConfig_JSONRoundTrip(t *testing.T) {
	c := DefaultConfig()
	c.Randomization = data.Randomization{Mode: data.PartialLabels, P: 0.3, PermuteValues: true}
	c.Model.Dropout = 0.25
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, back) {
		t.Errorf("round trip changed the config:\n%+v\n%+v", c, back)
	}
}

// TestReadConfig_ModelWithoutHiddenLayers: softmax regression (an MLP with no hidden layer, its
// empty "hidden" omitted) reads back as itself, not as the default's MLP 1x512: a resumed run
// must rebuild the network its checkpoint holds. A config without a model keeps the default.
func TestReadConfig_ModelWithoutHiddenLayers(t *testing.T) {
	dir := t.TempDir()
	c := DefaultConfig()
	c.Model = tfgraph.Architecture{Arch: tfgraph.MLP}
	path := filepath.Join(dir, "config.json")
	if err := WriteJSON(path, c); err != nil {
		t.Fatal(err)
	}
	back, err := ReadConfig(path)
	if err != nil || back.Model.String() != "Softmax regression" || len(back.Model.Hidden) != 0 {
		t.Errorf("read back: %s (hidden %v), %v", back.Model, back.Model.Hidden, err)
	}
	if err := os.WriteFile(path, []byte(`{"name":"x","epochs":3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if back, err = ReadConfig(path); err != nil || back.Model.String() != "MLP 1x512" || back.Epochs != 3 {
		t.Errorf("no model given: %s, epochs %d, %v; want the default MLP 1x512", back.Model, back.Epochs, err)
	}
}

func TestConfig_Set(t *testing.T) {
	c := DefaultConfig()
	for _, kv := range [][2]string{{"mode", "random labels"}, {"p", "0.5"}, {"model", "mlp"}, {"hidden", "512x3"}, {"epochs", "7"}, {"batch_norm", "true"}} {
		if err := c.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if c.Randomization.Mode != data.RandomLabels || c.Randomization.P != 0.5 || len(c.Model.Hidden) != 3 || c.Epochs != 7 || !c.Model.BatchNorm {
		t.Errorf("Set gave %+v", c)
	}
	for _, kv := range [][2]string{{"epochs", "many"}, {"colour", "red"}, {"mode", "sideways"}} {
		if err := c.Set(kv[0], kv[1]); err == nil {
			t.Errorf("Set(%q, %q) succeeded, want an error", kv[0], kv[1])
		}
	}
}

func TestMetricsCSV_RoundTrip(t *testing.T) {
	rows := []Metrics{{Epoch: 1, Step: 8, TrainLoss: 2.3, TrainAcc: 0.1, TestLoss: math.NaN(), TestAcc: 0.5, LearningRate: 0.01}}
	var buf bytes.Buffer
	path := t.TempDir() + "/m.csv"
	if err := WriteMetricsCSV(path, rows); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	buf.Write(b)
	back, err := ReadMetricsCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0].Step != 8 || back[0].TrainLoss != 2.3 || !math.IsNaN(back[0].TestLoss) {
		t.Errorf("round trip gave %+v", back)
	}
}

// overBudget lists the quick presets whose only measurement so far exceeds 3 minutes, and why
// they are kept quick: each is an open question for issue 11, not a permanent exception.
var overBudget = map[string]string{}

// onCIFAR10Only reports whether every run of p trains on CIFAR-10, which the machines the quick
// times come from do not have: such quick presets may say "not measured yet".
func onCIFAR10Only(p Preset) bool {
	for _, c := range p.Runs {
		if c.Dataset != "cifar10" {
			return false
		}
	}
	return true
}

// quickDataset is the data set a quick preset is written for: CIFAR-10 for the "-cifar10-quick"
// ones, the embedded MNIST for the others.
func quickDataset(p Preset) string {
	if strings.HasSuffix(p.ID, "-cifar10-quick") {
		return "cifar10"
	}
	return "mnist"
}

func TestPresets_AreValid(t *testing.T) {
	seen := map[string]bool{}
	groups := map[string]bool{}
	for _, p := range Presets() {
		if seen[p.ID] {
			t.Errorf("duplicate preset ID %q", p.ID)
		}
		seen[p.ID] = true
		groups[p.Group] = true
		if p.Tier != Quick && p.Tier != Medium && p.Tier != Paper {
			t.Errorf("%s: tier %q", p.ID, p.Tier)
		}
		if len(p.Runs) == 0 {
			t.Errorf("%s: no runs", p.ID)
		}
		if reason, ok := overBudget[p.ID]; ok {
			t.Logf("%s: over the 3-minute budget as measured: %s", p.ID, reason)
		} else if p.Tier == Quick && !onCIFAR10Only(p) {
			if secs := quickSeconds[p.ID]; secs <= 0 || secs > 180 {
				t.Errorf("%s: measured %d s; a quick preset must have a measured time of at most 3 minutes", p.ID, secs)
			}
		}
		if len(p.Paper) == 0 && p.PaperNote == "" {
			t.Errorf("%s: carries none of the paper's results", p.ID)
		}
		for _, c := range p.Runs {
			if err := c.Validate(); err != nil {
				t.Errorf("%s/%s: %v", p.ID, c.Name, err)
			}
			if want := quickDataset(p); p.Tier == Quick && c.Dataset != want {
				t.Errorf("%s: quick presets must run on %s, not %s", p.ID, want, c.Dataset)
			}
		}
	}
	for _, g := range []string{"Figure 1a", "Figure 1b", "Table 1", "Figure 2", "Filters"} {
		if !groups[g] {
			t.Errorf("no preset in group %q", g)
		}
	}
	if got, want := len(Presets()), 2*(4+19)+1+2; got != want {
		t.Errorf("%d presets, want %d (Figures 1a, 1b/c, 2b, filters and 19 Table 1 rows, two tiers each, Figure 1a with the MLP, Figures 1a and 1b/c quick on CIFAR-10)", got, want)
	}
	if _, err := PresetByID("nope"); err == nil {
		t.Error("PresetByID(nope) succeeded")
	}
}
