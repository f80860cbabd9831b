package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"rethink/experiments"
	"rethink/experiments/report"
	"rethink/experiments/theory"
)

// batch is what one `run` or `sweep` command runs: its configs, one after the other, into the
// results folder out. A batch of more than one run records itself in out/plan.json, so that
// `rethink run --resume out` resumes it as a whole.
type batch struct {
	runs    []experiments.Config
	preset  experiments.Preset // zero when the runs are not a preset's
	out     string             // the results folder (--out)
	command string             // the command line, recorded in plan.json
}

// start runs a new batch: it writes plan.json for a batch of more than one run, runs every
// config, prints the summaries and refreshes the report of out.
func (b batch) start(ctx context.Context, interrupted func() os.Signal) error {
	if len(b.runs) <= 1 {
		return b.execute(ctx, interrupted, nil)
	}
	plan := &experiments.Plan{Preset: b.preset.ID, Command: b.command}
	for _, c := range b.runs {
		plan.Runs = append(plan.Runs, experiments.PlanRun{Config: c})
	}
	release, err := experiments.LockPlan(b.out)
	if errors.Is(err, experiments.ErrPlanBusy) {
		// Another process runs a plan in the same folder: run anyway, resumable run by run.
		fmt.Fprintf(os.Stderr, "rethink: warning: %v: these runs are not recorded in its %s, so they resume one run folder at a time (give each command its own --out to resume it as a whole)\n",
			err, experiments.PlanFile)
		return b.execute(ctx, interrupted, nil)
	} else if err != nil {
		return err
	}
	defer release()
	if old, err := experiments.ReadPlan(b.out); err == nil {
		if done, total := planProgress(b.out, old); done < total {
			fmt.Fprintf(os.Stderr, "rethink: warning: %s held an unfinished plan (%s: %d of %d runs ended); this command's plan replaces it, and each of its run folders can still be resumed with rethink run --resume RUNFOLDER\n",
				b.out, planName(old), done, total)
		}
	}
	if err := experiments.WritePlan(b.out, *plan); err != nil {
		return err
	}
	return b.execute(ctx, interrupted, plan)
}

// resumePlan continues the plan recorded in dir: ended runs are kept, a run with a checkpoint
// continues from it, the others start.
func resumePlan(ctx context.Context, dir string, interrupted func() os.Signal) error {
	release, err := experiments.LockPlan(dir)
	if err != nil {
		return err
	}
	defer release()
	plan, err := experiments.ReadPlan(dir)
	if err != nil {
		return err
	}
	b := batch{out: dir}
	for _, r := range plan.Runs {
		b.runs = append(b.runs, r.Config)
	}
	if plan.Preset != "" {
		b.preset, _ = experiments.PresetByID(plan.Preset)
	}
	done, total := planProgress(dir, plan)
	fmt.Printf("resuming %s in %s: %d of %d runs ended\n", planName(plan), dir, done, total)
	return b.execute(ctx, interrupted, &plan)
}

// planName says what made a plan: its preset, or its command.
func planName(p experiments.Plan) string {
	switch {
	case p.Preset != "":
		return "preset " + p.Preset
	case p.Command != "":
		return p.Command
	}
	return experiments.Count(len(p.Runs), "run")
}

// planProgress counts the runs of p (in dir) that ended.
func planProgress(dir string, p experiments.Plan) (ended, total int) {
	for _, r := range p.Runs {
		if st, _ := r.State(dir); st == experiments.PlanEnded {
			ended++
		}
	}
	return ended, len(p.Runs)
}

// execute runs the batch's runs in order; with a plan, it skips the runs that ended, resumes
// those with a checkpoint and records each new run folder in plan.json. Then it prints the
// summaries and refreshes the report of b.out. A cancel gives an exitError that says how to
// go on.
func (b batch) execute(ctx context.Context, interrupted func() os.Signal, plan *experiments.Plan) error {
	start := time.Now()
	var sums []experiments.Summary
	for i, c := range b.runs {
		opts := experiments.Options{ResultsDir: b.out}
		var onStart func(dir string)
		if plan != nil {
			pr := &plan.Runs[i]
			st, rec := pr.State(b.out)
			switch st {
			case experiments.PlanEnded:
				fmt.Printf("\n[%d/%d] %s: %s already\n", i+1, len(b.runs), c.Name, rec.Summary.Status)
				sums = append(sums, rec.Summary)
				continue
			case experiments.PlanResumable:
				opts.ResumeDir = filepath.Join(b.out, pr.Dir)
			default:
				old := ""
				// Only a folder inside the results folder, as the plan records them, is ever
				// removed: a plan.json edited to name another place is not trusted with that.
				if pr.Dir != "" && filepath.IsLocal(pr.Dir) {
					dropEmptyRun(filepath.Join(b.out, pr.Dir), rec)
					old = filepath.Join(b.out, pr.Dir)
				}
				onStart = func(dir string) {
					if rel, err := filepath.Rel(b.out, dir); err == nil {
						pr.Dir = rel
					} else {
						pr.Dir = dir
					}
					if err := experiments.WritePlan(b.out, *plan); err != nil {
						fmt.Fprintln(os.Stderr, "rethink: warning: the plan could not record the run's folder:", err)
						return
					}
					dropSupersededRun(old, dir)
				}
			}
		}
		s, dir, err := runOne(ctx, c, opts, i+1, len(b.runs), onStart)
		if errors.Is(err, context.Canceled) {
			return b.interruptedError(interrupted(), plan, dir)
		}
		if err != nil {
			return err
		}
		sums = append(sums, s)
	}
	printSummaries(sums, b.preset)
	writeTrends(os.Stdout, b.runs, sums)
	fmt.Printf("total wall time %s\n", time.Since(start).Round(time.Second))
	return refreshReport(b.out)
}

// dropEmptyRun removes the folder of a run that starts again, when it holds nothing a person
// could want (no metrics): it would only be an empty row of the report.
func dropEmptyRun(dir string, rec experiments.RunRecord) {
	// Only a folder read as a run (its config.json) is removed: a plan.json edited or damaged
	// to name another folder ("." or "../x"), or a run folder whose config.json cannot be read,
	// is left alone.
	if rec.Dir == "" || len(rec.Metrics) > 0 || rec.Summary.Status == experiments.StatusRunning {
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err != nil {
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "metrics.csv")); err == nil {
		return
	}
	os.RemoveAll(dir)
}

// dropSupersededRun removes old, the folder of a plan's run that was stopped before its first
// checkpoint, once the plan names now, the folder of the same run started again: left, it was
// a second row of the report (killed, its first epochs) merged with the new one as if a
// second seed. The new run, of the same config and seed, writes the same epochs again. A
// folder another process runs in is kept.
func dropSupersededRun(old, now string) {
	if old == "" || filepath.Clean(old) == filepath.Clean(now) {
		return
	}
	if _, err := os.Stat(old); err != nil {
		return
	}
	rec, err := experiments.ReadRun(old)
	if err != nil || rec.Summary.Status == experiments.StatusRunning || experiments.HasCheckpoint(old) {
		return
	}
	if err := os.RemoveAll(old); err != nil {
		fmt.Fprintf(os.Stderr, "rethink: warning: the folder of the run started again, %s, could not be removed: %v\n", old, err)
	}
}

// interruptedError is the exit of a batch stopped by sig: 128 + the signal's number, and
// advice to resume only when something was checkpointed. runDir is the folder of the run that
// was stopped ("" when it had none yet).
func (b batch) interruptedError(sig os.Signal, plan *experiments.Plan, runDir string) error {
	what := "interrupted"
	if sig != nil {
		what = "stopped by " + sigName(sig)
	}
	kept := false
	resumeDir := runDir
	if plan != nil {
		resumeDir = b.out
		for _, r := range plan.Runs {
			if st, _ := r.State(b.out); st != experiments.PlanUnstarted {
				kept = true
			}
		}
	} else if runDir != "" {
		kept = experiments.HasCheckpoint(runDir)
	}
	var msg string
	if kept {
		msg = fmt.Sprintf("%s; what was checkpointed is kept: continue with\n  rethink run --resume %s", what, shellQuote(resumeDir))
	} else {
		msg = what + " before the first checkpoint: nothing to resume; start the same command again"
		if runDir != "" {
			msg += fmt.Sprintf(" (the run's folder %s keeps its metrics so far)", runDir)
		}
	}
	return &exitError{code: exitCodeOf(sig), msg: msg}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+,:=@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// refreshReport writes the report of the results folder dir when it is a folder of its own
// (--out), not the shared default results folder, or when it already has a report.
func refreshReport(dir string) error {
	if !wantsReport(dir) {
		return nil
	}
	files, err := report.Write(dir)
	if err != nil {
		return fmt.Errorf("the runs ended, but their report in %s failed: %w", dir, err)
	}
	fmt.Printf("report: %d files in %s (loss.png, accuracy.png, results.csv, ...)\n", len(files), dir)
	return nil
}

// wantsReport reports whether the results folder dir gets a report after runs: it is not the
// default results folder, or it has one already.
func wantsReport(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "results.csv")); err == nil {
		return true
	}
	a, err1 := filepath.Abs(dir)
	d, err2 := filepath.Abs(experiments.DefaultResultsDir())
	return err1 != nil || err2 != nil || a != d
}

// resumeRun continues the single run in dir, prints its summary and refreshes the report of
// the results folder it is in.
func resumeRun(ctx context.Context, dir string, interrupted func() os.Signal) error {
	start := time.Now()
	sum, _, err := runOne(ctx, experiments.Config{}, experiments.Options{ResumeDir: dir}, 1, 1, nil)
	switch {
	case errors.Is(err, experiments.ErrFinished): // nothing trained, nothing written
		fmt.Println(strings.TrimPrefix(err.Error(), "experiments: "))
	case errors.Is(err, context.Canceled):
		return batch{}.interruptedError(interrupted(), nil, dir)
	case err != nil:
		return err
	}
	var p experiments.Preset
	if rec, rerr := experiments.ReadRun(dir); rerr == nil && rec.Config.Preset != "" {
		p, _ = experiments.PresetByID(rec.Config.Preset)
		p.Paper = nil
		if row := report.PaperRowOf(rec.Config); row != nil {
			p.Paper = []experiments.PaperRow{*row}
		}
	}
	printSummaries([]experiments.Summary{sum}, p)
	if err == nil {
		fmt.Printf("total wall time %s\n", time.Since(start).Round(time.Second))
		return refreshReport(filepath.Dir(filepath.Clean(dir)))
	}
	return nil
}

// runOne runs one config with a progress view; onStart, when not nil, is called with the run's
// folder as soon as it has one. It returns the run's folder ("" when it got none).
func runOne(ctx context.Context, c experiments.Config, opts experiments.Options, i, n int, onStart func(string)) (experiments.Summary, string, error) {
	events := make(chan experiments.Event, 16)
	done := make(chan struct{})
	var dir string
	go func() {
		defer close(done)
		view := newProgressView(os.Stdout)
		for e := range events {
			if s, ok := e.(experiments.Started); ok {
				dir = s.Dir
				if onStart != nil {
					onStart(dir)
				}
				for _, w := range s.Warnings {
					fmt.Fprintln(os.Stderr, "rethink: warning:", w)
				}
			}
			view.handle(e, i, n)
		}
	}()
	sum, err := experiments.Run(ctx, c, opts, events)
	close(events)
	<-done
	if h := theory.Headline(c.KindName(), sum.Details); h != "" {
		fmt.Printf("      %s\n", strings.ReplaceAll(h, "\n  ", "\n      "))
	}
	// Curves are drawn for a run that started (its Started event named dir): a resume refused
	// before that (no checkpoint, another process runs the folder) changed nothing to draw,
	// and must not write into the folder.
	if dir != "" && !errors.Is(err, experiments.ErrFinished) {
		if cerr := report.WriteRunCurves(dir); cerr != nil {
			fmt.Fprintln(os.Stderr, "rethink: curves:", cerr)
		}
	}
	return sum, dir, err
}

// printSummaries prints the final table of a batch to stdout (see writeSummaries).
func printSummaries(sums []experiments.Summary, p experiments.Preset) {
	writeSummaries(os.Stdout, sums, p)
}

// pctCell is a fraction in [0, 1] as a percentage with two decimals.
func pctCell(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) }

// writeSummaries writes one row per run (with its seed), then, when runs of one name ran with
// several seeds, one row per name with the median and [min–max] over its seeds of train and
// test accuracy and steps to 100% ("2 of 3: ..." when some seeds did not fit), then the
// paper's rows.
func writeSummaries(w io.Writer, sums []experiments.Summary, p experiments.Preset) {
	if len(sums) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nrun\tseed\ttrain acc\ttest acc\tbest test (step)\tsteps to 100%\tflip rate\ttime")
	var names []string
	byName := map[string][]experiments.Summary{}
	sgd := map[string]bool{} // a run of another kind has no one accuracy, fit or flip rate
	counted := 0             // the runs of the per-run table with SGD's figures
	for _, c := range p.Runs {
		sgd[c.Name] = c.TrainsSGD()
	}
	for _, s := range sums {
		if isSGD, known := sgd[s.Name]; known && !isSGD {
			fmt.Fprintf(tw, "%s\t%d\t-\t-\t-\t-\t-\t%.0fs\n", s.Name, s.Seed, s.Seconds)
			continue
		}
		counted++
		fit := "not reached"
		if s.FitStep >= 0 {
			fit = fmt.Sprint(s.FitStep)
		}
		// A run that did not end done (diverged, failed, ...) says so beside its name, and a run
		// with no epoch behind it has no accuracies to show, not 0.00%.
		name, train, test, best := s.Name, pctCell(s.FinalTrainAcc), pctCell(s.FinalTestAcc), fmt.Sprintf("%s (%d)", pctCell(s.BestTestAcc), s.BestTestStep)
		if s.Status != "" && s.Status != experiments.StatusDone {
			name += " (" + string(s.Status) + ")"
		}
		if s.Epochs == 0 && s.Steps == 0 && s.Status != "" && s.Status != experiments.StatusDone {
			train, test, best = "–", "–", "–"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%.3f\t%.0fs\n", name, s.Seed, train, test, best, fit, s.FlipRate, s.Seconds)
		if _, ok := byName[s.Name]; !ok {
			names = append(names, s.Name)
		}
		byName[s.Name] = append(byName[s.Name], s)
	}
	if len(names) < counted {
		fmt.Fprintln(tw, "\nmedian [range] over seeds\tseeds\ttrain acc\ttest acc\tsteps to 100%")
		for _, n := range names {
			g := byName[n]
			if len(g) < 2 {
				continue
			}
			var train, test, fit []float64
			for _, s := range g {
				train, test = append(train, 100*s.FinalTrainAcc), append(test, 100*s.FinalTestAcc)
				if s.FitStep >= 0 {
					fit = append(fit, float64(s.FitStep))
				}
			}
			pct := func(v float64) string { return fmt.Sprintf("%.2f%%", v) }
			steps := func(v float64) string { return fmt.Sprintf("%.0f", v) }
			fitCell := spreadText(report.SpreadOf(fit), steps)
			if len(fit) < len(g) {
				fitCell = fmt.Sprintf("%d of %d: %s", len(fit), len(g), fitCell)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", n, len(g), spreadText(report.SpreadOf(train), pct),
				spreadText(report.SpreadOf(test), pct), fitCell)
		}
	}
	if len(p.Paper) > 0 {
		data := "CIFAR-10"
		if p.Group == theory.PresetGroup {
			data = "MNIST"
		}
		fmt.Fprintf(tw, "\npaper (%s)\ttrain acc\ttest acc\n", data)
		for _, r := range p.Paper {
			fmt.Fprintf(tw, "%s\t%.2f%%\t%.2f%%\n", r.Row, r.Train, r.Test)
		}
	}
	tw.Flush()
	writeEarlyStop(w, sums, p)
	writeFilterShares(w, sums, p)
	if p.PaperNote != "" {
		fmt.Fprintln(w, "\npaper:", p.PaperNote)
	}
}

// writeTrends writes, for a label-corruption sweep, each model's median steps to fit against p
// and their Spearman rank correlation with p (report.FitTrends): Figure 1b's claim in numbers.
// runs and sums are in the same order. Nothing for runs that are not a sweep.
func writeTrends(w io.Writer, runs []experiments.Config, sums []experiments.Summary) {
	var rs []report.Run
	for i, s := range sums {
		if i >= len(runs) {
			break
		}
		s := s
		rs = append(rs, report.Run{Config: runs[i], FitStep: s.FitStep, Summary: &s, Started: true, Done: true})
	}
	for _, t := range report.FitTrends(rs) {
		fmt.Fprintln(w, "Figure 1b:", t)
	}
}

// spreadText is "median [min–max]" of s in f's format, the median alone for one value, "not
// reached" for none.
func spreadText(s report.Spread, f func(float64) string) string {
	switch s.N {
	case 0:
		return "not reached"
	case 1:
		return f(s.Median)
	}
	return fmt.Sprintf("%s [%s–%s]", f(s.Median), f(s.Min), f(s.Max))
}
