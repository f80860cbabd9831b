package experiments

import (
	"context"

	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rethink/experiments/data"
)

// TestReadRun_StatusFromDisk: a run in progress reads as running, the same folder after its
// process is gone without a summary (or with a summary that still says running) as killed, never
// as done.
func TestReadRun_StatusFromDisk(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 3
	pause := &Pause{}
	pause.Set(true)
	out := make(chan Event, 64)
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(32, 8, 1), Pause: pause}, out)
		done <- err
	}()
	var dir string
	for dir == "" {
		select {
		case e := <-out:
			if s, ok := e.(Started); ok {
				dir = s.Dir
			}
		case <-time.After(60 * time.Second):
			t.Fatal("no Started event in 60 s")
		}
	}
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Summary.Status != StatusRunning {
		t.Errorf("paused run in progress reads as %q, want %q", rec.Summary.Status, StatusRunning)
	}
	pause.Set(false)
	go func() {
		for range out {
		}
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	close(out)
	if rec, _ := ReadRun(dir); rec.Summary.Status != StatusDone {
		t.Errorf("finished run reads as %q, want %q", rec.Summary.Status, StatusDone)
	}

	// As a kill before the first epoch leaves it: no summary.json.
	if err := os.Remove(filepath.Join(dir, "summary.json")); err != nil {
		t.Fatal(err)
	}
	if rec, _ := ReadRun(dir); rec.Summary.Status != StatusKilled {
		t.Errorf("run without summary.json and no process reads as %q, want %q", rec.Summary.Status, StatusKilled)
	}
	// As a kill after an epoch leaves it: a summary that says running.
	if err := WriteJSON(filepath.Join(dir, "summary.json"), Summary{Name: "tiny", Status: StatusRunning, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	if rec, _ := ReadRun(dir); rec.Summary.Status != StatusKilled || rec.Summary.Epochs != 1 {
		t.Errorf("run whose summary says running, with no process, reads as %q (epochs %d), want %q", rec.Summary.Status, rec.Summary.Epochs, StatusKilled)
	}
}

// TestRun_FailedStartLeavesNoFolder: a start that fails after validation (here, data the
// graph cannot take, an image size larger than the images, and an empty test split) leaves no
// run folder behind.
func TestRun_FailedStartLeavesNoFolder(t *testing.T) {
	empty := bars(16, 4, 1)
	empty.Test = data.Set{H: 8, W: 8, C: 1}
	for _, tc := range []struct {
		name string
		set  func(*Config)
		ds   *data.Dataset
		want string
	}{
		{"image size larger than the images", func(c *Config) { c.ImageSize = 56 }, bars(16, 4, 1), "larger than"},
		{"empty test split", func(c *Config) {}, empty, "test split"},
		{"missing data folder", func(c *Config) { c.Dataset, c.DataDir = "cifar10", filepath.Join(t.TempDir(), "nothing") }, nil, "cifar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinyConfig()
			tc.set(&cfg)
			root := t.TempDir()
			_, sum, err := collect(t, context.Background(), cfg, Options{ResultsDir: root, Dataset: tc.ds})
			if err == nil || sum.Status != StatusFailed {
				t.Fatalf("err = %v, status %q; want a failure", err, sum.Status)
			}
			if !strings.Contains(strings.ToLower(err.Error()), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			entries, _ := os.ReadDir(root)
			if len(entries) != 0 {
				t.Errorf("failed start left %d entries in the results folder: %v", len(entries), entries[0].Name())
			}
		})
	}
}
