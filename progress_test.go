package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"rethink/experiments"
)

// feed sends a short run's events to v: start, steps, epochs, fit and end.
func feed(v *progressView) {
	v.handle(experiments.Started{Config: experiments.DefaultConfig(), Dir: "results/x", TotalSteps: 40, Params: 1000}, 1, 1)
	for s := 1; s <= 40; s++ {
		v.handle(experiments.StepProgress{Step: s, Epoch: 1 + s/20, TotalSteps: 40, Loss: 1, ImagesPerSec: 100, ETA: time.Second}, 1, 1)
		if s%20 == 0 {
			v.handle(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: s / 20, Step: s}}, 1, 1)
			v.lastEpoch = time.Time{} // print every epoch line
		}
	}
	v.handle(experiments.Fitted{Step: 40, Epoch: 2, Threshold: 1}, 1, 1)
	v.handle(experiments.Finished{Summary: experiments.Summary{Status: experiments.StatusCancelled}, Err: errors.New("stopped")}, 1, 1)
}

// TestProgress_PipedOutputHasNoCarriageReturns: when stdout is a pipe (a log), progress comes as
// plain lines.
func TestProgress_PipedOutputHasNoCarriageReturns(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	v := newProgressView(w)
	if v.tty {
		t.Fatal("a pipe is taken for a terminal")
	}
	v.lastLine = time.Time{}
	feed(v)
	w.Close()
	out := <-got
	if strings.Contains(out, "\r") {
		t.Errorf("piped progress has carriage returns:\n%q", out)
	}
	for _, want := range []string{"[1/1]", "epoch   2", "fitted: 100.0%", "      cancelled\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("piped progress lacks %q:\n%s", want, out)
		}
	}
}

// TestProgress_TerminalDrawsABar: on a terminal the library's bar is drawn and rewritten in
// place, and the epoch lines still come whole.
func TestProgress_TerminalDrawsABar(t *testing.T) {
	var b bytes.Buffer
	v := &progressView{w: &b, tty: true}
	feed(v)
	out := b.String()
	if !strings.Contains(out, "\r") || !strings.Contains(out, "40/40") {
		t.Errorf("no bar drawn in place on a terminal:\n%q", out)
	}
	if !strings.Contains(out, "epoch   2  step     40") {
		t.Errorf("epoch line missing:\n%q", out)
	}
}
