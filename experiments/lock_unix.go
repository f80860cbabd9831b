//go:build unix

package experiments

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFile is the file in a run folder that the run's process holds an exclusive flock(2) on
// while it runs. The kernel drops the lock when the process ends, however it ends, so a folder
// whose lock can be taken has no live run: that is how ReadRun tells a killed run from a running
// one. Locks belong to open files, so this holds between goroutines of one process too.
const lockFile = ".lock"

// errLocked is returned by lockRun when another run holds the folder.
var errLocked = errors.New("another process (or run) is using this run folder")

// lockRun takes the run folder's lock; release lets it go.
func lockRun(dir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("experiments: lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("experiments: %s: %w", dir, errLocked)
		}
		return nil, fmt.Errorf("experiments: lock %s: %w", dir, err)
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid()) // for people; the lock is what counts
	return func() { f.Close() }, nil
}

// runLive reports whether a live run holds dir's lock.
func runLive(dir string) bool {
	f, err := os.Open(filepath.Join(dir, lockFile))
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}
