package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rethink/experiments"
)

// smallDisk mounts a tmpfs of size (such as "64k") on a new folder and returns it; the test is
// skipped, saying why, where mounting is not allowed (it needs root).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a %s tmpfs to fill (needs root): %v %s; report.TestWrite_FailureKeepsEarlierFiles covers a failed write by injection", size, err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// fill writes a file into dir until its disk is full.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			return
		}
	}
}

// tempFiles lists the temporary files left under dir.
func tempFiles(dir string) []string {
	var left []string
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(path), ".tmp") {
			left = append(left, path)
		}
		return nil
	})
	return left
}

// TestCLI_RunOnAFullDisk: a run whose checkpoint does not fit exits 1 with one clear message
// (without TensorFlow's OOM hint), and leaves no temporary file.
func TestCLI_RunOnAFullDisk(t *testing.T) {
	disk := smallDisk(t, "64k")
	cfg := tinyConfig(t, t.TempDir(), "")
	out := filepath.Join(disk, "results")
	stdout, stderr, code := runCLI(t, setEnv(), "run", "--config", cfg, "--out", out)
	if code != 1 || !strings.Contains(stderr, "rethink: ") || !strings.Contains(strings.ToLower(stderr), "no space left on device") {
		t.Errorf("run on a full disk: exit %d, want 1 and a message saying so; stderr:\n%s", code, stderr)
	}
	if strings.Contains(stdout+stderr, "Hint:") {
		t.Errorf("TensorFlow's OOM hint shown for a full disk:\n%s\n%s", stdout, stderr)
	}
	if n := strings.Count(stdout+stderr, "No space left on device"); n > 1 {
		t.Errorf("the error is printed %d times:\n%s\n%s", n, stdout, stderr)
	}
	if left := tempFiles(out); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCLI_ReportOnAFullDisk: `rethink report` on a full disk exits non-zero with a clear message,
// and the report written before stays whole.
func TestCLI_ReportOnAFullDisk(t *testing.T) {
	disk := smallDisk(t, "1m")
	out := filepath.Join(disk, "results")
	for i, p := range []float64{0, 1} {
		dir := filepath.Join(out, []string{"a", "b"}[i])
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		c := experiments.DefaultConfig()
		c.Name = dir
		c.Randomization.P = p
		var rows []experiments.Metrics
		for e := 1; e <= 20; e++ {
			rows = append(rows, experiments.Metrics{Epoch: e, Step: 10 * e, TrainLoss: 2 / float64(e), TrainAcc: float64(e) / 20, TestAcc: 0.5})
		}
		for _, err := range []error{experiments.WriteJSON(filepath.Join(dir, "config.json"), c),
			experiments.WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), rows),
			experiments.WriteJSON(filepath.Join(dir, "summary.json"), experiments.Summary{Name: c.Name, Status: experiments.StatusDone, FitStep: 200, Epochs: 20})} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, stderr, code := runCLI(t, setEnv(), "report", out); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	before := map[string][]byte{}
	for _, f := range []string{"loss.png", "accuracy.svg", "results.csv", "metrics.csv", "results.png"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
	}
	os.Remove(filepath.Join(out, "results.png")) // the next report must write it again, onto a full disk
	fill(t, disk)
	_, stderr, code := runCLI(t, setEnv(), "report", out)
	if code == 0 || !strings.Contains(strings.ToLower(stderr), "no space left on device") {
		t.Errorf("report on a full disk: exit %d, want non-zero and a message saying so; stderr:\n%s", code, stderr)
	}
	for f, b := range before {
		if f == "results.png" {
			continue
		}
		if now, err := os.ReadFile(filepath.Join(out, f)); err != nil || !bytes.Equal(now, b) {
			t.Errorf("%s changed or is gone after a failed report (%v)", f, err)
		}
	}
	if left := tempFiles(out); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
