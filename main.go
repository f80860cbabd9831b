// Command rethink is a lab for "Understanding deep learning requires rethinking
// generalization" (Zhang et al., 2017). Its subcommands run the engine headless; without
// arguments it starts the desktop app, bin/rethink-app, which is a binary of its own so that
// these commands link no GUI toolkit.
package main

import (
	"errors"
	"fmt"
	"os"

	"rethink/tfgraph"
)

func main() {
	if err := tfgraph.ReexecWithLoadEnv(stopStderrFilter); err != nil {
		fmt.Fprintln(os.Stderr, "rethink: could not restart with TensorFlow's oneDNN kernels on, going on without:", err)
	}
	if err := dispatch(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rethink:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			exit(ee.code)
		}
		exit(1)
	}
	exit(0)
}

// exit ends the program with code once the stderr filter has passed on every line; every exit
// of rethink goes through it.
func exit(code int) {
	stopStderrFilter()
	os.Exit(code)
}
