package app

import (
	"fyne.io/fyne/v2"
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
	content            fyne.CanvasObject
	paused             bool
}

func newRunPanel(onStart, onPause, onStop func()) *runPanel {
	p := &runPanel{
		start:      widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), onStart),
		pause:      widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), onPause),
		stop:       widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), onStop),
		bar:        widget.NewProgressBar(),
		busy:       widget.NewProgressBarInfinite(),
		status:     widget.NewLabel("Pick a preset on the left, or press Start (Ctrl+Enter); Space pauses, Esc stops."),
		info:       widget.NewLabel(""),
		experiment: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
	}
	p.start.Importance = widget.HighImportance
	p.status.Truncation = fyne.TextTruncateEllipsis
	p.info.Truncation = fyne.TextTruncateEllipsis
	p.busy.Stop()
	p.busy.Hide()
	p.setRunning(false, false)
	buttons := container.NewHBox(p.start, p.pause, p.stop)
	bars := container.NewStack(p.bar, p.busy)
	top := container.NewBorder(nil, nil, buttons, nil, container.NewBorder(nil, nil, nil, nil, bars))
	p.content = container.NewVBox(top, container.NewBorder(nil, nil, container.NewHBox(p.experiment, widget.NewLabel("·")), nil, p.status), p.info)
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
		p.status.SetText("paused (Space resumes)")
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
		text += " · paused (Space resumes)"
	}
	p.status.SetText(text)
	p.info.SetText(v.info)
}
