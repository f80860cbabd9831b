package app

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"

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
