package experiments

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps DESIGN.md's direction main -> app -> experiments/report ->
// experiments -> tfgraph: the engine must not depend on the GUI toolkit or the plotting
// backends (only experiments/report draws). The main package's own check is in ../deps_test.go.
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "rethink/experiments", "rethink/experiments/data", "rethink/tfgraph/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "gonum.org/v1/plot") || strings.HasPrefix(dep, "rethink/app") || dep == "rethink/experiments/report" {
			t.Errorf("experiments or tfgraph depends on %s", dep)
		}
	}
}
