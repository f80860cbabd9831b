package experiments

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"rethink/tfgraph"
)

// workerTimeout bounds a worker's version check and device listing.
const workerTimeout = 10 * time.Second

// ErrNoWorker is wrapped by the error of RunOnWorkers when none of the workers given can be used;
// it also wraps each worker's reason (tfgraph.ErrWorker).
var ErrNoWorker = errors.New("experiments: no usable worker")

// WorkerEvent is an event of a run on a worker, or a note of the scheduler (then Event is nil
// and Note says what happened: a worker refused or lost, a run moved).
type WorkerEvent struct {
	Run    int    // index of the run in the list given to RunOnWorkers (-1 for notes about a worker)
	Worker string // host:port
	Event  Event
	Note   string
}

// ParseWorkers splits a comma-separated list of worker addresses host:port, dropping repeats.
func ParseWorkers(list string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Split(list, ",") {
		w = strings.TrimPrefix(strings.TrimSpace(w), "grpc://")
		if w == "" {
			continue
		}
		host, port, err := net.SplitHostPort(w)
		if err != nil || host == "" {
			return nil, fmt.Errorf("experiments: worker %q: want host:port, e.g. 127.0.0.1:2222", w)
		}
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("experiments: worker %q: the port must be a number from 1 to 65535", w)
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("experiments: no worker given: want host:port,host:port")
	}
	return out, nil
}

// CheckWorkers asks every worker for its version at once and returns those that run this
// build's version (VersionString), in the order given, with the reasons of the others.
func CheckWorkers(workers []string) (live []string, refused []error) {
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = tfgraph.CheckWorker(w, VersionString(), workerTimeout)
		}()
	}
	wg.Wait()
	for i, w := range workers {
		if errs[i] != nil {
			refused = append(refused, errs[i])
		} else {
			live = append(live, w)
		}
	}
	return live, refused
}

// job is a run waiting for a worker: fresh, or to be continued in its folder.
type job struct {
	i      int
	cfg    Config
	resume string
}

// unfinishedSummary is the summary of a job the workers did not finish: what its folder holds
// when it started, else its name and seed with nothing done (cancelled when the whole was
// cancelled, failed when the workers were lost).
func unfinishedSummary(j job, cancelled bool) Summary {
	if j.resume != "" {
		if rec, err := ReadRun(j.resume); err == nil {
			rec.Summary.Dir = j.resume
			if rec.Summary.Name == "" {
				rec.Summary.Name, rec.Summary.Seed = rec.Config.Name, rec.Config.Seed
			}
			return rec.Summary
		}
	}
	st, why := StatusFailed, "not started: every worker was lost"
	if cancelled {
		st, why = StatusCancelled, "not started: cancelled"
	}
	return Summary{Name: j.cfg.Name, Seed: j.cfg.Seed, Status: st, Error: why, Dir: j.resume,
		BestTestStep: -1, FitStep: -1, ThresholdStep: -1, LossStep: -1}
}

// RunOnWorkers runs the configs on the workers, perWorker runs at a time on each (0: one), and
// returns their summaries in the order of runs. Workers that cannot be reached or run another
// version are refused at the start (a note says why) and the others carry the runs; with none
// left it fails before running anything. A worker lost during a run is dropped and its run
// continues from its last checkpoint, in the same folder, on a worker still alive (from the
// start if it had none yet). Run folders are made under opts.ResultsDir on this machine;
// opts.ResumeDir, when set, is the folder of the one run given (its Config is ignored).
//
// events, if not nil, receives every run's events and the scheduler's notes, one call at a
// time, from the goroutines that drive the runs: it must return quickly. The error, when not
// nil, names the runs that did not finish (failed, diverged, or left when every worker was
// lost: those can be continued with rethink run --resume DIR).
func RunOnWorkers(ctx context.Context, runs []Config, opts Options, workers []string, perWorker int, events func(WorkerEvent)) ([]Summary, error) {
	var emitMu sync.Mutex
	emit := func(e WorkerEvent) {
		if events != nil {
			emitMu.Lock()
			events(e)
			emitMu.Unlock()
		}
	}
	live, refused := CheckWorkers(workers)
	for _, err := range refused {
		emit(WorkerEvent{Run: -1, Note: "refused: " + err.Error()})
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrNoWorker, errors.Join(refused...))
	}
	if perWorker <= 0 {
		perWorker = 1
	}

	s := &schedule{sums: make([]Summary, len(runs)), errs: make([]error, len(runs)), lost: map[string]bool{}}
	s.cond = sync.NewCond(&s.mu)
	for i, c := range runs {
		s.queue = append(s.queue, job{i: i, cfg: c, resume: opts.ResumeDir})
	}
	stop := context.AfterFunc(ctx, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer stop()

	var wg sync.WaitGroup
	for _, w := range live {
		for range perWorker {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serve(ctx, w, opts, emit)
			}()
		}
	}
	wg.Wait()

	// Runs left in the queue (cancelled, or every worker lost) have no summary of their own: one
	// from their folder when they had started, else their name with no steps, never an empty row.
	for _, j := range s.queue {
		s.sums[j.i] = unfinishedSummary(j, ctx.Err() != nil)
	}
	if err := ctx.Err(); err != nil {
		return s.sums, err
	}
	var failed []error
	for _, j := range s.queue {
		failed = append(failed, fmt.Errorf("%q not finished: every worker was lost (continue it with rethink run --resume %s)", runs[j.i].Name, j.resume))
	}
	for i, err := range s.errs {
		if err != nil {
			failed = append(failed, fmt.Errorf("%q: %w", runs[i].Name, err))
		}
	}
	if len(failed) > 0 {
		return s.sums, fmt.Errorf("experiments: %d of %d runs did not finish: %w", len(failed), len(runs), errors.Join(failed...))
	}
	return s.sums, nil
}

// schedule is the shared state of RunOnWorkers: the queue, the runs under way and the results.
type schedule struct {
	mu       sync.Mutex
	cond     *sync.Cond
	queue    []job
	inflight int
	lost     map[string]bool
	sums     []Summary
	errs     []error
}

// serve is one slot of worker w: it takes runs from the queue until the queue is empty and no
// run under way can come back to it, or w is lost, or ctx ends.
func (s *schedule) serve(ctx context.Context, w string, opts Options, emit func(WorkerEvent)) {
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && s.inflight > 0 && !s.lost[w] && ctx.Err() == nil {
			s.cond.Wait()
		}
		if len(s.queue) == 0 || s.lost[w] || ctx.Err() != nil {
			s.mu.Unlock()
			return
		}
		j := s.queue[0]
		s.queue = s.queue[1:]
		s.inflight++
		s.mu.Unlock()

		sum, err, lostErr := runOn(ctx, j, w, opts, emit)

		s.mu.Lock()
		s.inflight--
		if lostErr != nil {
			s.lost[w] = true
			next := job{i: j.i, cfg: j.cfg}
			how := "from the start"
			if sum.Dir != "" {
				if _, serr := os.Stat(filepath.Join(sum.Dir, "state.json")); serr == nil {
					next.resume, how = sum.Dir, "from its last checkpoint in "+sum.Dir
				} else if j.resume == "" {
					os.RemoveAll(sum.Dir) // made by this run, no checkpoint yet: nothing to keep
				}
			}
			s.queue = append(s.queue, next)
			emit(WorkerEvent{Run: j.i, Worker: w, Note: fmt.Sprintf("worker lost (%v); the run continues %s on another worker", lostErr, how)})
		} else {
			s.sums[j.i], s.errs[j.i] = sum, err
		}
		s.cond.Broadcast()
		s.mu.Unlock()
		if lostErr != nil {
			return
		}
	}
}

// runOn runs one job on worker w. lost is not nil when the run failed because w cannot be
// reached any more (its version check fails after the error).
func runOn(ctx context.Context, j job, w string, opts Options, emit func(WorkerEvent)) (sum Summary, err, lost error) {
	o := opts
	o.Target, o.ResumeDir = tfgraph.TargetOf(w), j.resume
	out := make(chan Event, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range out {
			emit(WorkerEvent{Run: j.i, Worker: w, Event: e})
		}
	}()
	sum, err = Run(ctx, j.cfg, o, out)
	close(out)
	<-done
	if err == nil || ctx.Err() != nil || errors.Is(err, ErrDiverged) {
		return sum, err, nil
	}
	if cerr := tfgraph.CheckWorker(w, VersionString(), workerTimeout); cerr != nil {
		return sum, err, cerr
	}
	if strings.Contains(err.Error(), "Deadline Exceeded") {
		err = fmt.Errorf("%w (a call to the worker at %s outlasted the worker timeout, which a slow network or a large data set can need raised)", err, w)
	}
	return sum, err, nil
}

// WorkerInfo is what a worker that passed its version check offers.
type WorkerInfo struct {
	Addr    string // host:port
	Version string // as published, VersionString() of its build
	Devices []tfgraph.DeviceInfo
}

// GPU reports whether the worker offers a GPU (a run with device auto or gpu then trains on it).
func (w WorkerInfo) GPU() bool { return hasGPU(w.Devices) }

// ProbeWorker checks that a rethink worker of this build's version answers at addr and lists
// the devices it offers. Its errors wrap tfgraph.ErrWorker and say what is wrong in words a
// person can act on (nothing listens there, another version, not a rethink worker).
func ProbeWorker(addr string) (WorkerInfo, error) {
	if err := tfgraph.CheckWorker(addr, VersionString(), workerTimeout); err != nil {
		return WorkerInfo{Addr: addr}, err
	}
	devs, err := tfgraph.WorkerDevices(addr, workerTimeout)
	if err != nil {
		return WorkerInfo{Addr: addr}, fmt.Errorf("%w: %s: %v", tfgraph.ErrWorker, addr, err)
	}
	return WorkerInfo{Addr: addr, Version: VersionString(), Devices: devs}, nil
}
