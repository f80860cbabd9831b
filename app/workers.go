package app

import (
	"fmt"
	"strings"
	"sync"

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
	entry  *widget.Entry
	form   *widget.Form
	check  *widget.Button
	save   *widget.Button
	result *widget.Label
	d      *dialog.CustomDialog
}

// newWorkersDialog builds the dialog on the window of u (on the UI goroutine). save is called
// with the parsed list when Save is pressed with a valid field.
func (u *ui) newWorkersDialog(save func([]string)) *workersDialog {
	w := &workersDialog{entry: widget.NewEntry(), result: widget.NewLabel("")}
	w.result.Wrapping = fyne.TextWrapWord
	w.entry.SetPlaceHolder("blank: this machine; or host:port,host:port")
	w.entry.Validator = validateWorkers
	w.entry.SetText(strings.Join(u.workers, ","))
	w.check = widget.NewButtonWithIcon("Check workers", theme.SearchIcon(), func() { u.checkWorkers(w) })
	w.form = widget.NewForm(widget.NewFormItem("Workers", w.entry))
	w.form.Items[0].HintText = "rethink serve on each machine; results stay here"
	help := widget.NewLabel("Runs started here train on these workers, one run per worker at a time; a lost " +
		"worker's run continues on another. Reach a remote worker through an SSH tunnel: its gRPC " +
		"server has neither authentication nor encryption.")
	help.Wrapping = fyne.TextWrapWord
	w.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() {
		if err := validateWorkers(w.entry.Text); err != nil {
			w.result.SetText("Not saved: " + err.Error())
			return
		}
		var ws []string
		if strings.TrimSpace(w.entry.Text) != "" {
			ws, _ = experiments.ParseWorkers(w.entry.Text) // validated above
		}
		save(ws)
		w.d.Hide()
	})
	w.save.Importance = widget.HighImportance
	// Checked as it is typed: the problem is named under the field and Save and Check wait
	// for a valid value (the form's own message shows only once the field loses the focus).
	w.entry.OnChanged = func(s string) {
		err := validateWorkers(s)
		w.result.SetText("")
		if err != nil {
			w.result.SetText("✗ " + err.Error())
		}
		if err != nil || strings.TrimSpace(s) == "" {
			w.check.Disable()
		} else {
			w.check.Enable()
		}
		if err != nil {
			w.save.Disable()
		} else {
			w.save.Enable()
		}
	}
	w.entry.OnChanged(w.entry.Text)
	content := container.NewVBox(w.form, help, w.result)
	w.d = dialog.NewCustomWithoutButtons("Workers", content, u.win)
	w.d.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", func() { w.d.Hide() }), w.check, w.save})
	w.d.Resize(fyne.NewSize(620, 320))
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

// setWorkers keeps ws as the Workers setting, in the app's preferences.
func (u *ui) setWorkers(ws []string) {
	u.workers = ws
	if u.app != nil {
		u.app.Preferences().SetString(workersPref, strings.Join(ws, ","))
	}
	u.ctrl.runPanel.where.SetText(workersLabel(ws))
}
