package app

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"rethink/experiments/data"
)

// Without a network the download says so in words (not "dial tcp: lookup ..."), and a server
// that never answers is given up after the stall time instead of "connecting…" for ever.
func TestDownload_OfflineAndStalled(t *testing.T) {
	u, w := newTestUI(t, &fakeRun{})
	var got []string
	onErr := func(err error) { got = append(got, err.Error()) }
	offline := func(ctx context.Context, dir string, progress func(data.Progress)) error {
		return fmt.Errorf("get: %w", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Name: "www.cs.toronto.edu", Err: "no such host", IsNotFound: true}})
	}
	startDownload(w, u.d, t.TempDir(), offline, onErr, nil, func() { t.Error("then called after a failure") })
	u.d.downloadStall = 50 * time.Millisecond
	silent := func(ctx context.Context, dir string, progress func(data.Progress)) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return nil
		}
	}
	startDownload(w, u.d, t.TempDir(), silent, onErr, nil, func() { t.Error("then called after a stall") })
	if len(got) != 2 {
		t.Fatalf("errors: %q, want two", got)
	}
	if !strings.HasPrefix(got[0], "no network") || strings.Contains(got[0], "dial tcp") {
		t.Errorf("offline: %q, want it to say there is no network, in words", got[0])
	}
	if !strings.HasPrefix(got[1], "no answer") {
		t.Errorf("stalled: %q, want no answer from the server", got[1])
	}
}

// "Show its data" on CIFAR-10 that is not there offers the download; the form has the data
// folder the message points to.
func TestShowData_OffersCIFARDownload(t *testing.T) {
	u, w := newTestUI(t, &fakeRun{})
	cfg := quickDefault()
	cfg.Dataset = "cifar10"
	u.custom.Load(cfg)
	u.custom.dataDir.SetText(t.TempDir())
	got, err := u.custom.Config()
	if err != nil || got.DataDir != u.custom.dataDir.Text {
		t.Fatalf("data folder: config %q (%v), want the field's %q", got.DataDir, err, u.custom.dataDir.Text)
	}
	u.showData(got)
	if w.Canvas().Overlays().Top() == nil || u.ctrl.modal == nil {
		t.Error("Show its data on missing CIFAR-10 offered no download")
	}
}
