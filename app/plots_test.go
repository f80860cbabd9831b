package app

import (
	"context"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rethink/experiments"
	"rethink/experiments/report"
)

// near says two colours differ by at most 2 in each channel.
func near(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) bool { x, y = x>>8, y>>8; return x-y <= 2 || y-x <= 2 }
	return d(ar, br) && d(ag, bg) && d(ab, bb)
}

// The plots are drawn in the theme's colours and redrawn in the new ones when the theme changes.
func TestCurves_FollowTheTheme(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	for _, choice := range []string{themeDark, themeLight, themeDark} {
		setTheme(u.app, choice)
		want := u.app.Settings().Theme().Color("background", 0)
		for _, p := range []*plotPane{u.ctrl.curves.loss, u.ctrl.curves.acc} {
			img := p.image()
			if img.Bounds().Dx() < 100 {
				t.Fatalf("%s: the plot is not rendered (%v)", choice, img.Bounds())
			}
			if got := img.At(1, 1); !near(got, want) {
				t.Errorf("%s theme: plot background %v, want the theme's %v", choice, got, want)
			}
		}
		if got, want := u.style.Foreground, u.app.Settings().Theme().Color("foreground", 0); !near(got, want) {
			t.Errorf("%s theme: plot foreground %v, want %v", choice, got, want)
		}
	}
}

// A plot is rendered at its pane's size in pixels, and again when the window is resized.
func TestCurves_RenderedAtThePaneSize(t *testing.T) {
	u, w := newTestUI(t, &fakeRun{})
	u.d.maxPlot = report.Size{} // no bound: the pane's own size
	for _, size := range []fyne.Size{{Width: 1024, Height: 640}, {Width: 1280, Height: 800}} {
		w.Resize(size)
		p := u.ctrl.curves.loss
		got := p.image().Bounds()
		if want := p.Size(); got.Dx() != int(want.Width) || got.Dy() != int(want.Height) {
			t.Errorf("window %v: loss plot rendered at %dx%d, its pane is %v", size, got.Dx(), got.Dy(), want)
		}
	}
}

// Many resizes while a render runs cost one more render, at the last size.
func TestPlotPane_CoalescesRenders(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	var queue []func()
	u.d.background = func(f func()) { queue = append(queue, f) }
	p := u.ctrl.curves.loss
	before := p.renders
	for i := range 20 {
		p.Resize(fyne.NewSize(float32(400+10*i), 200))
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		f()
	}
	if n := p.renders - before; n > 2 {
		t.Errorf("20 resizes rendered %d times, want at most 2 (the one in flight and the last size)", n)
	}
	if got := p.image().Bounds().Dx(); got != 300 { // maxPlot of the tests bounds 590 px
		t.Errorf("after the resizes the image is %d px wide, want 300", got)
	}
}

// A run that stops at fit shows progress toward the fit, not toward its step cap; the bar never
// goes back, and after a stop it stays where the run was.
func TestProgress_TowardTheFitAndKeptAfterStop(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	c := u.ctrl
	p := testPreset()
	for i := range p.Runs {
		p.Runs[i].StopAfterFit, p.Runs[i].Batch = 1, 100
	}
	c.sess = newSession(p)
	c.show(c.prepare(runBegin{Started: experiments.Started{Config: p.Runs[0]}, index: 0}))
	c.show(c.prepare(experiments.Started{Config: p.Runs[0], StepsPerEpoch: 10, TotalSteps: 12000}))
	for e, acc := range []float64{0.5, 0.7} { // +0.2 an epoch: fit expected at step 40, stop at 50
		c.show(c.prepare(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: e + 1, Step: 10 * (e + 1), TrainAcc: acc}}))
	}
	c.show(c.prepare(experiments.StepProgress{Step: 25, Epoch: 3, TotalSteps: 12000, Loss: 1, ImagesPerSec: 1000, ETA: time.Hour}))
	if got := c.runPanel.bar.Value; got != 0.5 {
		t.Errorf("bar at step 25 of an expected 50: got %g, want 0.5 (not 25/12000)", got)
	}
	if s := c.runPanel.status.Text; !strings.Contains(s, "ETA ~3s") || !strings.Contains(s, "stops at fit") {
		t.Errorf("status %q: want the ETA to the fit (25 steps of 100 images at 1000 img/s: ~3s)", s)
	}
	// A slower epoch moves the estimate later, but the bar does not go back.
	c.show(c.prepare(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: 3, Step: 30, TrainAcc: 0.71}}))
	c.show(c.prepare(experiments.StepProgress{Step: 31, Epoch: 4, TotalSteps: 12000, Loss: 1, ImagesPerSec: 1000}))
	if got := c.runPanel.bar.Value; got < 0.5 {
		t.Errorf("bar went back to %g", got)
	}
	before := c.runPanel.bar.Value
	c.show(c.prepare(allDone{experiments.Finished{Err: context.Canceled}}))
	if got := c.runPanel.bar.Value; got != before {
		t.Errorf("after a stop the bar shows %g, want it kept at %g", got, before)
	}
}

// A run that goes on to a training loss (Figure 1a's zero loss) shows progress toward that
// loss, extrapolated from its epochs, not toward its step cap.
func TestProgress_TowardTheStopLoss(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	c := u.ctrl
	p := testPreset()
	for i := range p.Runs {
		p.Runs[i].StopAfterFit, p.Runs[i].StopLoss, p.Runs[i].Batch = -1, 0.01, 100
	}
	c.sess = newSession(p)
	c.show(c.prepare(runBegin{Started: experiments.Started{Config: p.Runs[0]}, index: 0}))
	c.show(c.prepare(experiments.Started{Config: p.Runs[0], StepsPerEpoch: 10, TotalSteps: 12000}))
	// The loss halves every 10 steps: from 0.5 at step 20 it reaches 0.01 after 10*log2(50) =
	// 56.4 more steps, checked at the end of the epoch: step 80.
	for e, loss := range []float64{1, 0.5} {
		c.show(c.prepare(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: e + 1, Step: 10 * (e + 1), TrainLoss: loss, TrainAcc: 0.5}}))
	}
	c.show(c.prepare(experiments.StepProgress{Step: 40, Epoch: 5, TotalSteps: 12000, Loss: 0.2, ImagesPerSec: 1000, ETA: time.Hour}))
	if got := c.runPanel.bar.Value; got != 0.5 {
		t.Errorf("bar at step 40 of an expected 80: got %g, want 0.5 (not 40/12000)", got)
	}
	if s := c.runPanel.status.Text; !strings.Contains(s, "stops at a loss of 0.01; at most 12000") || !strings.Contains(s, "ETA ~4s") {
		t.Errorf("status %q: want the stop at the loss and its ETA (40 steps of 100 images at 1000 img/s: ~4s)", s)
	}
}

// In the light theme unchecked boxes and radios are outlined darkly enough to be seen, and in
// the dark theme lightly enough.
func TestTheme_LightOutlinesVisible(t *testing.T) {
	a := test.NewTempApp(t)
	setTheme(a, themeLight)
	th := a.Settings().Theme()
	bg, border := th.Color("background", 0), th.Color("inputBorder", 0)
	if d := luminance(bg) - luminance(border); d < 0.3 {
		t.Errorf("light theme: outline %v on background %v differs by %.2f in brightness, want at least 0.3", border, bg, d)
	}
	setTheme(a, themeDark)
	th = a.Settings().Theme()
	bg, border = th.Color("background", 0), th.Color("inputBorder", 0)
	if d := luminance(border) - luminance(bg); d < 0.3 {
		t.Errorf("dark theme: outline %v on background %v differs by %.2f in brightness, want at least 0.3", border, bg, d)
	}
}
