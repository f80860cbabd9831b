package experiments

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A results folder that is a symbolic link looping onto itself, or leading nowhere, answers
// "exists" to every Mkdir under it: newRunDir must say so at once, not try names for ever
// (run --out on such a link spun a core without end).
func TestNewRunDir_BadRootLinkFails(t *testing.T) {
	tmp := t.TempDir()
	loop := filepath.Join(tmp, "loopA")
	if err := os.Symlink(filepath.Join(tmp, "loopB"), loop); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(loop, filepath.Join(tmp, "loopB")); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(tmp, "dangling")
	if err := os.Symlink(filepath.Join(tmp, "nowhere", "deeper"), dangling); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ root, want string }{
		{loop, "too many levels of symbolic links"},
		{dangling, "no such file"},
		{file, "not a directory"},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := newRunDir(c.root, "run")
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("newRunDir(%s) = %v, want an error saying %q", filepath.Base(c.root), err, c.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("newRunDir(%s) has not returned after 5 s", filepath.Base(c.root))
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "nowhere")); err == nil {
		t.Errorf("newRunDir made the dangling link's target's parent")
	}
}

// Two runs of one name in the same second get two folders.
func TestNewRunDir_SameSecondGetsSuffix(t *testing.T) {
	root := filepath.Join(t.TempDir(), "results")
	a, err := newRunDir(root, "Same Name")
	if err != nil {
		t.Fatal(err)
	}
	b, err := newRunDir(root, "Same Name")
	if err != nil {
		t.Fatal(err)
	}
	if a == b || filepath.Dir(a) != root || filepath.Dir(b) != root {
		t.Fatalf("folders %s and %s, want two under %s", a, b, root)
	}
}

// TestReadRun_NoSummaryMeansNoSteps: a run killed before it wrote summary.json read as fitted
// at step 0 (the report's "fitted at step" said 0 for it); its steps read as -1, never.
func TestReadRun_NoSummaryMeansNoSteps(t *testing.T) {
	dir := t.TempDir()
	if err := WriteJSON(filepath.Join(dir, "config.json"), tinyConfig()); err != nil {
		t.Fatal(err)
	}
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Summary
	if s.Status != StatusKilled || s.FitStep != -1 || s.ThresholdStep != -1 || s.LossStep != -1 || s.BestTestStep != -1 {
		t.Errorf("run without summary.json: status %q, fit step %d, threshold step %d, loss step %d, best test step %d; want killed and -1s",
			s.Status, s.FitStep, s.ThresholdStep, s.LossStep, s.BestTestStep)
	}
}

// TestReadRun_ConfigOfAnotherVersion: a config.json with a field this version lacks and
// without most of its own read as a run of no name, no model and no data set (an empty row of
// the report); missing settings read as their defaults, a missing name as the folder's.
func TestReadRun_ConfigOfAnotherVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "old-run")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"future_setting": 1, "epochs": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultConfig()
	c := rec.Config
	if c.Name != "old-run" || c.Epochs != 3 || c.Dataset != def.Dataset || c.Model.Arch != def.Model.Arch || c.Batch != def.Batch || c.Kind != KindSGD {
		t.Errorf("config read: name %q, epochs %d, data set %q, model %q, batch %d, kind %q; want the folder's name, 3 and the defaults",
			c.Name, c.Epochs, c.Dataset, c.Model.Arch, c.Batch, c.Kind)
	}
}
