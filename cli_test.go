package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rethink/experiments"
)

// These tests build bin/rethink once and run it as a user would.

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// rethinkBin is bin/rethink built from this tree (once per test run).
func rethinkBin(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the pre-initializer that sets TensorFlow's environment and filters stderr is Linux-only")
	}
	buildOnce.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "rethink-cli-test"); buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "rethink")
		out, err := exec.Command(goBin, "build", "-tags", "migrated_fynedo", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// userEnv is the environment of a user who set none of TensorFlow's variables, in the C locale.
func userEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "LANG", "LC_ALL", "RETHINK_STDERR":
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "LANG=C"), extra...)
}

// setEnv is userEnv with TensorFlow's load-time variables set (tfgraph.LoadEnv), so that
// rethink starts without restarting itself.
func setEnv() []string { return userEnv("TF_CPP_MIN_LOG_LEVEL=2", "TF_ENABLE_ONEDNN_OPTS=1") }

// tinyConfig writes a config of a run of a few seconds on 300 MNIST images.
func tinyConfig(t *testing.T, dir string, extra string) string {
	t.Helper()
	path := filepath.Join(dir, "tiny.json")
	// extra (",key":value...) replaces the base's keys: a config file may not give a key twice.
	cfg := map[string]any{}
	base := `{"name":"tiny","train_size":300,"test_size":100,"model":{"arch":"mlp","hidden":[16]},"epochs":2,"batch":100,"device":"cpu","threads":1}`
	if err := json.Unmarshal([]byte(base), &cfg); err != nil {
		t.Fatal(err)
	}
	if extra != "" {
		if err := json.Unmarshal([]byte("{"+strings.TrimPrefix(extra, ",")+"}"), &cfg); err != nil {
			t.Fatalf("extra %q: %v", extra, err)
		}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs bin/rethink with args and env and returns its stdout, stderr and exit code.
func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(rethinkBin(t), args...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("rethink %s: %v", strings.Join(args, " "), err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

// noise is every library line a user must not see: TensorFlow's start-up banners, Fyne's
// complaint about the C locale, Abseil's note and the MLIR line.
var noise = regexp.MustCompile(`oneDNN custom operations|cpu_feature_guard|Fyne error|Error parsing user locale|absl::InitializeLog|MLIR V1 optimization pass`)

// TestCLI_StderrHasNoLibraryNoise runs `presets` and a tiny `run` with none of TensorFlow's
// variables set and the C locale: stderr has nothing at all, and the piped stdout has no
// carriage returns.
func TestCLI_StderrHasNoLibraryNoise(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(t, dir, "")
	for _, args := range [][]string{{"presets"}, {"run", "--config", cfg, "--out", filepath.Join(dir, "results")}} {
		stdout, stderr, code := runCLI(t, userEnv(), args...)
		if code != 0 {
			t.Fatalf("rethink %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
		for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
			if noise.MatchString(line) {
				t.Errorf("rethink %s: library noise on stderr: %s", args[0], line)
			} else if line != "" {
				t.Errorf("rethink %s: unexpected stderr line: %s", args[0], line)
			}
		}
		if strings.Contains(stdout, "\r") {
			t.Errorf("rethink %s: piped stdout has carriage returns: %q", args[0], stdout)
		}
	}
}

// TestCLI_StderrKeepsRealLines: the filter passes TensorFlow's own lines (asked for with
// TF_CPP_MIN_LOG_LEVEL=0, less the noise), rethink's errors, and Go's report of a process that
// dies without exiting (SIGQUIT), which the filter must still pass on after the death.
func TestCLI_StderrKeepsRealLines(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(t, dir, "")
	_, stderr, code := runCLI(t, userEnv("TF_CPP_MIN_LOG_LEVEL=0"), "run", "--config", cfg, "--out", filepath.Join(dir, "results"))
	if code != 0 || !strings.Contains(stderr, "tensorflow/core/util/port.cc") {
		t.Errorf("TensorFlow's own lines (TF_CPP_MIN_LOG_LEVEL=0) did not pass (exit %d):\n%s", code, stderr)
	}
	if strings.Contains(stderr, "absl::InitializeLog") || strings.Contains(stderr, "MLIR V1") {
		t.Errorf("noise passed with TF_CPP_MIN_LOG_LEVEL=0:\n%s", stderr)
	}
	_, stderr, code = runCLI(t, userEnv(), "run", "--config", filepath.Join(dir, "missing.json"))
	if code != 1 || !strings.Contains(stderr, "rethink: open "+filepath.Join(dir, "missing.json")) {
		t.Errorf("an error of rethink's own: exit %d, stderr %q", code, stderr)
	}

	long := tinyConfig(t, dir, `,"epochs":1000`)
	cmd := exec.Command(rethinkBin(t), "run", "--config", long, "--out", filepath.Join(dir, "long"))
	cmd.Env = userEnv()
	var e bytes.Buffer
	cmd.Stderr = &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, filepath.Join(dir, "long", "*", "metrics.csv"))
	cmd.Process.Signal(syscall.SIGQUIT)
	cmd.Wait()
	if out := e.String(); !strings.Contains(out, "SIGQUIT: quit") || !strings.Contains(out, "goroutine ") {
		t.Errorf("Go's report of a SIGQUIT did not reach stderr:\n%.2000s", out)
	}
}

// waitFor waits until a file matches the glob pattern (at most a minute).
func waitFor(t *testing.T, pattern string) string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return m[0]
		}
	}
	t.Fatalf("no %s after a minute", pattern)
	return ""
}

// interrupt starts bin/rethink with args, sends it SIGINT once a file matches pattern, and
// returns its stdout, stderr and exit code.
func interrupt(t *testing.T, pattern string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(rethinkBin(t), args...)
	cmd.Env = setEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, pattern)
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

// TestCLI_CtrlCResumesASweepAsAWhole: Ctrl-C in the first run of a sweep exits 130 and names
// the real folder to resume; run --resume on it finishes that run from its checkpoint, starts
// the runs never started, prints the summary of all and writes the report; a second resume
// has nothing to train and says so.
func TestCLI_CtrlCResumesASweepAsAWhole(t *testing.T) {
	out := filepath.Join(t.TempDir(), "my sweep")
	_, stderr, code := interrupt(t, filepath.Join(out, "*", "state.json"), "sweep", "--p", "0,1",
		"--set", "train_size=200", "--set", "test_size=100", "--set", "epochs=200", "--set", "stop_after_fit=-1", "--set", "threads=1", "--out", out)
	if code != 130 {
		t.Errorf("Ctrl-C: exit %d, want 130\n%s", code, stderr)
	}
	if want := "rethink run --resume '" + out + "'"; !strings.Contains(stderr, want) || strings.Contains(stderr, " DIR") {
		t.Errorf("Ctrl-C advice does not name the folder (%s):\n%s", want, stderr)
	}
	plan, err := experiments.ReadPlan(out)
	if err != nil || len(plan.Runs) != 2 || plan.Runs[0].Dir == "" || plan.Runs[1].Dir != "" {
		t.Fatalf("plan.json after the first run's checkpoint: %+v, %v", plan, err)
	}
	// Make the resumed runs short: the plan holds each run's config.
	for i := range plan.Runs {
		plan.Runs[i].Config.Epochs = 3
	}
	if err := experiments.WritePlan(out, plan); err != nil {
		t.Fatal(err)
	}
	first := plan.Runs[0].Dir
	stdout, stderr, code := runCLI(t, setEnv(), "run", "--resume", out)
	if code != 0 {
		t.Fatalf("run --resume %s: exit %d\n%s", out, code, stderr)
	}
	for _, want := range []string{"0 of 2 runs ended", "resumed at step", "[2/2] MLP 1x512, p=1", "run ", "test acc", "MLP 1x512, p=0 ", "report: "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("run --resume output lacks %q:\n%s", want, stdout)
		}
	}
	plan, err = experiments.ReadPlan(out)
	if err != nil || plan.Runs[0].Dir != first || plan.Runs[1].Dir == "" {
		t.Fatalf("plan.json after the resume: %+v, %v", plan, err)
	}
	for _, r := range plan.Runs {
		rec, err := experiments.ReadRun(filepath.Join(out, r.Dir))
		if err != nil || rec.Summary.Status != experiments.StatusDone {
			t.Errorf("run %s: %v, status %q, want done", r.Dir, err, rec.Summary.Status)
		}
	}
	if runs, _ := experiments.ListRuns(out); len(runs) != 2 {
		t.Errorf("%d run folders, want 2: %v", len(runs), runs)
	}
	if b, err := os.ReadFile(filepath.Join(out, "results.csv")); err != nil || strings.Count(string(b), "done") != 2 {
		t.Errorf("the report's results.csv does not show two done runs: %v\n%s", err, b)
	}
	stdout, _, code = runCLI(t, setEnv(), "run", "--resume", out)
	if code != 0 || !strings.Contains(stdout, "2 of 2 runs ended") || !strings.Contains(stdout, "MLP 1x512, p=1 ") {
		t.Errorf("resume of a finished sweep: exit %d\n%s", code, stdout)
	}
}

// TestCLI_CtrlCBeforeACheckpoint: nothing checkpointed, so no --resume advice; still 130.
func TestCLI_CtrlCBeforeACheckpoint(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(t, dir, `,"epochs":1000,"checkpoint_every":1000`)
	_, stderr, code := interrupt(t, filepath.Join(dir, "results", "*", "metrics.csv"), "run", "--config", cfg, "--out", filepath.Join(dir, "results"))
	if code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, stderr)
	}
	if strings.Contains(stderr, "--resume") || !strings.Contains(stderr, "nothing to resume") {
		t.Errorf("advice after Ctrl-C before any checkpoint:\n%s", stderr)
	}
}

// TestCLI_ResumeRunPrintsSummaryAndReport: run --resume of one run prints the final summary and
// refreshes the report of the --out folder the run is in.
func TestCLI_ResumeRunPrintsSummaryAndReport(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	cfg := tinyConfig(t, dir, `,"epochs":1000`)
	_, stderr, code := interrupt(t, filepath.Join(out, "*", "state.json"), "run", "--config", cfg, "--out", out)
	runDir := waitFor(t, filepath.Join(out, "*-tiny"))
	if code != 130 || !strings.Contains(stderr, "rethink run --resume "+runDir) {
		t.Fatalf("Ctrl-C: exit %d, advice:\n%s", code, stderr)
	}
	// Shorten the run so that the resume ends soon.
	c, err := experiments.ReadConfig(filepath.Join(runDir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	c.Epochs = 3
	if err := experiments.WriteJSON(filepath.Join(runDir, "config.json"), c); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, setEnv(), "run", "--resume", runDir)
	if code != 0 {
		t.Fatalf("run --resume: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "train acc") || !strings.Contains(stdout, "\ntiny ") || !strings.Contains(stdout, "report: ") {
		t.Errorf("run --resume prints no summary or report line:\n%s", stdout)
	}
	if b, err := os.ReadFile(filepath.Join(out, "results.csv")); err != nil || !strings.Contains(string(b), "done") {
		t.Errorf("the --out report was not refreshed: %v\n%s", err, b)
	}
}

// TestCLI_ResumeReplacesARunKilledBeforeItsCheckpoint: a sweep killed after a run's first
// epoch but before its checkpoint left that run's folder (metrics, no checkpoint) beside the
// folder of the same run started again by run --resume, and the report merged the two into one
// row as two seeds, one of them killed. After the resume the plan's folders are the only run
// folders, and the report shows every run done.
func TestCLI_ResumeReplacesARunKilledBeforeItsCheckpoint(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	_, stderr, code := runCLI(t, setEnv(), "sweep", "--p", "0,1", "--set", "train_size=200", "--set", "test_size=100",
		"--set", "epochs=1", "--set", "hidden=16", "--set", "threads=1", "--out", out)
	if code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	plan, err := experiments.ReadPlan(out)
	if err != nil || len(plan.Runs) != 2 || plan.Runs[1].Dir == "" {
		t.Fatalf("plan.json: %+v, %v", plan, err)
	}
	// The second run as a kill between its first metrics row and its checkpoint leaves it.
	killed := filepath.Join(out, plan.Runs[1].Dir)
	for _, name := range []string{"state.json", "checkpoint", "summary.json"} {
		if err := os.RemoveAll(filepath.Join(killed, name)); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := runCLI(t, setEnv(), "run", "--resume", out)
	if code != 0 {
		t.Fatalf("run --resume: exit %d\n%s%s", code, stdout, stderr)
	}
	plan, err = experiments.ReadPlan(out)
	if err != nil || plan.Runs[1].Dir == "" || filepath.Join(out, plan.Runs[1].Dir) == killed {
		t.Fatalf("plan.json after the resume: %+v, %v", plan, err)
	}
	runs, err := experiments.ListRuns(out)
	if err != nil || len(runs) != 2 {
		t.Errorf("%d run folders after the resume (%v), want the plan's 2: %v", len(runs), err, runs)
	}
	b, err := os.ReadFile(filepath.Join(out, "results.csv"))
	if err != nil || strings.Count(string(b), ",done,") != 2 || strings.Contains(string(b), "killed") {
		t.Errorf("results.csv after the resume, want two done runs and none killed: %v\n%s", err, b)
	}
}
