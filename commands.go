package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	gui "rethink/app"
	"rethink/experiments"
	"rethink/tfgraph"
)

const usage = `rethink: see, with your own eyes, how deep networks memorize.

usage:
  rethink                         open the app (needs a display)
  rethink run [flags]             run a preset or a config headless, with a progress bar
  rethink presets                 list the presets with their tier and expected time
  rethink models [--input HxWxC]  the paper's models and their parameter counts
  rethink devices                 the devices TensorFlow sees, and the one a run uses
  rethink version                 versions of rethink and of the TensorFlow library
  rethink sweep [flags]           label-corruption sweep: models x p (Figures 1b and 1c)
  rethink report DIR              plots (PNG, SVG) and tables (CSV) of the runs in DIR, beside the paper's numbers
  rethink data download cifar10   download CIFAR-10 (resumable, MD5-checked) into the data folder
  rethink demo                    the quick Figure 1a preset, headless (what make run does without a display)
`

func dispatch(args []string) error {
	if len(args) == 0 {
		return openApp()
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:])
	case "data":
		return cmdData(args[1:])
	case "sweep":
		return cmdSweep(args[1:])
	case "report":
		if len(args) != 2 {
			return fmt.Errorf("usage: rethink report DIR")
		}
		return cmdReport(args[1])
	case "tour": // hidden: make screenshots
		return cmdTour(args[1:])
	case "demo":
		return cmdRun([]string{"--preset", "fig1a-quick"})
	case "presets":
		return cmdPresets()
	case "models":
		return cmdModels(args[1:])
	case "devices":
		return cmdDevices()
	case "version", "--version":
		fmt.Printf("rethink 0.1.0\n%s\n", tfgraph.BuildReport())
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

// setFlags collects repeated --set key=value.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, ",") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

func cmdRun(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	preset := fs.String("preset", "", "preset ID (see rethink presets)")
	config := fs.String("config", "", "a config.json to run")
	out := fs.String("out", experiments.DefaultResultsDir(), "results folder")
	resume := fs.String("resume", "", "continue the run in this folder from its last checkpoint")
	var sets setFlags
	fs.Var(&sets, "set", "change a setting, key=value (repeatable), e.g. --set epochs=5 --set mode=random-labels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := experiments.Options{ResultsDir: *out, ResumeDir: *resume}
	if *resume != "" {
		_, err := runOne(ctx, experiments.Config{}, opts, 1, 1)
		return err
	}
	var runs []experiments.Config
	var p experiments.Preset
	switch {
	case *preset != "":
		var err error
		if p, err = experiments.PresetByID(*preset); err != nil {
			return err
		}
		runs = p.Runs
		for i := range runs {
			runs[i].Preset = p.ID
		}
		fmt.Printf("%s\n  %s\n  departs from the paper: %s\n  expected time: %s\n", p.Title, p.Description, p.Departures, p.ExpectedTime)
	case *config != "":
		c, err := experiments.ReadConfig(*config)
		if err != nil {
			return err
		}
		runs = []experiments.Config{c}
	default:
		runs = []experiments.Config{experiments.DefaultConfig()}
	}
	if err := applySets(runs, sets); err != nil {
		return err
	}
	return runAll(ctx, runs, opts, p)
}

func applySets(runs []experiments.Config, sets []string) error {
	for i := range runs {
		for _, kv := range sets {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return fmt.Errorf("--set %q: want key=value", kv)
			}
			if err := runs[i].Set(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func cmdReport(dir string) error {
	files, err := gui.WriteReport(dir)
	for _, f := range files {
		fmt.Println("wrote", f)
	}
	return err
}

// runAll runs configs one after the other and prints their summaries beside the paper's numbers.
func runAll(ctx context.Context, runs []experiments.Config, opts experiments.Options, p experiments.Preset) error {
	start := time.Now()
	var sums []experiments.Summary
	for i, c := range runs {
		s, err := runOne(ctx, c, opts, i+1, len(runs))
		if err != nil {
			return err
		}
		sums = append(sums, s)
	}
	printSummaries(sums, p)
	fmt.Printf("total wall time %s\n", time.Since(start).Round(time.Second))
	if opts.ResultsDir != "" && opts.ResultsDir != experiments.DefaultResultsDir() {
		if files, err := gui.WriteReport(opts.ResultsDir); err == nil {
			fmt.Printf("report: %d files in %s (loss.png, accuracy.png, results.csv, ...)\n", len(files), opts.ResultsDir)
		}
	}
	return nil
}

// runOne runs one config with a terminal progress bar.
func runOne(ctx context.Context, c experiments.Config, opts experiments.Options, i, n int) (experiments.Summary, error) {
	events := make(chan experiments.Event, 16)
	done := make(chan struct{})
	var dir string
	go func() {
		defer close(done)
		bar := newProgressBar(os.Stdout)
		for e := range events {
			if s, ok := e.(experiments.Started); ok {
				dir = s.Dir
			}
			bar.handle(e, i, n)
		}
	}()
	sum, err := experiments.Run(ctx, c, opts, events)
	close(events)
	<-done
	if dir != "" {
		if cerr := gui.WriteRunCurves(dir); cerr != nil {
			fmt.Fprintln(os.Stderr, "rethink: curves:", cerr)
		}
	}
	if errors.Is(err, context.Canceled) {
		return sum, fmt.Errorf("cancelled; the run's folder keeps what it had: continue it with rethink run --resume DIR")
	}
	return sum, err
}

func cmdSweep(args []string) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	models := fs.String("models", "mlp", "comma-separated models: inception, inception-nobn, alexnet, mlp (1x512), mlp3 (3x512)")
	ps := fs.String("p", "0,0.2,0.4,0.6,0.8,1", "comma-separated label-corruption probabilities")
	out := fs.String("out", experiments.DefaultResultsDir(), "results folder")
	base := fs.String("preset", "", "take the other settings from this preset's first run (default: the quick MNIST setup)")
	var sets setFlags
	fs.Var(&sets, "set", "change a setting of every run, key=value (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := experiments.DefaultConfig()
	if *base != "" {
		p, err := experiments.PresetByID(*base)
		if err != nil {
			return err
		}
		cfg = p.Runs[0]
	} else if p, err := experiments.PresetByID("fig1bc-quick"); err == nil {
		cfg = p.Runs[0]
	}
	runs, err := experiments.Sweep(cfg, strings.Split(*models, ","), *ps)
	if err != nil {
		return err
	}
	if err := applySets(runs, sets); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runAll(ctx, runs, experiments.Options{ResultsDir: *out}, experiments.Preset{})
}

func printSummaries(sums []experiments.Summary, p experiments.Preset) {
	if len(sums) == 0 {
		return
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nrun\ttrain acc\ttest acc\tbest test (step)\tsteps to 100%\tflip rate\ttime")
	for _, s := range sums {
		fit := "not reached"
		if s.FitStep >= 0 {
			fit = fmt.Sprint(s.FitStep)
		}
		fmt.Fprintf(tw, "%s\t%.2f%%\t%.2f%%\t%.2f%% (%d)\t%s\t%.3f\t%.0fs\n", s.Name, 100*s.FinalTrainAcc, 100*s.FinalTestAcc,
			100*s.BestTestAcc, s.BestTestStep, fit, s.FlipRate, s.Seconds)
	}
	if len(p.Paper) > 0 {
		fmt.Fprintln(tw, "\npaper (CIFAR-10)\ttrain acc\ttest acc")
		for _, r := range p.Paper {
			fmt.Fprintf(tw, "%s\t%.2f%%\t%.2f%%\n", r.Row, r.Train, r.Test)
		}
	}
	tw.Flush()
	if p.PaperNote != "" {
		fmt.Println("\npaper:", p.PaperNote)
	}
}

func cmdPresets() error {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tGROUP\tTIER\tRUNS\tEXPECTED TIME")
	for _, p := range experiments.Presets() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", p.ID, p.Group, p.Tier, len(p.Runs), p.ExpectedTime)
	}
	return tw.Flush()
}

func cmdModels(args []string) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	input := fs.String("input", "28x28x3", "input size HxWxC")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var h, w, c int64
	if _, err := fmt.Sscanf(*input, "%dx%dx%d", &h, &w, &c); err != nil {
		return fmt.Errorf("--input %q: want HxWxC such as 28x28x3", *input)
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tparameters (%s)\tpaper (28x28x3)\t\n", *input)
	for _, m := range []struct {
		a     tfgraph.Architecture
		paper string
	}{
		{tfgraph.Architecture{Arch: tfgraph.Inception, BatchNorm: true}, "1,649,402"},
		{tfgraph.Architecture{Arch: tfgraph.Inception}, "1,649,402"},
		{tfgraph.Architecture{Arch: tfgraph.AlexNet}, "1,387,786"},
		{tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{512}}, "1,209,866"},
		{tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{512, 512, 512}}, "1,735,178"},
	} {
		n, err := tfgraph.CountParams(m.a, h, w, c, 10)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", m.a, thousands(n), m.paper)
	}
	return tw.Flush()
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func cmdDevices() error {
	devs, used, err := tfgraph.ListDevices()
	if err != nil {
		return err
	}
	sort.Slice(devs, func(i, j int) bool { return devs[i].Name < devs[j].Name })
	for _, d := range devs {
		mark := " "
		if d.Name == used {
			mark = "*"
		}
		fmt.Printf("%s %-4s %s (%d MB)\n", mark, d.Type, d.Name, d.MemoryBytes>>20)
	}
	fmt.Printf("runs use: %s\n", used)
	fmt.Println(tfgraph.BuildReport())
	if !strings.Contains(used, "GPU") {
		fmt.Println("no GPU visible: " + tfgraph.WhyNoGPU())
	}
	return nil
}
