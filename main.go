// Command rethink is a lab for "Understanding deep learning requires rethinking
// generalization" (Zhang et al., 2017). Its subcommands run the engine headless; without
// arguments it starts the desktop app, bin/rethink-app, which is a binary of its own so that
// these commands link no GUI toolkit.
package main

import (
	"fmt"
	"os"

	"rethink/tfgraph"
	"rethink/tfgraph/quiet"
)

func main() {
	quiet.Release() // stderr held since start-up, less TensorFlow's load-time noise
	if err := tfgraph.ReexecWithLoadEnv(nil); err != nil {
		fmt.Fprintln(os.Stderr, "rethink: could not restart with TensorFlow's oneDNN kernels on, going on without:", err)
	}
	if err := dispatch(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rethink:", err)
		os.Exit(1)
	}
}
