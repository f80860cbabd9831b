package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// Bad values are refused as they are typed, at their field, with Start disabled and no dialog;
// a size beyond the data set is lowered with a note at its field.
func TestCustomPanel_ValidatesAsTheUserTypes(t *testing.T) {
	u, w := newTestUI(t, &fakeRun{})
	cp := u.custom
	if !cp.valid || cp.start.Disabled() {
		t.Fatalf("the default form is invalid: %q", cp.problem.Text())
	}
	for _, c := range []struct {
		entry       string
		e           *field
		text, field string
	}{
		{"train", cp.trainSize, "abc", "Training images: a whole number"},
		{"lr", cp.lr, "", "Learning rate: required"},
		{"lr", cp.lr, "fast", "Learning rate: a number"},
		{"dropout", cp.dropout, "1", "Dropout: below 1"},
		{"batch", cp.batch, "0", "Batch: at least 1"},
	} {
		u.custom.Load(quickDefault())
		c.e.SetText("")
		test.Type(c.e, c.text)
		if !cp.start.Disabled() || !cp.showData.Disabled() {
			t.Errorf("%q typed into %s: Start is enabled", c.text, c.entry)
		}
		if got := cp.problem.Text(); !strings.Contains(got, c.field) || strings.Contains(got, "strconv") || strings.Contains(got, "--set") {
			t.Errorf("%q typed into %s: the form says %q, want %q and no developer text", c.text, c.entry, got, c.field)
		}
		if w.Canvas().Overlays().Top() != nil {
			t.Errorf("%q typed into %s: a dialog opened", c.text, c.entry)
		}
	}
	u.custom.Load(quickDefault())
	cp.trainSize.SetText("100000")
	if cp.start.Disabled() {
		t.Fatalf("100000 training images: refused (%q), want it lowered", cp.problem.Text())
	}
	if !strings.Contains(cp.trainItem.HintText, "60,000") {
		t.Errorf("100000 MNIST training images: the field says %q, want a note that 60,000 are used", cp.trainItem.HintText)
	}
	cfg, err := cp.Config()
	if err != nil || cfg.TrainSize != 60000 {
		t.Errorf("100000 training images: config train size %d (%v), want 60000, as used", cfg.TrainSize, err)
	}
}

// A run whose loss blows up while staying finite (a learning rate of 9) is flagged as
// diverged in the table and the status line, not "done".
func TestSession_FlagsADivergedRun(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	c := u.ctrl
	p := testPreset()
	c.sess = newSession(p)
	c.show(c.prepare(runBegin{Started: experiments.Started{Config: p.Runs[0]}, index: 0}))
	c.show(c.prepare(experiments.Started{Config: p.Runs[0], StepsPerEpoch: 8, TotalSteps: 16}))
	c.show(c.prepare(experiments.StepProgress{Step: 1, Epoch: 1, TotalSteps: 16, Loss: 2.3}))
	c.show(c.prepare(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: 1, Step: 8, TrainLoss: 60000, TrainAcc: 0.1}}))
	c.show(c.prepare(runEnd{index: 0, Finished: experiments.Finished{Summary: experiments.Summary{Status: experiments.StatusDone, FitStep: -1}}}))
	c.show(c.prepare(allDone{}))
	if got := c.table.rows[0].Status; got != "diverged" {
		t.Errorf("table status: got %q, want diverged", got)
	}
	if got := c.table.rows[1].Status; got != "not run" {
		t.Errorf("the run after: got %q, want \"not run\" (not waiting for ever)", got)
	}
	if s := c.runPanel.status.Text; !strings.Contains(s, "diverged") || !strings.Contains(s, "learning rate") {
		t.Errorf("status: got %q, want it to say the run diverged and what to do", s)
	}
}

// The pencil on a preset of several runs (a sweep) loads all of them: the form shows one, any
// can be picked, and Start starts every run with the form's settings, each keeping its p.
func TestCustomPanel_PencilOnASweepLoadsAllRuns(t *testing.T) {
	f := &fakeRun{}
	u, _ := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	sweep := testPreset()
	sweep.Runs = nil
	for i, p := range []float64{0, 0.5, 1} {
		cfg := quickDefault()
		cfg.Name = []string{"p=0", "p=0.5", "p=1"}[i]
		cfg.Randomization = data.Randomization{Mode: data.PartialLabels, P: p}
		sweep.Runs = append(sweep.Runs, cfg)
	}
	u.editPreset(sweep)
	cp := u.custom
	if !cp.presetRow.Visible() || len(cp.runPick.Options) != 3 {
		t.Fatalf("pencil on a 3-run sweep: run choice shown %v with %d runs", cp.presetRow.Visible(), len(cp.runPick.Options))
	}
	cp.runPick.SetSelected("p=0.5")
	if cp.p.Value != 0.5 || cp.name.Text != "p=0.5" {
		t.Errorf("picked p=0.5: the form shows %q with p %g", cp.name.Text, cp.p.Value)
	}
	cp.lr.SetText("0.05")
	test.Tap(cp.start)
	waitView(t, shown, func(v view) bool { return v.done })
	if len(f.cfgs) != 3 {
		t.Fatalf("Start ran %d runs, want the sweep's 3", len(f.cfgs))
	}
	for i, c := range f.cfgs {
		if c.LearningRate != 0.05 || c.Randomization.P != sweep.Runs[i].Randomization.P || c.Name != sweep.Runs[i].Name {
			t.Errorf("run %d: %q lr %g p %g; want %q with the form's lr 0.05 and its own p", i, c.Name, c.LearningRate, c.Randomization.P, sweep.Runs[i].Name)
		}
	}
}

// A preset's network that is not one of the paper's (the quick Figure 1a's AlexNet at an
// eighth of its width) shows under its own name in the form and runs as it is; picking the
// paper's AlexNet then runs the paper's widths.
func TestCustomPanel_KeepsAPresetsOwnNetwork(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	cp := u.custom
	p := registered(t, "fig1a-quick")
	cp.Load(p.Runs[0])
	want := p.Runs[0].Model
	if cp.model.Selected != want.String() || !slices.Contains(cp.model.Options, want.String()) {
		t.Fatalf("model shown %q among %v; want %q", cp.model.Selected, cp.model.Options, want.String())
	}
	cfg, err := cp.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model.String() != want.String() || cfg.Model.Width != want.Width || cfg.LearningRate != p.Runs[0].LearningRate {
		t.Errorf("the form's config runs %s (width %g) at lr %g; want the preset's %s (width %g) at %g",
			cfg.Model, cfg.Model.Width, cfg.LearningRate, want, want.Width, p.Runs[0].LearningRate)
	}
	cp.model.SetSelected(tfgraph.Architecture{Arch: tfgraph.AlexNet}.String())
	if cfg, err = cp.Config(); err != nil || cfg.Model.Width != 0 {
		t.Errorf("after picking the paper's AlexNet: width %g (%v); want the paper's widths", cfg.Model.Width, err)
	}
	cp.Load(experiments.DefaultConfig())
	if slices.Contains(cp.model.Options, want.String()) {
		t.Errorf("after loading the default, %q is still offered: %v", want, cp.model.Options)
	}
}

// The data folder's placeholder names the folder a blank field means, $RETHINK_DATA when it is
// set, the home folder shortened to "~".
func TestCustomPanel_DataFolderPlaceHolderNamesTheDefault(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skipf("no home folder to shorten: %v", err)
	}
	t.Setenv("RETHINK_DATA", filepath.Join(home, "sets"))
	if got, want := dataDirPlaceHolder(), "default: "+filepath.Join("~", "sets"); got != want {
		t.Errorf("placeholder %q, want %q", got, want)
	}
	t.Setenv("RETHINK_DATA", "/srv/data")
	if got := dataDirPlaceHolder(); got != "default: /srv/data" {
		t.Errorf("placeholder %q, want the folder $RETHINK_DATA names", got)
	}
}
