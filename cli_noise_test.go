package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestCLI_NoLibraryNoiseAtStart builds bin/rethink and runs `presets` and a tiny `run` as a user
// would, with none of TensorFlow's variables set and the C locale: stderr must not carry
// TensorFlow's start-up banners (oneDNN, CPU features), which its libraries print as they load,
// nor Fyne's complaint about the C locale. What is left (Abseil's two lines, see the README) is
// printed by the test for the record.
func TestCLI_NoLibraryNoiseAtStart(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the pre-initializer that sets TensorFlow's environment is Linux-only")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with:", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "rethink")
	build := exec.Command(goBin, "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "tiny.json")
	os.WriteFile(cfg, []byte(`{"name":"tiny","train_size":100,"test_size":50,"model":{"arch":"mlp","hidden":[8]},"epochs":1,"batch":50,"device":"cpu","threads":1}`), 0o644)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "LANG", "LC_ALL":
			continue
		}
		env = append(env, kv)
	}
	noise := regexp.MustCompile(`oneDNN custom operations|cpu_feature_guard|Fyne error|Error parsing user locale`)
	for _, args := range [][]string{{"presets"}, {"run", "--config", cfg, "--out", filepath.Join(dir, "results")}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(env, "LANG=C")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("rethink %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			if noise.MatchString(line) {
				t.Errorf("rethink %s: library noise on stderr: %s", args[0], line)
			} else if line != "" {
				t.Logf("rethink %s: stderr: %.100s", args[0], line)
			}
		}
	}
}
