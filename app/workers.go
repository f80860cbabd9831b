package app

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/tfgraph"
)

// workersPref is the key of the Workers setting in the app's preferences: the workers (rethink
// serve) that runs started from the app train on, "host:port,host:port"; empty for this machine.
const workersPref = "workers"

// workerTimeoutPref is the key of the Workers setting's call timeout: the longest one call to a
// worker may take, as rethink sweep --worker-timeout ("90s", "10m"; empty: tfgraph.RemoteTimeout).
const workerTimeoutPref = "workerTimeout"

// loadWorkerTimeout reads the call timeout of the Workers setting; a value that does not parse
// (edited by hand) counts as none, the default.
func loadWorkerTimeout(a fyne.App) time.Duration {
	if a == nil {
		return 0
	}
	s := strings.TrimSpace(a.Preferences().String(workerTimeoutPref))
	if s == "" {
		return 0
	}
	d, err := parseWorkerTimeout(s)
	if err != nil {
		fyne.LogError("rethink: the workers' call timeout setting is ignored", err)
		return 0
	}
	return d
}

// parseWorkerTimeout reads the call timeout field: blank is 0 (the default,
// tfgraph.RemoteTimeout), else a Go duration of at least a second.
func parseWorkerTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("call timeout %q: a duration such as 90s, 10m or 1h", s)
	}
	if d < time.Second {
		return 0, fmt.Errorf("call timeout %s: at least 1s (a call uploads the data set)", s)
	}
	return d, nil
}

func validateWorkerTimeout(s string) error {
	_, err := parseWorkerTimeout(s)
	return err
}

// loadWorkers reads the Workers setting; a value that does not parse (edited by hand) counts as
// none, so runs stay on this machine.
func loadWorkers(a fyne.App) []string {
	if a == nil {
		return nil
	}
	s := strings.TrimSpace(a.Preferences().String(workersPref))
	if s == "" {
		return nil
	}
	ws, err := experiments.ParseWorkers(s)
	if err != nil {
		fyne.LogError("rethink: the Workers setting is ignored", err)
		return nil
	}
	return ws
}

// validateWorkers is the Workers field's validator: blank (this machine) or host:port,...
func validateWorkers(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	_, err := experiments.ParseWorkers(s)
	if err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "experiments: "))
	}
	return nil
}

// placeOf says where a run trains, from its worker ("" for this machine) and the TensorFlow
// device it runs on: "this machine (CPU)", "the GPU of this machine", "127.0.0.1:2222 (CPU)",
// "the GPU of 10.0.0.5:2222".
func placeOf(worker, device string) string {
	where := "this machine"
	if worker != "" {
		where = worker
	}
	if strings.Contains(strings.ToUpper(device), "GPU") {
		return "the GPU of " + where
	}
	return where + " (CPU)"
}

// workersLabel is the run strip's button text: where the next runs go.
func workersLabel(ws []string) string {
	switch len(ws) {
	case 0:
		return "Runs on this machine"
	case 1:
		return "Runs on " + ws[0]
	}
	return fmt.Sprintf("Runs on %d workers", len(ws))
}

// workersDialog is the Workers setting: a field for host:port,... checked as it is typed, a Check
// button that asks each worker for its version and devices, and Save, which stores the field in
// the app's preferences (blank: runs stay on this machine).
type workersDialog struct {
	entry *widget.Entry
	// timeout is the call timeout (blank: the default).
	timeout *widget.Entry
	form    *widget.Form
	check   *widget.Button
	save    *widget.Button
	result  *widget.Label
	d       *dialog.CustomDialog
}

// newWorkersDialog builds the dialog on the window of u (on the UI goroutine). save is called
// with the parsed list and call timeout (0: the default) when Save is pressed with valid fields.
func (u *ui) newWorkersDialog(save func([]string, time.Duration)) *workersDialog {
	w := &workersDialog{entry: widget.NewEntry(), timeout: widget.NewEntry(), result: widget.NewLabel("")}
	w.result.Wrapping = fyne.TextWrapWord
	w.entry.SetPlaceHolder("blank: this machine; or host:port,host:port")
	w.entry.Validator = validateWorkers
	w.entry.SetText(strings.Join(u.workers, ","))
	w.check = widget.NewButtonWithIcon("Check workers", theme.SearchIcon(), func() { u.checkWorkers(w) })
	w.timeout.SetPlaceHolder("blank: " + durationText(tfgraph.RemoteTimeout) + ", the default")
	w.timeout.Validator = validateWorkerTimeout
	if u.workerTimeout > 0 {
		w.timeout.SetText(durationText(u.workerTimeout))
	}
	w.form = widget.NewForm(widget.NewFormItem("Workers", w.entry), widget.NewFormItem("Call timeout", w.timeout))
	w.form.Items[0].HintText = "rethink serve on each machine; results stay here"
	w.form.Items[1].HintText = "the longest one call may take (the data upload on a slow link); a lost worker is noticed after it"
	help := widget.NewLabel("Runs started here train on these workers, one run per worker at a time; a lost " +
		"worker's run continues on another. Reach a remote worker through an SSH tunnel: its gRPC " +
		"server has neither authentication nor encryption.")
	help.Wrapping = fyne.TextWrapWord
	w.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() {
		timeout, terr := parseWorkerTimeout(w.timeout.Text)
		if err := errors.Join(validateWorkers(w.entry.Text), terr); err != nil {
			w.result.SetText("Not saved: " + err.Error())
			return
		}
		var ws []string
		if strings.TrimSpace(w.entry.Text) != "" {
			ws, _ = experiments.ParseWorkers(w.entry.Text) // validated above
		}
		save(ws, timeout)
		w.d.Hide()
	})
	w.save.Importance = widget.HighImportance
	// Checked as they are typed: the problem is named under the fields and Save (and Check, for
	// the workers) wait for valid values (the form's own message shows only once the field loses
	// the focus).
	changed := func(string) {
		err := validateWorkers(w.entry.Text)
		terr := validateWorkerTimeout(w.timeout.Text)
		w.result.SetText("")
		if both := errors.Join(err, terr); both != nil {
			w.result.SetText("✗ " + strings.ReplaceAll(both.Error(), "\n", "\n✗ "))
		}
		if err != nil || strings.TrimSpace(w.entry.Text) == "" {
			w.check.Disable()
		} else {
			w.check.Enable()
		}
		if err != nil || terr != nil {
			w.save.Disable()
		} else {
			w.save.Enable()
		}
	}
	w.entry.OnChanged, w.timeout.OnChanged = changed, changed
	changed("")
	content := container.NewVBox(w.form, help, w.result)
	w.d = dialog.NewCustomWithoutButtons("Workers", content, u.win)
	w.d.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", func() { w.d.Hide() }), w.check, w.save})
	w.d.Resize(fyne.NewSize(640, 380))
	return w
}

// checkWorkers asks every worker of the field for its version and devices, off the UI
// goroutine, and shows one line a worker.
func (u *ui) checkWorkers(w *workersDialog) {
	ws, err := experiments.ParseWorkers(w.entry.Text)
	if err != nil {
		w.result.SetText(err.Error())
		return
	}
	w.result.SetText("Checking " + strings.Join(ws, ", ") + "…")
	w.check.Disable()
	u.d.background(func() {
		lines := make([]string, len(ws))
		var wg sync.WaitGroup
		for i, addr := range ws { // at once: an absent worker takes its timeout to answer
			wg.Add(1)
			go func() {
				defer wg.Done()
				lines[i] = describeWorker(u.d.probeWorker(addr))
			}()
		}
		wg.Wait()
		fyne.Do(func() {
			w.result.SetText(strings.Join(lines, "\n"))
			w.check.Enable()
		})
	})
}

// noWorkerText says that no worker of the setting could take the runs, one line a worker with
// its reason, and what to do.
func noWorkerText(err error) string {
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimPrefix(l, experiments.ErrNoWorker.Error()+": ")
		lines = append(lines, "• "+strings.TrimPrefix(l, tfgraph.ErrWorker.Error()+": "))
	}
	return "No worker of the Workers setting can take the runs:\n" + strings.Join(lines, "\n") +
		"\n\nStart rethink serve there (the same build), or change the setting (Run → Workers…; blank trains on this machine)."
}

// describeWorker is one line of the check: the worker's version and what runs train on there, or
// why it cannot be used.
func describeWorker(info experiments.WorkerInfo, err error) string {
	if err != nil {
		return "✗ " + strings.TrimPrefix(err.Error(), "tfgraph: worker unusable: ")
	}
	on := "its CPU"
	if info.GPU() {
		on = "its GPU"
	}
	return fmt.Sprintf("✓ %s: %s; runs train on %s", info.Addr, info.Version, on)
}

// showWorkers opens the Workers setting.
func (u *ui) showWorkers() {
	if u.win == nil {
		return
	}
	w := u.newWorkersDialog(u.setWorkers)
	u.ctrl.present(w.d, nil)
}

// setWorkers keeps ws and the call timeout (0: the default) as the Workers setting, in the
// app's preferences.
func (u *ui) setWorkers(ws []string, timeout time.Duration) {
	u.workers, u.workerTimeout = ws, timeout
	if u.app != nil {
		u.app.Preferences().SetString(workersPref, strings.Join(ws, ","))
		t := ""
		if timeout > 0 {
			t = durationText(timeout)
		}
		u.app.Preferences().SetString(workerTimeoutPref, t)
	}
	u.ctrl.runPanel.where.SetText(workersLabel(ws))
}

// durationText writes d as a user types it and time.ParseDuration reads it: "5m", "90s" (as
// 1m30s), "1h".
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
