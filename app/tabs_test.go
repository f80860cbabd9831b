package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/report"
)

// countingLabel is a label that counts its refreshes.
type countingLabel struct {
	widget.Label
	refreshes int
}

func newCountingLabel(text string) *countingLabel {
	l := &countingLabel{}
	l.Text = text
	l.ExtendBaseWidget(l)
	return l
}

func (l *countingLabel) Refresh() {
	l.refreshes++
	l.Label.Refresh()
}

// Fyne's AppTabs refreshes the content of every tab on each selection; in a tabPage the
// contents are left alone, and still follow a change of theme, hidden ones included.
func TestTabPage_SelectingRefreshesNoContent(t *testing.T) {
	a := test.NewTempApp(t)
	labels := []*countingLabel{newCountingLabel("one"), newCountingLabel("two"), newCountingLabel("three")}
	tabs := container.NewAppTabs(newTab("One", labels[0]), newTab("Two", labels[1]), newTab("Three", labels[2]))
	w := test.NewWindow(tabs)
	defer w.Close()
	w.Resize(fyne.NewSize(400, 300))

	before := make([]int, len(labels))
	for i, l := range labels {
		before[i] = l.refreshes
	}
	for _, i := range []int{1, 2, 0, 2, 1} {
		tabs.SelectIndex(i)
	}
	for i, l := range labels {
		if l.refreshes != before[i] {
			t.Errorf("tab %d's content refreshed %d times by 5 selections, want 0", i, l.refreshes-before[i])
		}
	}
	if tabs.SelectedIndex() != 1 || !tabs.Items[1].Content.Visible() || tabs.Items[0].Content.Visible() {
		t.Error("the selected tab's page is not the one shown")
	}

	// A theme change reaches every content, the hidden ones too.
	for i, l := range labels {
		before[i] = l.refreshes
	}
	a.Settings().SetTheme(theme.LightTheme())
	for i, l := range labels {
		if l.refreshes == before[i] {
			t.Errorf("tab %d's content was not refreshed after a change of theme", i)
		}
	}
}

func TestLookKey_Differs(t *testing.T) {
	k := lookKey{theme: theme.DarkTheme(), variant: theme.VariantDark, scale: 1}
	if k.differs(k) {
		t.Error("a look differs from itself")
	}
	for _, o := range []lookKey{
		{theme: theme.LightTheme(), variant: theme.VariantDark, scale: 1},
		{theme: theme.DarkTheme(), variant: theme.VariantLight, scale: 1},
		{theme: theme.DarkTheme(), variant: theme.VariantDark, scale: 2},
		{theme: theme.DarkTheme(), variant: theme.VariantDark, scale: 1, primary: "red"},
		{variant: theme.VariantDark, scale: 1},
	} {
		if !k.differs(o) {
			t.Errorf("%+v and %+v do not differ", k, o)
		}
	}
	// A theme whose type cannot be compared counts as changed, and does not panic.
	type mapTheme struct {
		fyne.Theme
		m map[string]int
	}
	m := lookKey{theme: mapTheme{Theme: theme.DarkTheme()}}
	if !m.differs(m) {
		t.Error("an incomparable theme counts as unchanged")
	}
}

// A plot rendered for its pane's size is drawn at that size exactly, unfiltered; one from
// before a resize is stretched smoothly until the next render is in.
func TestPlotPane_DrawnAtItsPixelSize(t *testing.T) {
	test.NewTempApp(t)
	var queued []func()
	d := &deps{background: func(f func()) { queued = append(queued, f) }}
	p := newPlotPane(d, report.Light, report.LossChart(nil))
	w := test.NewWindow(container.NewStack(p))
	defer w.Close()
	w.Resize(fyne.NewSize(320, 240))
	run := func() {
		for len(queued) > 0 {
			f := queued[0]
			queued = queued[1:]
			f()
		}
	}
	run()
	want := p.pixels()
	if got := p.image().Bounds(); got.Dx() != want.W || got.Dy() != want.H {
		t.Fatalf("rendered %v, want the pane's %v px", got, want)
	}
	sc := p.scale()
	if got := p.img.Size(); int(got.Width*sc+0.5) != want.W || int(got.Height*sc+0.5) != want.H {
		t.Errorf("image drawn at %v units (scale %g), want %dx%d px", got, sc, want.W, want.H)
	}
	if p.img.ScaleMode != canvas.ImageScalePixels {
		t.Error("an image at its own size is filtered")
	}

	w.Resize(fyne.NewSize(420, 300)) // the render for the new size waits in queued
	if p.img.ScaleMode != canvas.ImageScaleSmooth || p.img.Size() != p.Size() {
		t.Errorf("before the new render: scale mode %v, size %v; want smooth, the pane's %v", p.img.ScaleMode, p.img.Size(), p.Size())
	}
	run()
	if got, want := p.image().Bounds(), p.pixels(); got.Dx() != want.W || got.Dy() != want.H || p.img.ScaleMode != canvas.ImageScalePixels {
		t.Errorf("after the render: %v, mode %v; want %v px unfiltered", got, p.img.ScaleMode, want)
	}
}

// While a run trains, the window is updated at most once per interval; the views in between
// are merged, and nothing of them is lost.
func TestController_CoalescesViews(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	c := u.ctrl
	c.every = time.Hour // only what starts or ends something goes through at once
	var shows []view
	c.afterShow = func(v view) { shows = append(shows, v) }
	p := testPreset()
	s := newSession(p)
	events := make(chan experiments.Event, 64)
	events <- runBegin{Started: experiments.Started{Config: p.Runs[0]}, index: 0}
	events <- experiments.Started{Config: p.Runs[0], Device: "/device:CPU:0", TotalSteps: 40}
	for step := 1; step <= 40; step++ {
		events <- experiments.StepProgress{Step: step, Epoch: 1, TotalSteps: 40, Loss: 1 / float64(step)}
	}
	events <- experiments.EpochDone{Metrics: experiments.Metrics{Epoch: 1, Step: 40, TrainAcc: 0.5, TestAcc: 0.25}}
	events <- allDone{}
	close(events)
	c.running = true
	c.consume(s, events) // fyne.Do runs inline under the test driver
	if len(shows) != 2 {
		t.Fatalf("%d updates of the window for 44 events, want 2 (the first, then the rest merged with the end)", len(shows))
	}
	if !shows[1].done || shows[1].table == nil || shows[1].plots == nil {
		t.Errorf("the merged update lacks the end, the table or the plots: %+v", shows[1])
	}
	if got := len(s.run(0).loss); got != 40 {
		t.Errorf("%d losses in the curve, want 40", got)
	}
	if st := c.runPanel.status.Text; !strings.Contains(st, "finished") {
		t.Errorf("status %q: want the end shown", st)
	}
	if c.running {
		t.Error("still running after the merged end")
	}
}
