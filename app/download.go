package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
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
	// cancelled is set when the user cancelled.
	cancelled bool
}

// offerCIFARDownload asks whether to download CIFAR-10 into dir and, on yes, starts it with
// ensureCIFAR: then runs once the files are in place, onErr hears a failure, and onCancel
// (when not nil) hears the user say no or cancel the download. It returns the question's
// dialog, already shown. Call it on the UI goroutine.
func offerCIFARDownload(w fyne.Window, dp *deps, present func(dialog.Dialog, func()), dir string, onErr func(error), onCancel, then func()) dialog.Dialog {
	msg := fmt.Sprintf("This experiment uses CIFAR-10, which is not in\n%s.\n\nDownload it now (about 170 MB, resumable)?", dir)
	cancelled := func() {
		if onCancel != nil {
			onCancel()
		}
	}
	started := false // Enter starts the download, then hides the question (which answers no)
	start := func() {
		if started {
			return
		}
		started = true
		startDownload(w, dp, dir, ensureCIFAR, onErr, func() {
			cancelled()
			present(dialog.NewInformation("Download cancelled",
				"What was downloaded so far is kept in\n"+dir+"\nand the next download resumes from it.", w), nil)
		}, then)
	}
	d := dialog.NewConfirm("Download CIFAR-10?", msg, func(ok bool) {
		if ok {
			start()
		} else if !started {
			cancelled()
		}
	}, w)
	present(d, start)
	return d
}

// fetchFunc puts CIFAR-10 into dir, reporting progress from its own goroutine; ensureCIFAR is
// the real one.
type fetchFunc func(ctx context.Context, dir string, progress func(data.Progress)) error

// errStalled ends a download that received nothing for deps.downloadStall.
var errStalled = errors.New("no answer from the download server")

// explainDownload says what a failed download means for a user: no network (the server's name
// could not be looked up), a server out of reach, or no answer; and what to do.
func explainDownload(err error) error {
	const what = "Connect to the network and try again: the download resumes where it stopped. " +
		"Or put the CIFAR-10 binary files in a folder and name it in the custom panel's Data folder field."
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return fmt.Errorf("no network: the download server %s could not be looked up.\n\n%s", dns.Name, what)
	case errors.Is(err, errStalled):
		return fmt.Errorf("no answer from the download server.\n\n%s", what)
	case errors.As(err, &op):
		return fmt.Errorf("the download server could not be reached (%v).\n\n%s", op.Err, what)
	}
	return fmt.Errorf("%w\n\n%s", err, what)
}

// startDownload shows the download dialog and runs fetch on a goroutine (through
// dp.background); Cancel (closing the dialog) cancels it and calls onCancelled (when not nil);
// a transfer that stalls for dp.downloadStall is given up and onErr hears why; then runs once
// the files are in place. It returns the dialog. Call it on the UI goroutine.
func startDownload(w fyne.Window, dp *deps, dir string, fetch fetchFunc, onErr func(error), onCancelled, then func()) *downloadDialog {
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	stalled := false
	stall := dp.downloadStall
	watchdog := time.AfterFunc(stall, func() {
		mu.Lock()
		stalled = true
		mu.Unlock()
		cancel()
	})
	d := &downloadDialog{bar: widget.NewProgressBar(), status: widget.NewLabel("connecting…")}
	body := container.NewVBox(widget.NewLabel("Downloading CIFAR-10 into "+dir), d.bar, d.status)
	d.dlg = dialog.NewCustom("CIFAR-10", "Cancel", body, w)
	d.dlg.SetOnClosed(cancel)
	d.dlg.Resize(fyne.NewSize(480, 160))
	d.dlg.Show()
	dp.background(func() {
		err := fetch(ctx, dir, func(p data.Progress) {
			watchdog.Reset(stall)
			fyne.Do(func() { d.show(p) })
		})
		watchdog.Stop()
		mu.Lock()
		if stalled && err != nil {
			err = errStalled
		}
		mu.Unlock()
		fyne.Do(func() {
			d.dlg.Hide()
			cancel()
			switch {
			case errors.Is(err, context.Canceled):
				d.cancelled = true
				if onCancelled != nil {
					onCancelled()
				}
			case err != nil:
				onErr(explainDownload(err))
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
