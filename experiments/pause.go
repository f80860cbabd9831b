package experiments

import (
	"context"
	"sync"
)

// Pause holds a run between steps while it is set. Its methods are safe from any goroutine; the
// zero value is not paused.
type Pause struct {
	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed when the pause ends
}

// Set pauses (true) or resumes (false) the run.
func (p *Pause) Set(paused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if paused == p.paused {
		return
	}
	p.paused = paused
	if paused {
		p.resume = make(chan struct{})
	} else {
		close(p.resume)
	}
}

// Paused reports whether the run is held.
func (p *Pause) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// wait blocks while paused, or until ctx is done.
func (p *Pause) wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	p.mu.Lock()
	ch, paused := p.resume, p.paused
	p.mu.Unlock()
	if !paused {
		return ctx.Err()
	}
	select {
	case <-ch:
		return ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}
