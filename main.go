// Command rethink is a desktop lab for "Understanding deep learning requires rethinking
// generalization" (Zhang et al., 2017). Without arguments it opens the app; its subcommands
// run the same engine headless.
package main

import (
	"fmt"
	"os"
)

func main() {
	// TensorFlow reads this on its first log line; its informational chatter hides our output.
	if os.Getenv("TF_CPP_MIN_LOG_LEVEL") == "" {
		os.Setenv("TF_CPP_MIN_LOG_LEVEL", "2")
	}
	if err := dispatch(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rethink:", err)
		os.Exit(1)
	}
}
