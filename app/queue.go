package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Experiments in a row. Starting one while another runs asks whether to queue it (it starts
// when the queue's turn comes) or to stop the running one and start it at once. The queue is
// shown in the run strip, with a button that clears it. All on the UI goroutine.

// offerQueue asks what to do with p while an experiment runs.
func (u *ui) offerQueue(p Preset) {
	if u.win == nil {
		u.enqueue(p)
		return
	}
	running := u.ctrl.sess.title
	msg := widget.NewLabel(fmt.Sprintf("%q is running.\n\nStart %q after it (and after what is queued), or stop it and start %q now?\nA stopped run keeps what it wrote.",
		running, p.Title, p.Title))
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	queue := widget.NewButton("Queue it (Enter)", func() { d.Hide(); u.enqueue(p) })
	queue.Importance = widget.HighImportance
	now := widget.NewButton("Stop the run and start this", func() { d.Hide(); u.replaceRun(p) })
	cancel := widget.NewButton("Cancel (Esc)", func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons("Another experiment is running", msg, u.win)
	d.SetButtons([]fyne.CanvasObject{cancel, now, queue})
	d.Resize(fyne.NewSize(560, 220))
	u.ctrl.present(d, func() { u.enqueue(p) })
}

// enqueue adds p to the queue (or starts it when nothing runs any more).
func (u *ui) enqueue(p Preset) {
	if !u.ctrl.running {
		u.selected = p
		u.startSelected()
		return
	}
	u.queue = append(u.queue, p)
	u.showQueue()
}

// replaceRun stops the running experiment and starts p first when it ended.
func (u *ui) replaceRun(p Preset) {
	u.queue = append([]Preset{p}, u.queue...)
	u.showQueue()
	u.ctrl.Stop()
}

// next starts the first queued experiment, if any (after an experiment ended).
func (u *ui) next() {
	if len(u.queue) == 0 || u.ctrl.running || u.ctrl.closing {
		return
	}
	p := u.queue[0]
	u.queue = u.queue[1:]
	u.showQueue()
	u.selected = p
	u.startSelected()
}

// showQueue shows the queue in the run strip ("Next: A, then B"), hidden when empty.
func (u *ui) showQueue() {
	rp := u.ctrl.runPanel
	if u.table1 != nil {
		u.table1.refresh()
	}
	if len(u.queue) == 0 {
		rp.queue.Hide()
		return
	}
	names := make([]string, len(u.queue))
	for i, p := range u.queue {
		names[i] = p.Title
	}
	rp.queueText.SetText("Queued next: " + strings.Join(names, ", then "))
	rp.queue.Show()
}

// newQueueRow is the run strip's queue line: the queued experiments and a button that clears
// them.
func newQueueRow(onClear func()) (*fyne.Container, *widget.Label) {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	clear := widget.NewButton("Clear queue", onClear)
	clear.Importance = widget.LowImportance
	row := container.NewBorder(nil, nil, nil, clear, l)
	row.Hide()
	return row, l
}
