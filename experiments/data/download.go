package data

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CIFAR10URL is where the binary version of CIFAR-10 is published (a 170 MB
// tar.gz holding the folder cifar-10-batches-bin).
const CIFAR10URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"

// CIFAR10MD5 is the MD5 checksum (hex) of the archive at CIFAR10URL, as
// published on the CIFAR-10 page.
const CIFAR10MD5 = "c32a1d4ab5d03f1284b67883e8d87530"

// cifar10Archive is the file name the archive is downloaded to in the data
// folder; it is deleted after a successful unpack.
const cifar10Archive = "cifar-10-binary.tar.gz"

// progressInterval is the shortest time between two progress reports.
const progressInterval = 100 * time.Millisecond

// Progress describes a running download. Done and Total count bytes of the
// whole file, including the part fetched by an earlier, interrupted attempt;
// Total is -1 when the server did not say. BytesPerSec is the average rate of
// the current transfer in bytes per second, and ETA the estimated time left
// (0 when unknown).
type Progress struct {
	Done, Total int64
	BytesPerSec float64
	ETA         time.Duration
}

// Download fetches url into the file dest atomically. It writes dest+".part"
// and, when that file exists from an interrupted attempt, resumes it with an
// HTTP Range request; when the server ignores the Range (answers 200) it
// starts over. When md5hex is not empty, the MD5 of the whole file must equal
// it (hex, any case): a mismatch deletes the .part file and returns an error
// wrapping ErrChecksum. dest appears only when the file is complete and
// correct; an existing dest is replaced. Cancelling ctx stops the transfer
// and keeps the .part file for a later resume; the error then wraps
// ctx.Err(). progress, which may be nil, is called from the calling goroutine
// at most about 10 times a second while bytes arrive, and once at the end
// with Done == Total. A nil client means http.DefaultClient.
func Download(ctx context.Context, client *http.Client, url, dest, md5hex string, progress func(Progress)) error {
	if client == nil {
		client = http.DefaultClient
	}
	if dest == "" {
		return fmt.Errorf("download %s: %w: no destination file", url, ErrInvalid)
	}
	md5hex = strings.ToLower(strings.TrimSpace(md5hex))
	if md5hex != "" {
		if b, err := hex.DecodeString(md5hex); err != nil || len(b) != md5.Size {
			return fmt.Errorf("download %s: %w: %q is not an MD5 checksum (32 hex digits)", url, ErrInvalid, md5hex)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("download %s: create the folder for %s: %w", url, dest, err)
	}
	part := dest + ".part"
	var size int64
	for attempt := 0; ; attempt++ {
		var restart bool
		var err error
		size, restart, err = fetchPart(ctx, client, url, part, progress)
		if err != nil {
			// An attempt that received nothing (no network, a refused request) leaves no
			// empty .part behind; one that received bytes keeps them for a resume.
			if fi, serr := os.Stat(part); serr == nil && fi.Size() == 0 {
				os.Remove(part)
			}
			return err
		}
		if !restart {
			break
		}
		if attempt > 0 {
			return fmt.Errorf("download %s: the server keeps answering the resume request inconsistently; delete %s and try again", url, part)
		}
	}
	if md5hex != "" {
		got, err := fileMD5(part)
		if err != nil {
			return fmt.Errorf("download %s: checksum: %w", url, err)
		}
		if got != md5hex {
			if rerr := os.Remove(part); rerr != nil {
				return fmt.Errorf("download %s: %w: MD5 is %s, want %s, and the damaged file %s could not be deleted: %v",
					url, ErrChecksum, got, md5hex, part, rerr)
			}
			return fmt.Errorf("download %s: %w: the %d bytes received have MD5 %s, want %s; the damaged file was deleted, "+
				"download again (if it happens again, the file on the server has changed)", url, ErrChecksum, size, got, md5hex)
		}
	}
	if err := os.Rename(part, dest); err != nil {
		return fmt.Errorf("download %s: move the finished file into place: %w", url, err)
	}
	if progress != nil {
		progress(Progress{Done: size, Total: size})
	}
	return nil
}

// fetchPart appends the rest of url to the file part, resuming from its
// current size. It returns the final size of part, or restart == true when
// part was emptied because the server's answer to the Range request could
// not be used and the caller should request the whole file.
func fetchPart(ctx context.Context, client *http.Client, url, part string, progress func(Progress)) (size int64, restart bool, err error) {
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return 0, false, fmt.Errorf("download %s: %w", url, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("download %s: write %s: %w", url, part, cerr)
		}
	}()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, false, fmt.Errorf("download %s: %w", url, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, false, fmt.Errorf("download %s: %w", url, err)
	}
	// Transparent decompression would change the bytes that the checksum covers.
	req.Header.Set("Accept-Encoding", "identity")
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, false, fmt.Errorf("download %s: %w (%d bytes kept in %s for a later resume)", url, ctx.Err(), have, part)
		}
		return 0, false, fmt.Errorf("download %s: %w; check the network connection and try again", url, err)
	}
	defer resp.Body.Close()

	total := int64(-1)
	switch resp.StatusCode {
	case http.StatusOK:
		if have > 0 { // the server ignored the Range: start over
			if err := truncate(f); err != nil {
				return 0, false, fmt.Errorf("download %s: restart %s: %w", url, part, err)
			}
			have = 0
		}
		total = resp.ContentLength
	case http.StatusPartialContent:
		start, length, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			return restartPart(url, f)
		}
		total = length
	case http.StatusRequestedRangeNotSatisfiable:
		// The .part may already hold the whole file (an attempt that stopped
		// between the last byte and the rename).
		if _, length, ok := parseContentRange(resp.Header.Get("Content-Range")); ok && length == have {
			return have, false, nil
		}
		return restartPart(url, f)
	default:
		return 0, false, fmt.Errorf("download %s: the server answered %q; check the address or try again later", url, resp.Status)
	}

	done, err := copyWithProgress(ctx, f, resp.Body, have, total, progress)
	if err != nil {
		if ctx.Err() != nil {
			return 0, false, fmt.Errorf("download %s: %w (%d bytes kept in %s for a later resume)", url, ctx.Err(), done, part)
		}
		return 0, false, fmt.Errorf("download %s: interrupted after %d bytes: %w; run the download again to resume from %s",
			url, done, err, part)
	}
	if total >= 0 && done != total {
		return 0, false, fmt.Errorf("download %s: the connection ended after %d of %d bytes; run the download again to resume from %s",
			url, done, total, part)
	}
	return done, false, nil
}

// copyWithProgress appends body to f and reports progress. have is the size
// of f before, total the expected final size or -1. It returns the size of f.
func copyWithProgress(ctx context.Context, f *os.File, body io.Reader, have, total int64, progress func(Progress)) (int64, error) {
	buf := make([]byte, 128<<10)
	start := time.Now()
	var last time.Time
	done := have
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			if _, err := f.Write(buf[:n]); err != nil {
				return done, fmt.Errorf("write %s: %w (is the disk full?)", f.Name(), err)
			}
			done += int64(n)
			if progress != nil && time.Since(last) >= progressInterval {
				last = time.Now()
				progress(progressAt(done, total, done-have, last.Sub(start)))
			}
		}
		if errors.Is(rerr, io.EOF) {
			return done, nil
		}
		if rerr != nil {
			return done, rerr
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
	}
}

// progressAt computes the rate and the time left.
func progressAt(done, total, fetched int64, elapsed time.Duration) Progress {
	p := Progress{Done: done, Total: total}
	if elapsed > 0 {
		p.BytesPerSec = float64(fetched) / elapsed.Seconds()
	}
	if total >= done && p.BytesPerSec > 0 {
		p.ETA = time.Duration(float64(total-done) / p.BytesPerSec * float64(time.Second))
	}
	return p
}

// restartPart empties the partial file f and asks for a full download.
func restartPart(url string, f *os.File) (size int64, restart bool, err error) {
	if err := truncate(f); err != nil {
		return 0, false, fmt.Errorf("download %s: restart %s: %w", url, f.Name(), err)
	}
	return 0, true, nil
}

// truncate empties f and puts its offset at 0.
func truncate(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}

// parseContentRange parses "bytes first-last/length" or "bytes */length"; it
// returns first (-1 for "*") and length (-1 for "*").
func parseContentRange(s string) (first, length int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, size, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	length = -1
	if size != "*" {
		v, err := strconv.ParseInt(size, 10, 64)
		if err != nil || v < 0 {
			return 0, 0, false
		}
		length = v
	}
	if rng == "*" {
		return -1, length, true
	}
	a, b, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || last < first || (length >= 0 && last >= length) {
		return 0, 0, false
	}
	return first, length, true
}

// fileMD5 returns the MD5 of the file at p as lower-case hex.
func fileMD5(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// DefaultDataDir returns the folder where rethink keeps downloaded data
// sets: $RETHINK_DATA when set, otherwise rethink/data under the user's cache
// folder (os.UserCacheDir, e.g. ~/.cache/rethink/data on Linux), or under
// the temporary folder when there is no cache folder.
func DefaultDataDir() string {
	if d := os.Getenv("RETHINK_DATA"); d != "" {
		return d
	}
	if c, err := os.UserCacheDir(); err == nil {
		return filepath.Join(c, "rethink", "data")
	}
	return filepath.Join(os.TempDir(), "rethink", "data")
}

// ensureLocks serializes EnsureCIFAR10 calls on the same data folder, so
// that two runs do not write the same .part file. Each value is a channel of
// capacity 1 used as a lock that a waiting caller can abandon.
var ensureLocks sync.Map // cleaned data folder -> chan struct{}

// EnsureCIFAR10 returns the cifar-10-batches-bin folder under dataDir (an
// empty dataDir means DefaultDataDir()). When the folder is absent it
// downloads url (resumably, see Download; checked against md5hex when not
// empty) to dataDir/cifar-10-binary.tar.gz, unpacks it into a temporary
// folder inside dataDir, moves cifar-10-batches-bin into place and deletes
// the archive. url and md5hex are parameters so that tests can use a local
// server; the app passes CIFAR10URL and CIFAR10MD5. Calls for the same
// dataDir are serialized; cancelling ctx stops the download and keeps the
// partial file for a later call.
func EnsureCIFAR10(ctx context.Context, client *http.Client, dataDir, url, md5hex string, progress func(Progress)) (string, error) {
	if dataDir == "" {
		dataDir = DefaultDataDir()
	}
	dataDir = filepath.Clean(dataDir)
	v, _ := ensureLocks.LoadOrStore(dataDir, make(chan struct{}, 1))
	lock := v.(chan struct{})
	select {
	case lock <- struct{}{}:
		defer func() { <-lock }()
	case <-ctx.Done():
		return "", fmt.Errorf("get CIFAR-10: %w", ctx.Err())
	}

	dir := filepath.Join(dataDir, CIFAR10BatchesDir)
	if _, err := os.Stat(dir); err == nil {
		missing, err := missingCIFARFiles(openFolder(dir), ".")
		if err != nil {
			return "", fmt.Errorf("get CIFAR-10: %s: %w", dir, err)
		}
		if len(missing) == 0 {
			return dir, nil
		}
		return "", fmt.Errorf("get CIFAR-10: %w: %s exists but lacks %v; delete that folder and try again",
			ErrFormat, dir, missing)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("get CIFAR-10: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return "", fmt.Errorf("get CIFAR-10: create the data folder: %w", err)
	}
	archive := filepath.Join(dataDir, cifar10Archive)
	if ok, err := archiveUsable(archive, md5hex); err != nil {
		return "", fmt.Errorf("get CIFAR-10: %w", err)
	} else if !ok {
		if err := Download(ctx, client, url, archive, md5hex, progress); err != nil {
			return "", fmt.Errorf("get CIFAR-10: %w", err)
		}
	}

	tmp, err := os.MkdirTemp(dataDir, ".unpack-cifar10-")
	if err != nil {
		return "", fmt.Errorf("get CIFAR-10: unpack: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := untarGz(ctx, archive, tmp); err != nil {
		if ctx.Err() == nil {
			// A bad archive would fail the same way next time: fetch it anew then.
			os.Remove(archive)
		}
		return "", fmt.Errorf("get CIFAR-10: unpack %s: %w", archive, err)
	}
	src := filepath.Join(tmp, CIFAR10BatchesDir)
	missing, err := missingCIFARFiles(openFolder(src), ".")
	if err != nil {
		return "", fmt.Errorf("get CIFAR-10: unpack: %w", err)
	}
	if len(missing) > 0 {
		os.Remove(archive)
		return "", fmt.Errorf("get CIFAR-10: %w: the archive from %s has no %s folder with %v; it was deleted, "+
			"check the address (the binary version is needed)", ErrFormat, url, CIFAR10BatchesDir, missing)
	}
	if err := os.Rename(src, dir); err != nil {
		return "", fmt.Errorf("get CIFAR-10: move the unpacked folder into place: %w", err)
	}
	if err := os.Remove(archive); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("get CIFAR-10: unpacked to %s, but could not delete the archive: %w", dir, err)
	}
	return dir, nil
}

// archiveUsable reports whether a complete archive from an earlier call is
// at path (and has the right MD5 when md5hex is given). A wrong one is deleted.
func archiveUsable(path, md5hex string) (bool, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !info.Mode().IsRegular() {
		return false, fmt.Errorf("%s is not a regular file; delete it and try again", path)
	}
	if md5hex == "" {
		return true, nil
	}
	got, err := fileMD5(path)
	if err != nil {
		return false, err
	}
	if got == strings.ToLower(md5hex) {
		return true, nil
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("%s has the wrong checksum and cannot be deleted: %w", path, err)
	}
	return false, nil
}
