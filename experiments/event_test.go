package experiments

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSendFinished(t *testing.T) {
	const grace = 200 * time.Millisecond
	f := Finished{Summary: Summary{Name: "x", Status: StatusCancelled}, Err: context.Canceled}

	t.Run("waits for the reader while ctx is live", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out := make(chan Event)
		sent := make(chan bool, 1)
		go func() { sent <- sendFinished(ctx, out, f, grace) }()
		select {
		case <-sent:
			t.Fatal("gave up while ctx was live and the reader might still come")
		case <-time.After(3 * grace):
		}
		if got, ok := (<-out).(Finished); !ok || got.Summary.Name != "x" {
			t.Errorf("read %#v, want the Finished", got)
		}
		if !<-sent {
			t.Error("reported not taken, but it was read")
		}
		cancel()
	})
	t.Run("a reader that keeps reading gets it after a cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		out := make(chan Event)
		sent := make(chan bool, 1)
		go func() { sent <- sendFinished(ctx, out, f, grace) }()
		time.Sleep(grace / 4) // a slow reader, within the grace
		if _, ok := (<-out).(Finished); !ok {
			t.Error("no Finished")
		}
		if !<-sent {
			t.Error("reported not taken, but it was read")
		}
	})
	t.Run("gives up after a cancel when nobody reads", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start := time.Now()
		if sendFinished(ctx, make(chan Event), f, grace) {
			t.Error("reported taken, but nobody read")
		}
		if d := time.Since(start); d < grace || d > grace+5*time.Second {
			t.Errorf("gave up after %v, want the grace of %v", d, grace)
		}
	})
	if SendFinished(context.Background(), nil, f) {
		t.Error("a nil out reported taken")
	}
}

// TestRun_ReturnsWhenTheReaderIsGone: a caller that cancels the run and stops reading (without
// waiting for Finished) does not leave the run's goroutine blocked for ever.
func TestRun_ReturnsWhenTheReaderIsGone(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 50
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan Event) // unbuffered: every event needs the reader
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 1)}, out)
		done <- err
	}()
	for e := range out {
		if _, ok := e.(EpochDone); ok {
			cancel()
			break // the reader is gone
		}
	}
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run: err = %v, want context.Canceled", err)
		}
	case <-time.After(FinishedGrace + 60*time.Second):
		t.Fatal("Run still blocked a minute after its reader cancelled and left")
	}
}
