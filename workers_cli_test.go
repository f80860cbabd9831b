package main

import (
	"bytes"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that a process's output goroutines write while a test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCLI_CtrlCOnWorkers: Ctrl-C of a sweep on workers exited 1 and advised
// "rethink run --resume DIR" with a literal DIR; it exits 130, as in process, and names the
// folder of the checkpointed run with the workers to continue on.
func TestCLI_CtrlCOnWorkers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv := exec.Command(rethinkBin(t), "serve", "--listen", addr, "--threads", "1")
	srv.Env = setEnv()
	var srvOut lockedBuffer
	srv.Stdout, srv.Stderr = &srvOut, &srvOut
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(srvOut.String(), "serving until"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the worker did not start:\n%s", srvOut.String())
		}
	}
	out := filepath.Join(t.TempDir(), "sweep")
	_, stderr, code := interrupt(t, filepath.Join(out, "*", "state.json"), "sweep", "--p", "0", "--workers", addr,
		"--worker-timeout", "20s", "--set", "train_size=200", "--set", "test_size=100", "--set", "epochs=200",
		"--set", "stop_after_fit=-1", "--set", "threads=1", "--out", out)
	if code != 130 {
		t.Errorf("Ctrl-C on workers: exit %d, want 130\n%s", code, stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "*", "state.json"))
	if len(dirs) != 1 {
		t.Fatalf("%d checkpointed runs, want 1", len(dirs))
	}
	if want := "rethink run --resume " + filepath.Dir(dirs[0]) + " --workers " + addr; !strings.Contains(stderr, want) || strings.Contains(stderr, " DIR") {
		t.Errorf("Ctrl-C advice does not say %q:\n%s", want, stderr)
	}
}
