package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// After the Filters preset, `rethink run` writes each run's measure of its last filters (the
// share of their energy in the images' leading patch components, beside a random filter's),
// as the app writes it under each mosaic.
func TestRun_FiltersPresetPrintsThePatchShare(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results")
	stdout, stderr, code := runCLI(t, setEnv(), "run", "--preset", "filters-quick", "--set", "epochs=1",
		"--set", "train_size=64", "--set", "test_size=32", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	_, block, ok := strings.Cut(stdout, "first-layer filters at the end: share of their energy in the images' 3 leading patch components\n")
	if !ok {
		t.Fatalf("no filter shares after the Filters preset:\n%s", stdout)
	}
	line := regexp.MustCompile(`(?m)^  (true|random) labels \(seed 1, epoch 1\): \d+\.\d% \(random filters \d+\.\d%\)$`)
	if got := line.FindAllString(block, -1); len(got) != 2 {
		t.Errorf("want a share line for each of the two runs, got %q in\n%s", got, block)
	}
}
