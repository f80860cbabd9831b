package app

import (
	"strings"
	"testing"

	"rethink/experiments"
)

// The history counts its runs in words a reader would say: "1 run", "2 runs".
func TestHistoryPanel_CountsRunsSingularAndPlural(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	cfg := experiments.DefaultConfig()
	for i, want := range []string{"1 run in ", "2 runs in "} {
		cfg.Name = []string{"first", "second"}[i]
		writeRecord(t, u.history.root, []string{"050000", "050100"}[i], cfg)
		u.reloadHistory()
		if got := u.history.status.Text(); !strings.HasPrefix(got, want) {
			t.Errorf("history of %d runs says %q, want it to start %q", i+1, got, want)
		}
	}
}
