//go:build !unix

package experiments

import "errors"

var errLocked = errors.New("another process (or run) is using this run folder")

// lockRun is a no-op where flock(2) is missing: a run in progress in another process then
// reads as killed.
func lockRun(dir string) (release func(), err error) { return func() {}, nil }

func runLive(dir string) bool { return false }
