package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"rethink/experiments"
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
