package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// runPanel is the always-visible strip: Start, Pause, Stop, the progress bar, what the run is
// doing (step, epoch, ETA, images/s) and where (device, parameters, data).
type runPanel struct {
	start, pause, stop *widget.Button
	bar                *widget.ProgressBar
	busy               *widget.ProgressBarInfinite
	status             *widget.Label
	info               *widget.Label
	experiment         *widget.Label
	// where says where runs train (this machine, or the workers of the Workers setting) and
	// opens that setting.
	where *widget.Button
	// runs shows where a multi-run experiment stands, one segment a run, under the bar.
	runs *runsStrip
	// queue lists the experiments queued after this one (hidden when none).
	queue     *fyne.Container
	queueText *widget.Label
	// canStart says whether Start may be enabled when idle (the custom form on screen must be
	// valid); nil: always.
	canStart func() bool
	content  fyne.CanvasObject
	paused   bool
	// run and of are the current run and the number of runs shown in the bar's text (of < 2:
	// the bar's text is the percentage alone).
	run, of int
}

// idleHint is the run strip's status before anything ran.
const idleHint = "Pick a preset on the left, or press Start (Ctrl+Enter); Ctrl+Space pauses, Esc stops."

func newRunPanel(onStart, onPause, onStop, onClearQueue func()) *runPanel {
	p := &runPanel{
		start:      widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), onStart),
		pause:      widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), onPause),
		stop:       widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), onStop),
		bar:        widget.NewProgressBar(),
		busy:       widget.NewProgressBarInfinite(),
		status:     widget.NewLabel(idleHint),
		info:       widget.NewLabel(""),
		experiment: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		where:      widget.NewButtonWithIcon(workersLabel(nil), theme.ComputerIcon(), nil),
	}
	p.where.Importance = widget.LowImportance
	p.runs = newRunsStrip()
	p.queue, p.queueText = newQueueRow(onClearQueue)
	p.bar.TextFormatter = func() string {
		pct := fmt.Sprintf("%.0f%%", 100*p.bar.Value)
		if p.of < 2 {
			return pct
		}
		return fmt.Sprintf("run %d of %d · %s", p.run, p.of, pct)
	}
	p.start.Importance = widget.HighImportance
	p.status.Truncation = fyne.TextTruncateEllipsis
	p.info.Truncation = fyne.TextTruncateEllipsis
	p.busy.Stop()
	p.busy.Hide()
	p.setRunning(false, false)
	buttons := container.NewHBox(p.start, p.pause, p.stop)
	bars := container.NewBorder(nil, p.runs.content, nil, nil, container.NewStack(p.bar, p.busy))
	// The VBox keeps the buttons as high as the bar, level with it, above the strip.
	top := container.NewBorder(nil, nil, container.NewVBox(buttons), nil, bars)
	p.content = container.NewVBox(top, container.NewBorder(nil, nil, container.NewHBox(p.experiment, widget.NewLabel("·")), nil, p.status),
		container.NewBorder(nil, nil, nil, p.where, p.info), p.queue)
	return p
}

// setRunning enables the buttons that make sense: Start only when idle (it comes back with the
// experiment's end), Pause and Stop only while running.
func (p *runPanel) setRunning(running, paused bool) {
	if running {
		p.start.Disable()
		p.pause.Enable()
		p.stop.Enable()
	} else {
		p.start.Enable()
		if p.canStart != nil && !p.canStart() {
			p.start.Disable()
		}
		p.pause.Disable()
		p.stop.Disable()
		p.busy.Stop()
		p.busy.Hide()
		p.bar.Show()
	}
	p.paused = paused
	if paused {
		p.pause.SetText("Resume")
		p.pause.SetIcon(theme.MediaPlayIcon())
		p.status.SetText("paused (Ctrl+Space resumes)")
	} else {
		p.pause.SetText("Pause")
		p.pause.SetIcon(theme.MediaPauseIcon())
	}
}

func (p *runPanel) showProgress(v progressView) {
	if v.indefinite {
		p.bar.Hide()
		p.busy.Show()
		p.busy.Start()
	} else {
		p.busy.Stop()
		p.busy.Hide()
		p.bar.Show()
		p.bar.SetValue(v.frac)
	}
	text := v.text
	if p.paused && v.runsRunning {
		text += " · paused (Ctrl+Space resumes)"
	}
	p.status.SetText(text)
	p.info.SetText(v.info)
	p.run, p.of = v.run, v.runs
	p.bar.Refresh() // its text names the run
	if v.fracs != nil {
		p.runs.setEach(v.fracs)
	} else {
		p.runs.set(v.run, v.runs, v.frac)
	}
}

// runsStrip is a thin bar of one segment per run: the runs done are full, the current one is
// as full as it got, the rest empty. It is empty (but keeps its height, so that nothing moves
// when an experiment starts) for experiments of one run. Use it on the UI goroutine.
type runsStrip struct {
	fill    []float64
	content *fyne.Container
}

func newRunsStrip() *runsStrip {
	s := &runsStrip{}
	s.content = container.New(&stripLayout{s: s})
	return s
}

// set shows run (1 to runs) at frac of its steps; runs < 2 empties the strip.
func (s *runsStrip) set(run, runs int, frac float64) {
	if runs < 2 {
		s.fill, s.content.Objects = nil, nil
		s.content.Refresh()
		return
	}
	if len(s.fill) != runs {
		s.fill = make([]float64, runs)
		objs := make([]fyne.CanvasObject, 0, 2*runs)
		for range runs {
			bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBorder))
			fg := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
			bg.CornerRadius, fg.CornerRadius = 2, 2
			objs = append(objs, bg, fg)
		}
		s.content.Objects = objs
	}
	for i := range s.fill {
		switch {
		case i < run-1:
			s.fill[i] = 1
		case i == run-1:
			s.fill[i] = frac
		default:
			s.fill[i] = 0
		}
	}
	s.content.Refresh()
}

// setEach shows each run at its own fraction of its steps (runs that train at the same time, on
// workers); fewer than two empties the strip.
func (s *runsStrip) setEach(fracs []float64) {
	s.set(0, len(fracs), 0)
	if len(fracs) >= 2 {
		copy(s.fill, fracs)
		s.content.Refresh()
	}
}

// stripLayout places the strip's segments (a background and a fill rectangle each) side by
// side with small gaps.
type stripLayout struct{ s *runsStrip }

const stripGap, stripHeight = 4, 6

func (l *stripLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, stripHeight+theme.Padding())
}

func (l *stripLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	n := len(objs) / 2
	if n == 0 || len(l.s.fill) != n {
		return
	}
	w := (size.Width - stripGap*float32(n-1)) / float32(n)
	y := size.Height - stripHeight
	for i := range n {
		x := float32(i) * (w + stripGap)
		objs[2*i].Move(fyne.NewPos(x, y))
		objs[2*i].Resize(fyne.NewSize(w, stripHeight))
		objs[2*i+1].Move(fyne.NewPos(x, y))
		objs[2*i+1].Resize(fyne.NewSize(w*float32(l.s.fill[i]), stripHeight))
	}
}
