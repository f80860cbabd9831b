package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI_RunPresetDeparturesFollowSet: `run --preset` prints the departures after the --set
// overrides, so a preset written for the embedded MNIST run on Fashion-MNIST says so. The
// Fashion-MNIST folder is empty: the run fails at once, after the text is printed.
func TestCLI_RunPresetDeparturesFollowSet(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := runCLI(t, setEnv(), "run", "--preset", "table1-mlp1-quick",
		"--set", "dataset=fashion-mnist", "--set", "data_dir="+dir, "--set", "epochs=7", "--out", filepath.Join(dir, "results"))
	if code == 0 {
		t.Fatalf("a run on an empty Fashion-MNIST folder succeeded:\n%s", stdout)
	}
	line := ""
	for _, l := range strings.Split(stdout, "\n") {
		if strings.Contains(l, "departs from the paper:") {
			line = l
		}
	}
	for _, want := range []string{"Fashion-MNIST (from " + dir + ") instead of CIFAR-10", "at most 7 epochs", "seeds 1, 2 and 3"} {
		if !strings.Contains(line, want) {
			t.Errorf("departures line lacks %q: %q\nstderr: %s", want, line, stderr)
		}
	}
	if strings.Contains(line, "MNIST (embedded)") {
		t.Errorf("departures still say the embedded MNIST after --set dataset=fashion-mnist: %q", line)
	}
}
