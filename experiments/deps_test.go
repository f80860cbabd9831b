package experiments

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps DESIGN.md's direction main -> app -> experiments -> tfgraph:
// the engine must not depend on the GUI toolkit or the plotting backends.
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "rethink/experiments/...", "rethink/tfgraph/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "gonum.org/v1/plot") || strings.HasPrefix(dep, "rethink/app") {
			t.Errorf("experiments or tfgraph depends on %s", dep)
		}
	}
}
