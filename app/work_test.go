package app

import (
	"context"
	"testing"

	"rethink/experiments"
)

// TestWork_ReleasesTheRunContext: once the runs of an experiment have ended, the context they
// ran under is cancelled (its CancelFunc called, not dropped).
func TestWork_ReleasesTheRunContext(t *testing.T) {
	var ran []context.Context
	c := &controller{run: func(ctx context.Context, cfg experiments.Config, _ experiments.Options, out chan<- experiments.Event) (experiments.Summary, error) {
		ran = append(ran, ctx)
		out <- experiments.Finished{Summary: experiments.Summary{Name: cfg.Name, Status: experiments.StatusDone}}
		return experiments.Summary{Name: cfg.Name, Status: experiments.StatusDone}, nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan experiments.Event, 16)
	c.work(ctx, cancel, []experiments.Config{{Name: "a"}, {Name: "b"}}, experiments.Options{}, events)
	n := 0
	for range events {
		n++
	}
	if len(ran) != 2 || n != 7 { // per run: runBegin, Finished, runEnd; then allDone
		t.Fatalf("%d runs and %d events, want 2 and 7", len(ran), n)
	}
	if err := ran[0].Err(); err != context.Canceled {
		t.Errorf("the runs' context after the experiment ended: Err() = %v, want context.Canceled", err)
	}
}
