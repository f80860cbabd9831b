package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"rethink/experiments"
)

// captureStdout runs f with os.Stdout going to a pipe and returns what it wrote.
func captureStdout(t *testing.T, f func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	ferr := f()
	os.Stdout = old
	w.Close()
	return <-done, ferr
}

func TestRunHelp_ListsEverySetting(t *testing.T) {
	out, err := captureStdout(t, func() error { return dispatch([]string{"run", "--help"}) })
	if err != nil {
		t.Fatalf("run --help: %v (want success, exit 0)", err)
	}
	for _, f := range experiments.Fields() {
		if !strings.Contains(out, "  "+f.Key) || !strings.Contains(out, f.Help) {
			t.Errorf("run --help lacks %s (%s)", f.Key, f.Help)
		}
	}
	if !strings.Contains(out, "-preset") {
		t.Error("run --help lacks its flags")
	}
}

func TestUsage_FromTheCommandTable(t *testing.T) {
	out, err := captureStdout(t, func() error { return dispatch([]string{"help"}) })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if listed := strings.Contains(out, "rethink "+c.name); listed == c.hidden {
			t.Errorf("command %q: listed %v, hidden %v", c.name, listed, c.hidden)
		}
	}
	if err := dispatch([]string{"frobnicate"}); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
	if err := dispatch([]string{"report"}); err == nil {
		t.Error("report without a folder succeeded")
	}
	if err := dispatch([]string{"presets", "extra"}); err == nil {
		t.Error("presets with an argument succeeded")
	}
}
