package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestHeadlessWithoutFyne keeps the headless commands free of the GUI toolkit: a binary that
// links Fyne prints "Error parsing user locale C" from Fyne's init functions before main runs.
func TestHeadlessWithoutFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "rethink", "rethink/experiments/...", "rethink/tfgraph/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list -deps gave %d packages: %q", len(deps), out)
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "fyne.io/") || dep == "rethink/app" {
			t.Errorf("bin/rethink, experiments or tfgraph depends on %s", dep)
		}
	}
}
