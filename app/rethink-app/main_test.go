package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	builtApp  string
	buildErr  error
)

// appBin is bin/rethink-app built from this tree, once per test run, in a folder the test
// binary removes when it ends.
func appBin(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the pre-initializer that sets the environment and filters stderr is Linux-only")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rethink-app-test")
		if err != nil {
			buildErr = err
			return
		}
		builtApp = filepath.Join(dir, "rethink-app")
		out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", builtApp, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			builtApp = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, builtApp)
	}
	return builtApp
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtApp != "" && buildErr == nil {
		os.RemoveAll(filepath.Dir(builtApp))
	}
	os.Exit(code)
}

// env is the test's environment without the variables the cases set, plus extra.
func env(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "RETHINK_STDERR":
			continue
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}

// A start of the app prints nothing but its real errors: TensorFlow's oneDNN notice as its
// library loads and Fyne's complaint about a C.UTF-8 locale, both from before main, do not
// show, whether TensorFlow's variables are set or not. (A bad argument ends the app before it
// opens a window, after TensorFlow and Fyne have initialized: no display is needed.)
func TestApp_StartPrintsOnlyRealErrors(t *testing.T) {
	bin := appBin(t)
	const want = "rethink: rethink-app takes no arguments"
	for _, tc := range [][]string{
		{"LANG=C.UTF-8"},
		{"LANG=C.UTF-8", "TF_CPP_MIN_LOG_LEVEL=2", "TF_ENABLE_ONEDNN_OPTS=1"},
		{"LC_ALL=C.UTF-8", "TF_CPP_MIN_LOG_LEVEL=2", "TF_ENABLE_ONEDNN_OPTS=1"},
		{"LANG=C"},
	} {
		cmd := exec.Command(bin, "--no-such-flag")
		cmd.Env = env(tc...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if _, ok := err.(*exec.ExitError); !ok || cmd.ProcessState.ExitCode() != 1 {
			t.Errorf("%v: got %v, want exit status 1", tc, err)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], want) {
			t.Errorf("%v: stderr\n%s\nwant the one line %q…", tc, stderr.String(), want)
		}
	}
}

func TestFyneLocale(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string
		bad  bool
	}{
		{[]string{"LANG=C.UTF-8"}, "LANG", true},
		{[]string{"LANG=POSIX.UTF-8"}, "LANG", true},
		{[]string{"LANG=C"}, "LANG", false},
		{[]string{"LANG=en_GB.UTF-8"}, "LANG", false},
		{[]string{"LC_ALL=C.UTF-8", "LANG=en_GB.UTF-8"}, "LC_ALL", true},
		{[]string{"LC_ALL=de_DE.UTF-8", "LANG=C.UTF-8"}, "LC_ALL", false},
		{[]string{"LC_MESSAGES=C.UTF-8"}, "LC_MESSAGES", true},
		{[]string{"LANG=C.UTF-8", "LANGUAGE=en"}, "", false},
		{nil, "", false},
	} {
		for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
			t.Setenv(k, "")
		}
		for _, kv := range tc.env {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		if v, bad := fyneLocale(); v != tc.want || bad != tc.bad {
			t.Errorf("%v: got %q %v, want %q %v", tc.env, v, bad, tc.want, tc.bad)
		}
	}
}
