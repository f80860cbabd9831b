package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/data"
)

// ensureCIFAR downloads CIFAR-10 (a variable so that tests never touch the network).
var ensureCIFAR fetchFunc = func(ctx context.Context, dir string, progress func(data.Progress)) error {
	_, err := data.EnsureCIFAR10(ctx, nil, dir, data.CIFAR10URL, data.CIFAR10MD5, progress)
	return err
}

// missingCIFAR returns the data folder of the first run that needs CIFAR-10 and does not find
// it, and whether there is one. It only looks at the file system.
func missingCIFAR(runs []experiments.Config) (string, bool) {
	for _, cfg := range runs {
		if cfg.Dataset != data.CIFAR10Name {
			continue
		}
		dir := cfg.DataDir
		if dir == "" {
			dir = data.DefaultDataDir()
		}
		if _, err := data.FindCIFAR10(dir); err != nil {
			return dir, true
		}
	}
	return "", false
}

// downloadDialog offers the CIFAR-10 download, shows its progress with a Cancel button, and
// calls then on the UI goroutine once the files are in place.
type downloadDialog struct {
	bar    *widget.ProgressBar
	status *widget.Label
	dlg    dialog.Dialog
}

// offerCIFARDownload asks whether to download CIFAR-10 into dir and, on yes, starts it with
// ensureCIFAR. It returns the question's dialog, already shown. Call it on the UI goroutine.
func offerCIFARDownload(w fyne.Window, bg func(func()), present func(dialog.Dialog, func()), dir string, onErr func(error), then func()) dialog.Dialog {
	msg := fmt.Sprintf("This experiment uses CIFAR-10, which is not in\n%s.\n\nDownload it now (about 170 MB, resumable)?", dir)
	d := dialog.NewConfirm("Download CIFAR-10?", msg, func(ok bool) {
		if ok {
			startDownload(w, bg, dir, ensureCIFAR, onErr, then)
		}
	}, w)
	present(d, func() { startDownload(w, bg, dir, ensureCIFAR, onErr, then) })
	return d
}

// fetchFunc puts CIFAR-10 into dir, reporting progress from its own goroutine; ensureCIFAR is
// the real one.
type fetchFunc func(ctx context.Context, dir string, progress func(data.Progress)) error

// startDownload shows the download dialog and runs fetch on a goroutine (through bg);
// Cancel (closing the dialog) cancels it. It returns the dialog. Call it on the UI goroutine.
func startDownload(w fyne.Window, bg func(func()), dir string, fetch fetchFunc, onErr func(error), then func()) *downloadDialog {
	ctx, cancel := context.WithCancel(context.Background())
	d := &downloadDialog{bar: widget.NewProgressBar(), status: widget.NewLabel("connecting…")}
	body := container.NewVBox(widget.NewLabel("Downloading CIFAR-10 into "+dir), d.bar, d.status)
	d.dlg = dialog.NewCustom("CIFAR-10", "Cancel", body, w)
	d.dlg.SetOnClosed(cancel)
	d.dlg.Resize(fyne.NewSize(480, 160))
	d.dlg.Show()
	bg(func() {
		err := fetch(ctx, dir, func(p data.Progress) {
			fyne.Do(func() { d.show(p) })
		})
		fyne.Do(func() {
			d.dlg.Hide()
			cancel()
			switch {
			case errors.Is(err, context.Canceled):
			case err != nil:
				onErr(fmt.Errorf("%w\n\nCheck the network and try again: the download resumes where it stopped", err))
			default:
				then()
			}
		})
	})
	return d
}

func (d *downloadDialog) show(p data.Progress) {
	if p.Total > 0 {
		d.bar.SetValue(float64(p.Done) / float64(p.Total))
	}
	eta := ""
	if p.ETA > 0 {
		eta = " · " + p.ETA.Round(time.Second).String() + " left"
	}
	d.status.SetText(fmt.Sprintf("%.1f of %.1f MB · %.1f MB/s%s", float64(p.Done)/1e6, float64(p.Total)/1e6, p.BytesPerSec/1e6, eta))
}
