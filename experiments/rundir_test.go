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
