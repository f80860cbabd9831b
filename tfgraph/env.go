package tfgraph

import (
	"os"
	"syscall"
)

// LoadEnv is what TensorFlow must find in the environment when its library loads, which is
// before any Go code runs, so setting these with os.Setenv in main is too late:
//   - TF_ENABLE_ONEDNN_OPTS=1: TensorFlow 2.18 leaves its oneDNN CPU kernels off by default on
//     CPUs without AVX-512 (the AVX2 machine rethink is developed on), where they train the
//     paper's models faster; `make bench` has the figures.
//   - TF_CPP_MIN_LOG_LEVEL=2: without it TensorFlow's informational lines hide rethink's output.
var LoadEnv = [][2]string{{"TF_ENABLE_ONEDNN_OPTS", "1"}, {"TF_CPP_MIN_LOG_LEVEL", "2"}}

// ReexecWithLoadEnv sets the variables of LoadEnv that are unset and, if it set any,
// re-executes the program in place (same pid, arguments and other environment) so that
// TensorFlow loads with them; before, when not nil, is called just before the exec to adjust
// the environment further. A value the user set is kept. It returns only when nothing needed
// setting, or when the exec failed; then the program goes on with TensorFlow's defaults. Call
// it first thing in main, before any other goroutine starts.
func ReexecWithLoadEnv(before func()) error {
	changed := false
	for _, kv := range LoadEnv {
		if _, set := os.LookupEnv(kv[0]); !set {
			os.Setenv(kv[0], kv[1])
			changed = true
		}
	}
	if !changed {
		return nil
	}
	if before != nil {
		before()
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, os.Environ())
}
