package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// press sends a key the way the window does: to the focused widget, else to the canvas.
func press(w fyne.Window, key fyne.KeyName) {
	e := &fyne.KeyEvent{Name: key}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(e)
		return
	}
	w.Canvas().OnTypedKey()(e)
}

// running starts u's selected preset against a blocking fake and waits until it runs.
func waitRunning(t *testing.T, shown <-chan view) {
	t.Helper()
	waitView(t, shown, func(v view) bool { return v.filters != nil })
}

// The shortcuts work whatever has the focus: Ctrl+Enter starts the form on screen from inside
// one of its fields, Ctrl+Space pauses, Esc in a field stops; Ctrl+1..7 reach every tab.
func TestKeys_WorkWhateverHasTheFocus(t *testing.T) {
	f := &fakeRun{block: true}
	u, w := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	if u.menu == nil {
		t.Fatal("no main menu: the shortcuts would depend on the focus")
	}
	u.editPreset(testPreset())
	u.custom.allRuns.SetChecked(false) // the form's one run, not all the preset's
	u.custom.name.SetText("from the form")
	w.Canvas().Focus(u.custom.lr)
	if !u.runShortcut(shortcut(fyne.KeyReturn)) {
		t.Fatal("Ctrl+Enter is no shortcut")
	}
	waitRunning(t, shown)
	if got := f.cfgs[0].Name; got != "from the form" {
		t.Errorf("Ctrl+Enter with the custom form on screen started %q, want the form's run", got)
	}
	u.runShortcut(shortcut(fyne.KeySpace))
	if !u.ctrl.pause.Paused() {
		t.Error("Ctrl+Space did not pause")
	}
	u.runShortcut(shortcut(fyne.KeySpace))
	w.Canvas().Focus(u.custom.lr)
	press(w, fyne.KeyEscape)
	waitView(t, shown, func(v view) bool { return v.done })
	if !errors.Is(f.errs[0], context.Canceled) {
		t.Errorf("Esc in a field: run ended with %v, want it stopped", f.errs[0])
	}
	for i, tab := range u.tabs() {
		if !u.runShortcut(shortcut(fyne.KeyName(rune('1' + i)))) {
			t.Errorf("Ctrl+%d (%s) is no shortcut", i+1, tab.name)
		}
		if i < 2 && u.left.SelectedIndex() != i || i >= 2 && u.views.Selected().Text != tab.name {
			t.Errorf("Ctrl+%d did not bring %s forward", i+1, tab.name)
		}
	}
	u.runShortcut(shortcut(fyne.KeyName("1")))
	if _, ok := w.Canvas().Focused().(*presetButton); !ok {
		t.Errorf("Ctrl+1: the focus is on %T, want a preset", w.Canvas().Focused())
	}
}

// Start starts what is on screen: the edited form, not the last preset; it is disabled while
// the form on screen is invalid.
func TestKeys_OneStartForWhatIsOnScreen(t *testing.T) {
	f := &fakeRun{}
	u, _ := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	u.editPreset(testPreset())
	u.custom.allRuns.SetChecked(false) // the form's one run, not all the preset's
	u.custom.lr.SetText("")
	if !u.ctrl.runPanel.start.Disabled() {
		t.Error("Start is enabled while the form on screen is invalid")
	}
	u.left.SelectIndex(0)
	if u.ctrl.runPanel.start.Disabled() {
		t.Error("Start is disabled with the presets on screen")
	}
	u.left.SelectIndex(1)
	u.custom.lr.SetText("0.02")
	u.custom.name.SetText("edited")
	test.Tap(u.ctrl.runPanel.start)
	waitView(t, shown, func(v view) bool { return v.done })
	if len(f.cfgs) != 1 || f.cfgs[0].Name != "edited" || f.cfgs[0].LearningRate != 0.02 {
		t.Errorf("Start ran %d runs, first %+v; want the edited form's one run", len(f.cfgs), f.cfgs)
	}
}

// Esc closes a dialog and Enter answers it.
func TestKeys_DialogsAnswerEscAndEnter(t *testing.T) {
	u, w := newTestUI(t, &fakeRun{})
	u.ctrl.showError(fmt.Errorf("something"))
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}
	press(w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil || u.ctrl.modal != nil {
		t.Error("Esc did not close the dialog")
	}
	u.ctrl.showError(fmt.Errorf("something else"))
	press(w, fyne.KeyReturn)
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Enter did not close the dialog")
	}
}

// A preset started during a run is offered to the queue (Enter), shown in the run strip, and
// starts when the running one ends.
func TestQueue_PresetDuringARun(t *testing.T) {
	f := &fakeRun{block: true}
	u, w := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	test.Tap(u.presets.buttons["test-quick"])
	waitRunning(t, shown)
	test.Tap(u.presets.buttons["test-quick"])
	if u.ctrl.modal == nil {
		t.Fatal("tapping a preset during a run offered nothing")
	}
	press(w, fyne.KeyReturn) // queue it
	if !u.ctrl.runPanel.queue.Visible() || !strings.Contains(u.ctrl.runPanel.queueText.Text, "Figure 1a: test") {
		t.Errorf("queue not shown: %q", u.ctrl.runPanel.queueText.Text)
	}
	f.mu.Lock()
	f.block = false // the queued one finishes by itself
	f.mu.Unlock()
	u.ctrl.Stop()
	waitView(t, shown, func(v view) bool { return v.done }) // the stopped one
	waitView(t, shown, func(v view) bool { return v.done }) // the queued one
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cfgs) < 2 {
		t.Errorf("runs started: %d, want the queued experiment's too", len(f.cfgs))
	}
	if u.ctrl.runPanel.queue.Visible() {
		t.Error("the empty queue is still shown")
	}
}

// Closing (Ctrl+Q) during a run asks first, naming the kept run folder; Esc keeps running,
// Enter quits.
func TestUI_QuitAsksDuringARun(t *testing.T) {
	f := &fakeRun{block: true}
	u, w := newTestUI(t, f)
	c, _ := closedWindows.Load(w)
	closed := c.(chan struct{})
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	test.Tap(u.ctrl.runPanel.start)
	waitRunning(t, shown)
	u.runShortcut(shortcut(fyne.KeyQ))
	if u.ctrl.modal == nil {
		t.Fatal("Ctrl+Q during a run asked nothing")
	}
	press(w, fyne.KeyEscape)
	if !u.ctrl.running || u.ctrl.closing {
		t.Fatal("Esc on the question stopped the run")
	}
	u.runShortcut(shortcut(fyne.KeyQ))
	press(w, fyne.KeyReturn)
	waitView(t, shown, func(v view) bool { return v.done })
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the window did not close after the run stopped")
	}
	if !errors.Is(f.errs[0], context.Canceled) {
		t.Errorf("quit: run ended with %v, want cancelled", f.errs[0])
	}
}

// Moving the focus down the preset list scrolls the list with it.
func TestPresets_ListScrollsWithTheFocus(t *testing.T) {
	test.NewTempApp(t)
	var ps []Preset
	for i := range 30 {
		p := testPreset()
		p.ID = fmt.Sprintf("p%d", i)
		ps = append(ps, p)
	}
	p := newPresetsPanel(ps, nop[Preset], nop[Preset])
	w := test.NewWindow(p.content)
	defer w.Close()
	w.Resize(fyne.NewSize(400, 500))
	d := fyne.CurrentApp().Driver()
	inView := func(id string) bool {
		b := p.buttons[id]
		y := d.AbsolutePositionForObject(b).Y - d.AbsolutePositionForObject(p.scroll).Y
		return y >= 0 && y+b.Size().Height <= p.scroll.Size().Height
	}
	if inView("p29") {
		t.Fatal("the last preset is in view before any scrolling: the test shows nothing")
	}
	for _, id := range []string{"p29", "p15", "p0"} {
		w.Canvas().Focus(p.buttons[id])
		if !inView(id) {
			t.Errorf("the focus is on preset %s and it is out of view (list at %g)", id, p.scroll.Offset.Y)
		}
	}
}
