package experiments

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// The worker tests start rethink workers as child processes of the test binary (a worker must
// be a process of its own to be killed): the binary re-executed with RETHINK_TEST_WORKER set
// becomes a worker (StartWorker, as rethink serve) on an ephemeral loopback port, prints its
// address and serves until its standard input closes, so that it never outlives the test.
const workerEnv = "RETHINK_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		srv, _, err := StartWorker(WorkerOptions{Listen: "127.0.0.1:0", Threads: 1, Version: os.Getenv(workerEnv + "_VERSION")})
		if err != nil {
			fmt.Println("ERROR", err)
			os.Exit(1)
		}
		fmt.Println("WORKER", strings.TrimPrefix(srv.Target(), "grpc://"))
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testWorker is a worker process started by startWorker.
type testWorker struct {
	Addr string
	cmd  *exec.Cmd
	once sync.Once
}

// Kill ends the worker at once (SIGKILL) and waits for it.
func (w *testWorker) Kill() {
	w.once.Do(func() {
		w.cmd.Process.Kill()
		w.cmd.Wait()
	})
}

// startWorker starts a worker process publishing version ("": this build's).
func startWorker(t *testing.T, version string) *testWorker {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"=1", workerEnv+"_VERSION="+version)
	cmd.Stderr = io.Discard
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &testWorker{cmd: cmd}
	t.Cleanup(func() { stdin.Close(); w.Kill() })
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "WORKER ") || strings.HasPrefix(line, "ERROR ") {
				got <- line
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-got:
		addr, ok := strings.CutPrefix(line, "WORKER ")
		if !ok {
			t.Fatalf("worker process: %s", line)
		}
		w.Addr = addr
	case <-time.After(60 * time.Second):
		t.Fatal("worker process did not start within 60 s")
	}
	return w
}

// sweepConfigs are four small runs of different kinds on the bars.
func sweepConfigs(epochs int) []Config {
	var runs []Config
	for i, mode := range []data.Mode{data.TrueLabels, data.RandomLabels, data.ShuffledPixels, data.Gaussian} {
		c := tinyConfig()
		c.Name = fmt.Sprintf("run %d %s", i, mode)
		c.Randomization = data.Randomization{Mode: mode}
		c.Epochs, c.Seed = epochs, uint64(10+i)
		runs = append(runs, c)
	}
	return runs
}

// inProcess runs the configs here and returns each one's metrics.csv (wall-clock columns zeroed).
func inProcess(t *testing.T, runs []Config, ds *data.Dataset) [][]Metrics {
	t.Helper()
	var out [][]Metrics
	root := t.TempDir()
	for _, c := range runs {
		sum, err := Run(context.Background(), c, Options{ResultsDir: root, Dataset: ds}, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, folderMetrics(t, sum.Dir))
	}
	return out
}

func folderMetrics(t *testing.T, dir string) []Metrics {
	t.Helper()
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rec.Metrics {
		rec.Metrics[i].Seconds, rec.Metrics[i].ImagesPerSec = 0, 0 // wall-clock, not science
	}
	return rec.Metrics
}

func sameMetrics(t *testing.T, name string, got, want []Metrics) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows of metrics, want %d", name, len(got), len(want))
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s, epoch %d: on the workers %+v\nin process          %+v", name, i+1, got[i], want[i])
		}
	}
}

func TestWorkers_SweepMatchesInProcess(t *testing.T) {
	a, b := startWorker(t, ""), startWorker(t, "")
	runs, ds := sweepConfigs(3), bars(64, 32, 7)
	want := inProcess(t, runs, ds)
	used := map[string]bool{}
	sums, err := RunOnWorkers(context.Background(), runs, Options{ResultsDir: t.TempDir(), Dataset: ds},
		[]string{a.Addr, b.Addr}, 1, func(e WorkerEvent) {
			if s, ok := e.Event.(Started); ok {
				used[e.Worker] = true
				if !strings.HasPrefix(s.Device, "/job:worker/") {
					t.Errorf("run %d started on device %q, want a worker's", e.Run, s.Device)
				}
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) != 2 {
		t.Errorf("runs went to %d workers, want both", len(used))
	}
	for i, s := range sums {
		if s.Status != StatusDone {
			t.Errorf("%s: status %q", s.Name, s.Status)
		}
		sameMetrics(t, runs[i].Name, folderMetrics(t, s.Dir), want[i])
	}
}

func TestWorkers_KilledWorkerRunMovesAndSweepCompletes(t *testing.T) {
	a, b := startWorker(t, ""), startWorker(t, "")
	workers := map[string]*testWorker{a.Addr: a, b.Addr: b}
	runs, ds := sweepConfigs(4), bars(64, 32, 8)
	want := inProcess(t, runs, ds)
	killed, moved := "", -1
	var notes []string
	// TensorFlow's client waits for a lost worker until the call's timeout: a short one here.
	sums, err := RunOnWorkers(context.Background(), runs, Options{ResultsDir: t.TempDir(), Dataset: ds, WorkerTimeout: 5 * time.Second},
		[]string{a.Addr, b.Addr}, 1, func(e WorkerEvent) {
			if e.Note != "" {
				notes = append(notes, e.Note)
			}
			// Kill the first worker that finishes a second epoch, before that epoch's checkpoint.
			if d, ok := e.Event.(EpochDone); ok && d.Metrics.Epoch == 2 && killed == "" {
				killed, moved = e.Worker, e.Run
				workers[e.Worker].Kill()
			}
			if s, ok := e.Event.(Started); ok && e.Run == moved && killed != "" {
				if e.Worker == killed {
					t.Errorf("run %d went back to the killed worker", e.Run)
				}
				if !s.Resumed || s.FirstStep == 0 {
					t.Errorf("moved run started again from step %d (resumed %v), want it resumed from its checkpoint", s.FirstStep, s.Resumed)
				}
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	if killed == "" {
		t.Fatal("no worker was killed: no run reached epoch 2")
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "worker lost") {
		t.Errorf("notes = %q, want one saying the worker was lost", notes)
	}
	for i, s := range sums {
		if s.Status != StatusDone {
			t.Errorf("%s: status %q", s.Name, s.Status)
		}
		sameMetrics(t, runs[i].Name, folderMetrics(t, s.Dir), want[i])
	}
	if entries, err := os.ReadDir(sums[moved].Dir + "/checkpoint"); err != nil || len(entries) != 2 {
		t.Errorf("moved run's checkpoint folder: %d files, %v; want one checkpoint (2 files)", len(entries), err)
	}
}

func TestWorkers_AbsentAndOtherVersionAreRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	absent := l.Addr().String()
	l.Close()
	other := startWorker(t, "rethink 0.0.0-test, TensorFlow 0.0")
	runs, ds := sweepConfigs(1)[:1], bars(32, 16, 9)

	_, err = RunOnWorkers(context.Background(), runs, Options{ResultsDir: t.TempDir(), Dataset: ds}, []string{absent, other.Addr}, 1, nil)
	if !errors.Is(err, tfgraph.ErrWorker) {
		t.Fatalf("only unusable workers: err = %v, want ErrWorker", err)
	}
	for _, want := range []string{"no worker at " + absent, "runs rethink 0.0.0-test, TensorFlow 0.0", VersionString()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	// With one good worker beside them, the others are noted and skipped.
	good := startWorker(t, "")
	var notes []string
	sums, err := RunOnWorkers(context.Background(), runs, Options{ResultsDir: t.TempDir(), Dataset: ds},
		[]string{absent, other.Addr, good.Addr}, 1, func(e WorkerEvent) {
			if e.Note != "" {
				notes = append(notes, e.Note)
			}
		})
	if err != nil || sums[0].Status != StatusDone {
		t.Fatalf("with one good worker: err = %v, status %q", err, sums[0].Status)
	}
	if len(notes) != 2 {
		t.Errorf("notes = %q, want one for the absent worker and one for the other version", notes)
	}
}

// TestWorkers_UnfinishedRunsHaveSummaries: the runs a cancel (or the loss of every worker)
// left in the queue came back as empty summaries, printed as a row with no name and 0.00%;
// each has its name, seed and a status.
func TestWorkers_UnfinishedRunsHaveSummaries(t *testing.T) {
	w := startWorker(t, "")
	runs, ds := sweepConfigs(2), bars(32, 16, 9) // 4 runs: 2 models x 2 p
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sums, err := RunOnWorkers(ctx, runs, Options{ResultsDir: t.TempDir(), Dataset: ds, WorkerTimeout: 5 * time.Second},
		[]string{w.Addr}, 1, func(e WorkerEvent) {
			if _, ok := e.Event.(Started); ok {
				cancel()
			}
		})
	if err == nil {
		t.Fatal("cancelled at the first start: no error")
	}
	if len(sums) != len(runs) {
		t.Fatalf("%d summaries, want %d", len(sums), len(runs))
	}
	for i, s := range sums {
		if s.Name != runs[i].Name || s.Seed != runs[i].Seed || s.Status == "" || s.Status == StatusDone {
			t.Errorf("summary %d: name %q, seed %d, status %q; want %q, %d and a status that is not done", i, s.Name, s.Seed, s.Status, runs[i].Name, runs[i].Seed)
		}
	}
}
