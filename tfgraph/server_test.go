package tfgraph

import (
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A started TensorFlow server cannot be stopped (see Server.Stop), so the tests of this
// package share one for the life of the test binary, on an ephemeral loopback port.
var (
	testServerOnce sync.Once
	testServer     *Server
	testServerErr  error
)

func sharedServer(t testing.TB) *Server {
	t.Helper()
	testServerOnce.Do(func() {
		s, err := NewServer(ServerOptions{Listen: "127.0.0.1:0", Threads: 2})
		if err == nil {
			err = s.Start()
		}
		testServer, testServerErr = s, err
	})
	if testServerErr != nil {
		t.Fatal(testServerErr)
	}
	return testServer
}

func TestServer_VersionHandshake(t *testing.T) {
	s := sharedServer(t)
	addr := strings.TrimPrefix(s.Target(), "grpc://")
	// A TensorFlow server that published nothing is not a rethink worker.
	if err := CheckWorker(addr, "rethink test", 10*time.Second); !errors.Is(err, ErrWorker) || !strings.Contains(err.Error(), "not a rethink worker") {
		t.Fatalf("server without a version: err = %v, want ErrWorker saying it is not a rethink worker", err)
	}
	if err := PublishVersion(s.Target(), "rethink test"); err != nil {
		t.Fatal(err)
	}
	if err := CheckWorker(addr, "rethink test", 10*time.Second); err != nil {
		t.Fatalf("same version refused: %v", err)
	}
	err := CheckWorker(addr, "rethink other", 10*time.Second)
	if !errors.Is(err, ErrWorker) || !strings.Contains(err.Error(), "rethink test") || !strings.Contains(err.Error(), "rethink other") {
		t.Fatalf("other version: err = %v, want ErrWorker naming both versions", err)
	}
	devs, err := WorkerDevices(s.Target(), 10*time.Second)
	if err != nil || len(devs) == 0 || !strings.HasPrefix(devs[0].Name, "/job:worker/replica:0/task:0/device:") {
		t.Fatalf("WorkerDevices = %v, %v; want the worker's devices", devs, err)
	}
}

func TestServer_AbsentWorkerFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	start := time.Now()
	_, err = WorkerVersion(addr, 5*time.Second)
	if !errors.Is(err, ErrWorker) || !strings.Contains(err.Error(), "no worker at "+addr) {
		t.Fatalf("absent worker: err = %v, want ErrWorker saying no worker at %s", err, addr)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("absent worker took %s to report, want well under the 5 s timeout", d)
	}
}

func TestServer_ListenAddress(t *testing.T) {
	for _, bad := range []string{"2222", ":2222", "127.0.0.1:99999", "127.0.0.1:x"} {
		if _, err := NewServer(ServerOptions{Listen: bad}); err == nil {
			t.Errorf("NewServer(%q) succeeded, want an error", bad)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:2222": true, "localhost:1": true, "[::1]:2": true, "0.0.0.0:2222": false, "10.0.0.2:2222": false} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

// trainRemoteOrLocal trains a small batch-norm Inception for a few steps in this process or on
// the shared server, saves a checkpoint in dir after two steps, and returns the losses.
func trainRemoteOrLocal(t *testing.T, target, dir string) []float64 {
	spec := smallSpec(Architecture{Arch: Inception, BatchNorm: true}, 64)
	spec.Batch, spec.Target = 16, target
	m := newModel(t, spec, noise(64, 12, 12, 1, 10, 1), noise(32, 12, 12, 1, 10, 2))
	if target != "" && m.Device() != "/job:worker/replica:0/task:0/device:CPU:0" {
		t.Errorf("remote model device = %q, want the worker's CPU", m.Device())
	}
	if err := m.SetLearningRate(0.1); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var losses []float64
	for i, b := range batches(64, 16, rng) {
		if i == 2 {
			if err := m.Save(filepath.Join(dir, "ckpt")); err != nil {
				t.Fatal(err)
			}
		}
		l, _, err := m.TrainStep(b)
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, l)
	}
	l, _, err := m.Evaluate(TestSplit)
	if err != nil {
		t.Fatal(err)
	}
	return append(losses, l)
}

func TestServer_RemoteModelMatchesLocal(t *testing.T) {
	s := sharedServer(t)
	localDir, remoteDir := t.TempDir(), t.TempDir()
	local := trainRemoteOrLocal(t, "", localDir)
	remote := trainRemoteOrLocal(t, s.Target(), remoteDir)
	for i := range local {
		if local[i] != remote[i] {
			t.Fatalf("loss %d on the worker differs from in process: %v vs %v", i, remote, local)
		}
	}
	// The remote model's checkpoint is on this machine and holds the same values.
	for _, f := range []string{"ckpt.index", "ckpt.data-00000-of-00001"} {
		a, err := os.ReadFile(filepath.Join(localDir, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(remoteDir, f))
		if err != nil {
			t.Fatalf("remote checkpoint not written here: %v", err)
		}
		if string(a) != string(b) {
			t.Errorf("%s of the remote model differs from the local one", f)
		}
	}
	// A remote model restores from a local checkpoint and goes on as the local one.
	spec := smallSpec(Architecture{Arch: Inception, BatchNorm: true}, 64)
	spec.Batch, spec.Target, spec.Seed = 16, s.Target(), 99
	m := newModel(t, spec, noise(64, 12, 12, 1, 10, 1), noise(32, 12, 12, 1, 10, 2))
	if err := m.Restore(filepath.Join(localDir, "ckpt")); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for i, b := range batches(64, 16, rng) {
		if i < 2 {
			continue
		}
		l, _, err := m.TrainStep(b)
		if err != nil {
			t.Fatal(err)
		}
		if l != local[i] {
			t.Fatalf("step %d after a remote restore: loss %v, want %v", i, l, local[i])
		}
	}
}

// TensorFlow binds its gRPC server to every interface; a server on a loopback address must not
// be reachable through this machine's other addresses (see loopback.c).
func TestServer_LoopbackOnly(t *testing.T) {
	s := sharedServer(t)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.Target(), "grpc://"))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", port), 5*time.Second); err != nil {
		t.Fatalf("server not reachable on 127.0.0.1: %v", err)
	} else {
		c.Close()
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	tried := 0
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		tried++
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(ipn.IP.String(), port), 2*time.Second); err == nil {
			c.Close()
			t.Errorf("server on a loopback address answers on %s", ipn.IP)
		}
	}
	if tried == 0 {
		t.Skip("this machine has no address besides loopback to try the server on")
	}
}
