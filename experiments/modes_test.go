package experiments

import (
	"context"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRunFolder_Modes: every file a run writes is 0644 and every folder 0755 (under the usual
// umask 022), whoever writes it: the atomic writes (CreateTemp makes 0600), TensorFlow's
// checkpoints and event files, the lock.
func TestRunFolder_Modes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	root := t.TempDir()
	cfg := tinyConfig()
	cfg.Epochs = 2
	if _, _, err := collect(t, context.Background(), cfg, Options{ResultsDir: root, Dataset: bars(64, 32, 1)}); err != nil {
		t.Fatal(err)
	}
	dirs, err := ListRuns(root)
	if err != nil || len(dirs) != 1 {
		t.Fatalf("run folders %v, %v", dirs, err)
	}
	files := 0
	filepath.WalkDir(dirs[0], func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			t.Error(err)
			return nil
		}
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want = 0o755
		} else {
			files++
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %#o, want %#o", path, got, want)
		}
		return nil
	})
	if files < 5 {
		t.Errorf("only %d files in the run folder", files)
	}
}
