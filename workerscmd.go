package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"rethink/experiments"
	"rethink/experiments/report"
)

// workerFlags are the flags of run and sweep that send the runs to workers (rethink serve).
type workerFlags struct {
	list    *string
	per     *int
	timeout *time.Duration
}

func addWorkerFlags(fs *flag.FlagSet) *workerFlags {
	return &workerFlags{
		list:    fs.String("workers", "", "run on these workers (rethink serve), host:port,host:port; results stay here"),
		per:     fs.Int("per-worker", 1, "runs at a time on each worker"),
		timeout: fs.Duration("worker-timeout", 0, "the longest one call to a worker may take, and so the time to notice a lost worker (0: 5m)"),
	}
}

// runAll runs the configs on the workers of --workers (the callers run them in this process
// when it is not given). With opts.ResumeDir set, runs is ignored: the folder's run continues.
func (wf *workerFlags) runAll(ctx context.Context, interrupted func() os.Signal, runs []experiments.Config, opts experiments.Options, p experiments.Preset) error {
	workers, err := experiments.ParseWorkers(*wf.list)
	if err != nil {
		return err
	}
	if opts.ResumeDir != "" {
		runs = []experiments.Config{{Name: opts.ResumeDir}}
	}
	opts.WorkerTimeout = *wf.timeout
	start := time.Now()
	n := len(runs)
	lastEpoch := map[int]time.Time{}
	sums, err := experiments.RunOnWorkers(ctx, runs, opts, workers, *wf.per, func(e experiments.WorkerEvent) {
		tag := fmt.Sprintf("[%d/%d %s @%s]", e.Run+1, n, runs[max(e.Run, 0)].Name, e.Worker)
		if e.Run < 0 {
			tag = "[workers]"
		}
		switch ev := e.Event.(type) {
		case nil:
			fmt.Printf("%s %s\n", tag, e.Note)
		case experiments.Started:
			how := "started"
			if ev.Resumed {
				how = fmt.Sprintf("resumed at step %d", ev.FirstStep)
			}
			fmt.Printf("%s %s on %s, %s parameters, %d train / %d test images\n      %s\n", tag, how, ev.Device, thousands(ev.Params), ev.TrainSize, ev.TestSize, ev.Dir)
		case experiments.EpochDone:
			if time.Since(lastEpoch[e.Run]) < time.Second {
				return
			}
			lastEpoch[e.Run] = time.Now()
			m := ev.Metrics
			fmt.Printf("%s epoch %d  step %d  train loss %.4f acc %.2f%%  test acc %.2f%%  %.0f img/s\n", tag, m.Epoch, m.Step, m.TrainLoss, 100*m.TrainAcc, 100*m.TestAcc, m.ImagesPerSec)
		case experiments.Finished:
			if ev.Err != nil {
				fmt.Printf("%s %s: %v\n", tag, ev.Summary.Status, ev.Err)
			} else {
				fmt.Printf("%s done in %.0fs\n", tag, ev.Summary.Seconds)
			}
		}
	})
	for _, s := range sums {
		if s.Dir != "" {
			if cerr := report.WriteRunCurves(s.Dir); cerr != nil {
				fmt.Fprintln(os.Stderr, "rethink: curves:", cerr)
			}
		}
	}
	printSummaries(sums, p)
	fmt.Printf("total wall time %s on %d worker(s)\n", time.Since(start).Round(time.Second), len(workers))
	if opts.ResultsDir != "" && opts.ResultsDir != experiments.DefaultResultsDir() {
		if files, rerr := report.Write(opts.ResultsDir); rerr == nil {
			fmt.Printf("report: %d files in %s (loss.png, accuracy.png, results.csv, ...)\n", len(files), opts.ResultsDir)
		}
	}
	if err != nil && ctx.Err() != nil {
		return workersInterrupted(interrupted(), sums, *wf.list)
	}
	return err
}

// workersInterrupted is the exit of runs on workers stopped by sig: 128 + the signal's number
// (130 for Ctrl-C), as in process, and the command to continue each run that was checkpointed,
// by its folder (sums are the runs' summaries; workers the --workers list).
func workersInterrupted(sig os.Signal, sums []experiments.Summary, workers string) error {
	what := "interrupted"
	if sig != nil {
		what = "stopped by " + sigName(sig)
	}
	var lines []string
	for _, s := range sums {
		if s.Dir != "" && s.Status != experiments.StatusDone && s.Status != experiments.StatusDiverged && experiments.HasCheckpoint(s.Dir) {
			lines = append(lines, fmt.Sprintf("  rethink run --resume %s --workers %s", shellQuote(s.Dir), shellQuote(workers)))
		}
	}
	msg := what + " before any run's first checkpoint: nothing to resume; start the same command again"
	if len(lines) > 0 {
		msg = fmt.Sprintf("%s; what was checkpointed is kept: continue each run with\n%s", what, strings.Join(lines, "\n"))
	}
	return &exitError{code: exitCodeOf(sig), msg: msg}
}

// splitHostPortLoose splits host:port, accepting a scheme prefix such as grpc://.
func splitHostPortLoose(addr string) (string, string, error) {
	if i := strings.Index(addr, "://"); i >= 0 {
		addr = addr[i+3:]
	}
	return net.SplitHostPort(addr)
}
