package data

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fileServer serves one file and records the Range header of every request.
// Its handle function decides how to answer request number n (from 0).
type fileServer struct {
	body   []byte
	handle func(n int, w http.ResponseWriter, r *http.Request, body []byte)

	mu     sync.Mutex
	ranges []string
}

func (s *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.ranges)
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.mu.Unlock()
	if s.handle == nil {
		serveFull(n, w, r, s.body)
		return
	}
	s.handle(n, w, r, s.body)
}

// requests returns the Range headers seen so far.
func (s *fileServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges...)
}

// serveFull answers like a normal file server, honouring Range.
func serveFull(_ int, w http.ResponseWriter, r *http.Request, body []byte) {
	http.ServeContent(w, r, "file.tar.gz", time.Time{}, bytes.NewReader(body))
}

// serveHalfThenAbort announces the whole body, sends half and drops the
// connection.
func serveHalfThenAbort(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler) // net/http closes the connection without logging
}

func md5hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// newFileServer starts a server for s, closed at the end of the test.
func newFileServer(t *testing.T, s *fileServer) *httptest.Server {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func TestDownload(t *testing.T) {
	body := newTinyCIFAR(4).archive(t)
	fsrv := &fileServer{body: body}
	srv := newFileServer(t, fsrv)
	dest := filepath.Join(t.TempDir(), "sub", "file.tar.gz")

	var calls []Progress
	start := time.Now()
	err := Download(context.Background(), srv.Client(), srv.URL, dest, strings.ToUpper(md5hex(body)), func(p Progress) {
		calls = append(calls, p)
	})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	got, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("downloaded %d bytes differ from the %d served", len(got), len(body))
	}
	if _, err := os.Stat(dest + ".part"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(.part) = %v, want not exist", err)
	}
	if got, want := fsrv.requests(), []string{""}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Range headers = %q, want %q", got, want)
	}

	// Progress: at least the final call, Done never decreasing, Total the file size.
	if len(calls) == 0 {
		t.Fatal("progress was never called")
	}
	if limit := int(elapsed/progressInterval) + 2; len(calls) > limit {
		t.Errorf("progress called %d times in %v, want at most %d", len(calls), elapsed, limit)
	}
	last := calls[len(calls)-1]
	if last.Done != int64(len(body)) || last.Total != int64(len(body)) {
		t.Errorf("last progress %+v, want Done = Total = %d", last, len(body))
	}
	for i, p := range calls {
		if i > 0 && p.Done < calls[i-1].Done {
			t.Errorf("progress went back from %d to %d", calls[i-1].Done, p.Done)
		}
		if p.Total != int64(len(body)) || p.Done > p.Total || p.Done < 0 {
			t.Errorf("progress %+v, want 0 <= Done <= Total = %d", p, len(body))
		}
		if p.BytesPerSec < 0 || math.IsNaN(p.BytesPerSec) || math.IsInf(p.BytesPerSec, 0) || p.ETA < 0 {
			t.Errorf("progress %+v has a bad rate or ETA", p)
		}
	}
}

func TestDownload_Resume(t *testing.T) {
	body := newTinyCIFAR(4).archive(t)
	fsrv := &fileServer{body: body, handle: func(n int, w http.ResponseWriter, r *http.Request, body []byte) {
		if n == 0 {
			serveHalfThenAbort(w, body)
		}
		serveFull(n, w, r, body)
	}}
	srv := newFileServer(t, fsrv)
	dest := filepath.Join(t.TempDir(), "file.tar.gz")

	err := Download(context.Background(), srv.Client(), srv.URL, dest, md5hex(body), nil)
	if err == nil {
		t.Fatal("first Download succeeded, want an error from the broken transfer")
	}
	if got, want := err.Error(), "resume"; !strings.Contains(got, want) {
		t.Errorf("error %q does not say %q", got, want)
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(dest) after a broken transfer = %v, want not exist", err)
	}
	info, err := os.Stat(dest + ".part")
	if err != nil {
		t.Fatalf("the .part file is gone: %v", err)
	}
	have := info.Size()
	if have <= 0 || have > int64(len(body)/2) {
		t.Errorf(".part has %d bytes, want 1 to %d", have, len(body)/2)
	}

	var calls []Progress
	if err := Download(context.Background(), srv.Client(), srv.URL, dest, md5hex(body), func(p Progress) { calls = append(calls, p) }); err != nil {
		t.Fatalf("resumed Download: %v", err)
	}
	got, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("resumed file differs from the served one")
	}
	reqs := fsrv.requests()
	if got, want := len(reqs), 2; got != want {
		t.Fatalf("%d requests, want %d", got, want)
	}
	if got, want := reqs[1], "bytes="+strconv.Itoa(int(have))+"-"; got != want {
		t.Errorf("Range of the resume = %q, want %q", got, want)
	}
	if len(calls) == 0 || calls[0].Done <= have {
		t.Errorf("progress of the resume = %+v, want counts that include the %d bytes already there", calls, have)
	}
}

func TestDownload_ServerIgnoresRange(t *testing.T) {
	body := newTinyCIFAR(2).archive(t)
	fsrv := &fileServer{body: body, handle: func(_ int, w http.ResponseWriter, _ *http.Request, body []byte) {
		w.Write(body) // a 200 with everything, whatever the Range
	}}
	srv := newFileServer(t, fsrv)
	dest := filepath.Join(t.TempDir(), "file.tar.gz")
	if err := os.WriteFile(dest+".part", []byte("stale bytes of some other attempt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Download(context.Background(), srv.Client(), srv.URL, dest, md5hex(body), nil); err != nil {
		t.Fatalf("Download: %v", err)
	}
	got, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("file differs from the served one")
	}
	if reqs := fsrv.requests(); len(reqs) != 1 || !strings.HasPrefix(reqs[0], "bytes=") {
		t.Errorf("Range headers = %q, want one Range request", reqs)
	}
}

func TestDownload_CompletePart(t *testing.T) {
	// A .part that already holds everything: the server answers 416 to the Range.
	body := newTinyCIFAR(1).archive(t)
	fsrv := &fileServer{body: body}
	srv := newFileServer(t, fsrv)
	dest := filepath.Join(t.TempDir(), "file.tar.gz")
	if err := os.WriteFile(dest+".part", body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Download(context.Background(), srv.Client(), srv.URL, dest, md5hex(body), nil); err != nil {
		t.Fatalf("Download: %v", err)
	}
	if got, err := os.ReadFile(dest); err != nil || !bytes.Equal(got, body) {
		t.Errorf("ReadFile = %d bytes, %v; want the served file", len(got), err)
	}
}

func TestDownload_Checksum(t *testing.T) {
	body := newTinyCIFAR(2).archive(t)
	srv := newFileServer(t, &fileServer{body: body})
	dest := filepath.Join(t.TempDir(), "file.tar.gz")
	err := Download(context.Background(), srv.Client(), srv.URL, dest, md5hex([]byte("something else")), nil)
	if got, want := errors.Is(err, ErrChecksum), true; got != want {
		t.Fatalf("errors.Is(%v, ErrChecksum) = %v, want %v", err, got, want)
	}
	for _, p := range []string{dest, dest + ".part"} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%s) = %v, want not exist", p, err)
		}
	}
}

func TestDownload_Errors(t *testing.T) {
	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)
	dir := t.TempDir()
	tests := map[string]struct {
		url, dest, md5 string
		wantErr        error
		want           string
	}{
		"404":            {url: notFound.URL, dest: filepath.Join(dir, "a"), want: "404"},
		"bad checksum":   {url: notFound.URL, dest: filepath.Join(dir, "b"), md5: "xyz", wantErr: ErrInvalid, want: "32 hex digits"},
		"no destination": {url: notFound.URL, wantErr: ErrInvalid, want: "no destination"},
		"bad address":    {url: "http://[::1", dest: filepath.Join(dir, "c"), want: "download"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := Download(context.Background(), notFound.Client(), tt.url, tt.dest, tt.md5, nil)
			if err == nil {
				t.Fatal("Download succeeded, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.wantErr)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
		})
	}
}

func TestDownload_Cancel(t *testing.T) {
	body := newTinyCIFAR(4).archive(t)
	fsrv := &fileServer{body: body, handle: func(n int, w http.ResponseWriter, r *http.Request, body []byte) {
		if n > 0 {
			serveFull(n, w, r, body)
			return
		}
		// Send half, then stall until the client gives up.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}}
	srv := newFileServer(t, fsrv)
	dest := filepath.Join(t.TempDir(), "file.tar.gz")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := Download(ctx, srv.Client(), srv.URL, dest, md5hex(body), func(p Progress) {
		if p.Done > 0 {
			cancel()
		}
	})
	if got, want := errors.Is(err, context.Canceled), true; got != want {
		t.Fatalf("errors.Is(%v, context.Canceled) = %v, want %v", err, got, want)
	}
	info, err := os.Stat(dest + ".part")
	if err != nil {
		t.Fatalf("the .part file is gone after cancel: %v", err)
	}
	if info.Size() == 0 {
		t.Error(".part is empty after cancel")
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(dest) = %v, want not exist", err)
	}

	// A later call resumes where the cancelled one stopped.
	if err := Download(context.Background(), srv.Client(), srv.URL, dest, md5hex(body), nil); err != nil {
		t.Fatalf("Download after cancel: %v", err)
	}
	if reqs := fsrv.requests(); len(reqs) != 2 || reqs[1] != "bytes="+strconv.Itoa(int(info.Size()))+"-" {
		t.Errorf("Range headers = %q, want the second to resume at %d", reqs, info.Size())
	}
}

func TestEnsureCIFAR10(t *testing.T) {
	c := newTinyCIFAR(3)
	archive := c.archive(t)
	fsrv := &fileServer{body: archive}
	srv := newFileServer(t, fsrv)
	dataDir := filepath.Join(t.TempDir(), "data")

	dir, err := EnsureCIFAR10(context.Background(), srv.Client(), dataDir, srv.URL, md5hex(archive), nil)
	if err != nil {
		t.Fatalf("EnsureCIFAR10: %v", err)
	}
	if got, want := dir, filepath.Join(dataDir, CIFAR10BatchesDir); got != want {
		t.Errorf("EnsureCIFAR10 = %q, want %q", got, want)
	}
	ds, err := LoadCIFAR10(dir)
	if err != nil {
		t.Fatalf("LoadCIFAR10: %v", err)
	}
	checkTinyCIFAR(t, ds, c)

	entries, err := os.ReadDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entries), 1; got != want {
		t.Errorf("data folder holds %d entries, want only %s (no archive, no temporary folder)", got, CIFAR10BatchesDir)
	}

	// A second call finds the folder and does not download again.
	if _, err := EnsureCIFAR10(context.Background(), srv.Client(), dataDir, srv.URL, md5hex(archive), nil); err != nil {
		t.Fatalf("second EnsureCIFAR10: %v", err)
	}
	if got, want := len(fsrv.requests()), 1; got != want {
		t.Errorf("%d requests, want %d", got, want)
	}
}

func TestEnsureCIFAR10_BadArchive(t *testing.T) {
	tests := map[string]struct {
		archive []byte
		wantErr error
		want    string
	}{
		"not gzip":         {[]byte("<html>moved</html>"), ErrFormat, "not a gzip file"},
		"python version":   {tarGz(t, []tarEntry{{name: "cifar-10-batches-py/data_batch_1", body: []byte("x")}}), ErrFormat, "no cifar-10-batches-bin folder"},
		"path outside":     {tarGz(t, []tarEntry{{name: "../evil.bin", body: []byte("x")}}), ErrFormat, "outside"},
		"absolute path":    {tarGz(t, []tarEntry{{name: "/tmp/evil.bin", body: []byte("x")}}), ErrFormat, "outside"},
		"truncated tar.gz": {newTinyCIFAR(2).archive(t)[:5000], nil, "unpack"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newFileServer(t, &fileServer{body: tt.archive})
			parent := t.TempDir()
			dataDir := filepath.Join(parent, "data")
			_, err := EnsureCIFAR10(context.Background(), srv.Client(), dataDir, srv.URL, "", nil)
			if err == nil {
				t.Fatal("EnsureCIFAR10 succeeded, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.wantErr)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
			if _, err := os.Stat(filepath.Join(parent, "evil.bin")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a file escaped the data folder: %v", err)
			}
			entries, _ := os.ReadDir(dataDir)
			if len(entries) != 0 {
				t.Errorf("data folder keeps %d entries after a bad archive, want none", len(entries))
			}
		})
	}
}

func TestEnsureCIFAR10_Cancelled(t *testing.T) {
	srv := newFileServer(t, &fileServer{body: newTinyCIFAR(1).archive(t)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := EnsureCIFAR10(ctx, srv.Client(), t.TempDir(), srv.URL, "", nil)
	if got, want := errors.Is(err, context.Canceled), true; got != want {
		t.Errorf("errors.Is(%v, context.Canceled) = %v, want %v", err, got, want)
	}
}

func TestDefaultDataDir(t *testing.T) {
	t.Setenv("RETHINK_DATA", "/some/where")
	if got, want := DefaultDataDir(), "/some/where"; got != want {
		t.Errorf("DefaultDataDir() = %q, want %q", got, want)
	}
	t.Setenv("RETHINK_DATA", "")
	if got, want := filepath.Base(DefaultDataDir()), "data"; got != want {
		t.Errorf("DefaultDataDir() = %q, want a folder named %q", DefaultDataDir(), want)
	}
}

// TestDownload_NothingReceivedLeavesNoPart: without a network (here a server that is gone, and
// one that answers 404) a download failed and left an empty .part file in the data folder; an
// attempt that received nothing leaves nothing, and a .part with bytes is kept for a resume.
func TestDownload_NothingReceivedLeavesNoPart(t *testing.T) {
	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)
	gone := httptest.NewServer(http.NotFoundHandler()) // its port is not reused by notFound
	goneURL := gone.URL
	gone.Close()
	dir := t.TempDir()
	for name, url := range map[string]string{"no server": goneURL, "404": notFound.URL} {
		dest := filepath.Join(dir, name+".tar.gz")
		if err := Download(context.Background(), notFound.Client(), url, dest, "", nil); err == nil {
			t.Fatalf("%s: Download succeeded", name)
		}
		if _, err := os.Stat(dest + ".part"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %s.part is left behind (stat: %v)", name, filepath.Base(dest), err)
		}
	}
	// Bytes already received stay for the next attempt.
	dest := filepath.Join(dir, "kept.tar.gz")
	if err := os.WriteFile(dest+".part", []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Download(context.Background(), notFound.Client(), goneURL, dest, "", nil); err == nil {
		t.Fatal("Download succeeded")
	}
	if b, err := os.ReadFile(dest + ".part"); err != nil || string(b) != "12345" {
		t.Errorf("the partial download was not kept: %q, %v", b, err)
	}
}
