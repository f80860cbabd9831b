// Command rethink is a desktop lab for "Understanding deep learning requires rethinking
// generalization" (Zhang et al., 2017). Without arguments it opens the app; its subcommands
// run the same engine headless.
package main

import (
	"fmt"
	"os"

	"rethink/quiet"
)

func main() {
	quiet.Release() // stderr held since start-up, less TensorFlow's and Fyne's load-time noise
	if err := reexecWithTFEnv(); err != nil {
		fmt.Fprintln(os.Stderr, "rethink: could not restart with TensorFlow's oneDNN kernels on, going on without:", err)
	}
	if err := dispatch(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rethink:", err)
		os.Exit(1)
	}
}
