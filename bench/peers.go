package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// peerScripts are the Python workers, next to this package's source (bench/peers).
var peerScripts = map[string]string{"keras": "keras_worker.py", "keras-onednn": "keras_worker.py", "pytorch": "torch_worker.py"}

// peersDir is where bench/setup-peers makes the virtual environments: $RETHINK_CACHE/peers, else
// $XDG_CACHE_HOME/rethink/peers, else ~/.cache/rethink/peers (the cache of scripts/setup).
func peersDir() string {
	if d := os.Getenv("RETHINK_CACHE"); d != "" {
		return filepath.Join(d, "peers")
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "rethink", "peers")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "rethink-peers")
	}
	return filepath.Join(home, ".cache", "rethink", "peers")
}

// scriptsDir finds bench/peers: beside the binary's source when run from the repository.
func scriptsDir() (string, error) {
	for _, d := range []string{"bench/peers", "peers"} {
		if _, err := os.Stat(filepath.Join(d, "common.py")); err == nil {
			return filepath.Abs(d)
		}
	}
	return "", fmt.Errorf("cannot find bench/peers/common.py: run the benchmark from the repository's root (make bench)")
}

// workerCommand is the command line of a worker of framework f, without the worker flags.
func workerCommand(f string) ([]string, error) {
	if f == "rethink" {
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		return []string{self, "worker"}, nil
	}
	script, ok := peerScripts[f]
	if !ok {
		return nil, fmt.Errorf("framework %q: want rethink, keras, keras-onednn or pytorch", f)
	}
	venv := map[string]string{"keras": "keras", "keras-onednn": "keras", "pytorch": "torch"}[f]
	python := filepath.Join(peersDir(), venv, "bin", "python")
	if _, err := os.Stat(python); err != nil {
		return nil, fmt.Errorf("%s is not installed (%s missing): run bench/setup-peers, or leave it out with -frameworks", f, python)
	}
	dir, err := scriptsDir()
	if err != nil {
		return nil, err
	}
	return []string{python, filepath.Join(dir, script)}, nil
}

// workerEnv is the environment of a worker of framework f: this process's, quiet, and with
// TensorFlow's oneDNN kernels as each framework has them by default. rethink turns them on (see
// tfgraph/env.go) unless TF_ENABLE_ONEDNN_OPTS is set; Keras runs with
// TensorFlow's default (off on CPUs without AVX-512), and keras-onednn with them on.
func workerEnv(f string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_ENABLE_ONEDNN_OPTS=") || f == "rethink" {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CPP_MIN_LOG_LEVEL=2", "PYTHONUNBUFFERED=1")
	switch f {
	case "rethink":
		if _, set := os.LookupEnv("TF_ENABLE_ONEDNN_OPTS"); !set {
			env = append(env, "TF_ENABLE_ONEDNN_OPTS=1")
		}
	case "keras-onednn":
		env = append(env, "TF_ENABLE_ONEDNN_OPTS=1")
	}
	return env
}

// runWorkerProcess runs one worker to its end and returns its JSON lines. A worker that fails
// returns an error with the end of what it wrote to stderr.
func runWorkerProcess(ctx context.Context, f string, w workerFlags) ([]map[string]any, error) {
	argv, err := workerCommand(f)
	if err != nil {
		return nil, err
	}
	args := w.args()
	if f == "rethink" && w.device != "" {
		args = append(args, "--device", w.device)
	}
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], args...)...)
	cmd.Env = workerEnv(f)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var v map[string]any
		if json.Unmarshal([]byte(line), &v) == nil {
			lines = append(lines, v)
		}
	}
	if err != nil {
		tail := stderr.String()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return nil, fmt.Errorf("%s worker (%s %s): %w\n%s", f, w.mode, w.model, err, tail)
	}
	return lines, nil
}
