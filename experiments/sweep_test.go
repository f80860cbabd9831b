package experiments

import (
	"testing"

	"rethink/experiments/data"
)

func TestSweep(t *testing.T) {
	runs, err := Sweep(DefaultConfig(), []string{"mlp", "alexnet"}, "0, 0.5,1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(runs), 6; got != want {
		t.Fatalf("%d runs, want %d", got, want)
	}
	if r := runs[4]; r.Model.Arch != "alexnet" || r.Randomization.Mode != data.PartialLabels || r.Randomization.P != 0.5 || r.LearningRate != 0.01 {
		t.Errorf("run 5 = %+v", r)
	}
	for _, bad := range []struct{ models, ps string }{{"resnet", "0"}, {"mlp", "1.5"}, {"mlp", "x"}} {
		if _, err := Sweep(DefaultConfig(), []string{bad.models}, bad.ps); err == nil {
			t.Errorf("Sweep(%s, %s) succeeded", bad.models, bad.ps)
		}
	}
}

// TestSweep_NamesAreDistinct: probabilities that round alike keep distinct names.
func TestSweep_NamesAreDistinct(t *testing.T) {
	runs, err := Sweep(DefaultConfig(), []string{"mlp"}, "0.2,0.25,0.21")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range runs {
		if seen[r.Name] {
			t.Errorf("two sweep runs named %q", r.Name)
		}
		seen[r.Name] = true
	}
}
