package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// exitError ends the program with its code after printing msg (prefixed "rethink: ") on
// stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// interruptContext is cancelled by the first SIGINT (Ctrl-C) or SIGTERM, so that the run stops
// between two steps and leaves its folder resumable; received tells which signal came (nil:
// none). A second signal ends the program at once, with 128 + its number. stop releases the
// signals.
func interruptContext() (ctx context.Context, received func() os.Signal, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var mu sync.Mutex
	var first os.Signal
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-ch:
				mu.Lock()
				again := first != nil
				if !again {
					first = sig
				}
				mu.Unlock()
				if again {
					fmt.Fprintf(os.Stderr, "\nrethink: %s again: stopping at once\n", sigName(sig))
					exit(exitCodeOf(sig))
				}
				fmt.Fprintf(os.Stderr, "\nrethink: %s: stopping after the current step (again to stop at once)\n", sigName(sig))
				cancel()
			case <-quit:
				return
			}
		}
	}()
	received = func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return first
	}
	return ctx, received, func() {
		signal.Stop(ch)
		close(quit)
		cancel()
	}
}

// sigName is how a person calls sig.
func sigName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "Ctrl-C (SIGINT)"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// exitCodeOf is the shell's exit status of a program ended by sig: 128 + its number (130 for
// Ctrl-C); 1 for no signal.
func exitCodeOf(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}
