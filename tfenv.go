package main

import (
	"os"
	"strings"
	"syscall"
)

// tfEnv is what TensorFlow must find in the environment when its library loads, which is before
// any Go code runs, so setting these with os.Setenv in main is too late:
//   - TF_ENABLE_ONEDNN_OPTS=1: TensorFlow 2.18 leaves its oneDNN CPU kernels off by default on
//     CPUs without AVX-512 (the AVX2 machine rethink is developed on), where they train the
//     paper's models faster; `make bench` has the figures.
//   - TF_CPP_MIN_LOG_LEVEL=2: without it TensorFlow's informational lines hide rethink's output.
var tfEnv = [][2]string{{"TF_ENABLE_ONEDNN_OPTS", "1"}, {"TF_CPP_MIN_LOG_LEVEL", "2"}}

// reexecWithTFEnv sets the variables of tfEnv that are unset and, if it set any, re-executes the
// program in place (same pid, arguments and other environment) so that TensorFlow loads with
// them. A value the user set is kept. It returns only when nothing needed setting, or when the
// exec failed; then the program goes on with TensorFlow's defaults.
//
// On Linux the executable's pre-initializer (tfenv_preinit_linux.go) does the same before any
// library initializes, which is early enough to keep what TensorFlow logs as it loads (its
// oneDNN banner) from the first image; then this finds everything set and returns at once.
func reexecWithTFEnv() error {
	changed := false
	for _, kv := range tfEnv {
		if _, set := os.LookupEnv(kv[0]); !set {
			os.Setenv(kv[0], kv[1])
			changed = true
		}
	}
	if !changed {
		return nil
	}
	// Fyne cannot parse the C locale and says so at start-up; the restarted process need not
	// say it a second time. Other programs are not affected: rethink starts none.
	if lang := os.Getenv("LANG"); os.Getenv("LC_ALL") == "" && (lang == "" || lang == "C" || lang == "POSIX" || strings.HasPrefix(lang, "C.")) {
		os.Setenv("LANG", "en_US.UTF-8")
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, os.Environ())
}
