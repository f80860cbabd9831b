package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"rethink/experiments"
	"rethink/experiments/report"
	"rethink/tfgraph"
)

// command is one subcommand of rethink, as Go's own cmd/go lists them: its name, the arguments
// it takes, a line saying what it does, and what runs it.
type command struct {
	name, args, short string
	// hidden commands are left out of the usage (developer tools).
	hidden bool
	run    func(args []string) error
}

// commands is the command line, in the order the usage lists it (set in init: help reads it).
var commands []command

func init() {
	commands = []command{
		{name: "app", short: "open the desktop app, as rethink with no arguments does", run: noArgs("app", func() error { return openApp() })},
		{name: "run", args: "[flags]", short: "run a preset or a config headless, with a progress bar (run --help: flags and settings)", run: cmdRun},
		{name: "presets", short: "list the presets with their tier and expected time", run: noArgs("presets", cmdPresets)},
		{name: "models", args: "[--input HxWxC]", short: "the paper's models, their parameter counts and learning rates", run: cmdModels},
		{name: "devices", short: "the devices TensorFlow sees, and the one a run uses", run: noArgs("devices", cmdDevices)},
		{name: "version", short: "versions of rethink and of the TensorFlow library", run: noArgs("version", cmdVersion)},
		{name: "sweep", args: "[flags]", short: "label-corruption sweep: models x p (Figures 1b and 1c)", run: cmdSweep},
		{name: "serve", args: "[flags]", short: "a worker for run and sweep --workers (TensorFlow's gRPC server; serve --help)", run: cmdServe},
		{name: "report", args: "DIR", short: "plots (PNG, SVG) and tables (CSV) of the runs in DIR, beside the paper's numbers", run: cmdReport},
		{name: "data", args: "download cifar10 | where", short: "download CIFAR-10 (resumable, MD5-checked) into the data folder", run: cmdData},
		{name: "demo", short: "the quick Figure 1a preset, headless (what make run does without a display)",
			run: func(args []string) error { return cmdRun(append([]string{"--preset", "fig1a-quick"}, args...)) }},
		{name: "help", short: "this text", run: func([]string) error { fmt.Print(usage()); return nil }},
		{name: "tour", hidden: true, run: func(args []string) error { return openApp(append([]string{"tour"}, args...)...) }},
	}
}

// usage is the command list, from the table.
func usage() string {
	var b strings.Builder
	b.WriteString("rethink: see, with your own eyes, how deep networks memorize.\n\nusage:\n")
	b.WriteString("  rethink                            open the app (bin/rethink-app, built by make build; needs a display)\n")
	for _, c := range commands {
		if c.hidden {
			continue
		}
		fmt.Fprintf(&b, "  %-34s %s\n", strings.TrimSpace("rethink "+c.name+" "+c.args), c.short)
	}
	return b.String()
}

func dispatch(args []string) error {
	if len(args) == 0 {
		return openApp()
	}
	name := args[0]
	switch name {
	case "-h", "--help":
		name = "help"
	case "--version":
		name = "version"
	}
	for _, c := range commands {
		if c.name == name {
			err := c.run(args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil // -h or --help: the usage was printed
			}
			return err
		}
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage())
}

// noArgs runs f after checking that the command got no arguments.
func noArgs(name string, f func() error) func([]string) error {
	return func(args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("rethink %s takes no arguments (got %q)", name, args)
		}
		return f()
	}
}

func cmdVersion() error {
	fmt.Printf("rethink %s\n%s\n", experiments.Version, tfgraph.BuildReport())
	return nil
}

// newFlagSet is a flag set that prints its help (to stdout) as usage, its flags, then more.
func newFlagSet(name, usage string, more func(io.Writer)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stdout)
	fs.Usage = func() {
		fmt.Fprintf(os.Stdout, "usage: rethink %s\n\nflags:\n", usage)
		fs.PrintDefaults()
		if more != nil {
			more(os.Stdout)
		}
	}
	return fs
}

// printSettings lists the keys of --set key=value with their meaning (experiments.Fields, the
// table Config.Set reads).
func printSettings(w io.Writer) {
	fmt.Fprintln(w, "\nsettings for --set key=value:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, f := range experiments.Fields() {
		key := f.Key
		if f.Alias != "" {
			key += " (" + f.Alias + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", key, f.Help)
	}
	tw.Flush()
}

// setFlags collects repeated --set key=value.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, ",") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

func cmdRun(args []string) error {
	fs := newFlagSet("run", "run [--preset ID | --config FILE | --resume DIR] [--set key=value ...] [--out DIR]", printSettings)
	preset := fs.String("preset", "", "preset ID (see rethink presets)")
	config := fs.String("config", "", "a config.json to run")
	out := fs.String("out", experiments.DefaultResultsDir(), "results folder")
	resume := fs.String("resume", "", "continue the run in this folder from its last checkpoint")
	var sets setFlags
	fs.Var(&sets, "set", "change a setting, key=value (repeatable), e.g. --set epochs=5 --set mode=random-labels")
	wf := addWorkerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := experiments.CheckRunFlags(*preset != "", *config != "", *resume != "", len(sets), fs.Args()); err != nil {
		return err
	}
	ctx, interrupted, stop := interruptContext()
	defer stop()
	if *resume != "" {
		if *wf.list != "" {
			return wf.runAll(ctx, interrupted, nil, experiments.Options{ResultsDir: *out, ResumeDir: *resume}, experiments.Preset{})
		}
		return resumeFolder(ctx, *resume, *out, flagSet(fs, "out"), interrupted)
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
	if p.ID != "" { // after the --set overrides, so that the text says what will run
		p.Runs = runs
		fmt.Printf("%s\n  %s\n  departs from the paper: %s\n  expected time: %s\n", p.Title, p.Description, p.Departures(), p.ExpectedTime)
	}
	if *wf.list != "" {
		return wf.runAll(ctx, interrupted, runs, experiments.Options{ResultsDir: *out}, p)
	}
	return batch{runs: runs, preset: p, out: *out, command: commandLine()}.start(ctx, interrupted)
}

// resumeFolder continues what dir holds: the plan of a preset or a sweep (plan.json), or one run.
// out, when set on the command line, must be the folder whose report is refreshed.
func resumeFolder(ctx context.Context, dir, out string, outSet bool, interrupted func() os.Signal) error {
	_, planErr := os.Stat(filepath.Join(dir, experiments.PlanFile))
	_, runErr := os.Stat(filepath.Join(dir, "config.json"))
	reportDir := filepath.Dir(filepath.Clean(dir))
	switch {
	case runErr == nil:
	case planErr == nil:
		reportDir = dir
	default:
		return fmt.Errorf("run --resume %s: neither a run folder (config.json) nor the results folder of a preset or a sweep (%s)", dir, experiments.PlanFile)
	}
	if outSet && filepath.Clean(out) != filepath.Clean(reportDir) {
		return fmt.Errorf("run --resume %s: its report goes to %s, the folder it is in; --out %s does not apply", dir, reportDir, out)
	}
	if runErr == nil {
		return resumeRun(ctx, dir, interrupted)
	}
	return resumePlan(ctx, dir, interrupted)
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// commandLine is this program's command line, for plan.json.
func commandLine() string {
	args := make([]string, len(os.Args))
	for i, a := range os.Args {
		args[i] = shellQuote(a)
	}
	args[0] = "rethink"
	return strings.Join(args, " ")
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

func cmdReport(args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("usage: rethink report DIR")
	}
	files, err := report.Write(args[0])
	for _, f := range files {
		fmt.Println("wrote", f)
	}
	return err
}

func cmdSweep(args []string) error {
	fs := newFlagSet("sweep", "sweep [--models LIST] [--p LIST] [--preset ID] [--set key=value ...] [--out DIR]", printSettings)
	models := fs.String("models", "mlp", "comma-separated models: inception, inception-nobn, alexnet, mlp (1x512), mlp3 (3x512)")
	ps := fs.String("p", "0,0.2,0.4,0.6,0.8,1", "comma-separated label-corruption probabilities")
	out := fs.String("out", experiments.DefaultResultsDir(), "results folder")
	base := fs.String("preset", "", "take the other settings from this preset's first run (default: the quick MNIST setup)")
	var sets setFlags
	fs.Var(&sets, "set", "change a setting of every run, key=value (repeatable)")
	wf := addWorkerFlags(fs)
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
	ctx, interrupted, stop := interruptContext()
	defer stop()
	if *wf.list != "" {
		return wf.runAll(ctx, interrupted, runs, experiments.Options{ResultsDir: *out}, experiments.Preset{})
	}
	return batch{runs: runs, out: *out, command: commandLine()}.start(ctx, interrupted)
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
	fs := newFlagSet("models", "models [--input HxWxC]", nil)
	input := fs.String("input", "28x28x3", "input size HxWxC")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var h, w, c int64
	if _, err := fmt.Sscanf(*input, "%dx%dx%d", &h, &w, &c); err != nil {
		return fmt.Errorf("--input %q: want HxWxC such as 28x28x3", *input)
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tname\tparameters (%s)\tpaper (28x28x3)\tpaper's learning rate\t\n", *input)
	for _, m := range tfgraph.PaperModels() {
		n, err := tfgraph.CountParams(m.Arch, h, w, c, 10)
		if err != nil {
			return err
		}
		paper := thousands(m.Params)
		if m.Baseline { // not the paper's network: it gives no count
			paper = "– (baseline)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%g\t\n", m.Arch, m.ID, thousands(n), paper, m.LearningRate)
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
