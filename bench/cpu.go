package main

import (
	"os"
	"runtime"
	"slices"
	"strings"
)

// cpuFlagsShown are the /proc/cpuinfo flags that change what TensorFlow's CPU kernels reach,
// written beside every figure (amx stands for every amx_* flag the CPU has).
var cpuFlagsShown = []string{"avx2", "avx512f", "avx512_bf16", "amx"}

// cpuInfo is the model name and the shown flags (space-separated, in cpuFlagsShown's order,
// "none" when it has none of them) of the first processor in a /proc/cpuinfo text; the model
// is "" when the text has none.
func cpuInfo(text string) (model, flags string) {
	var have []string
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		switch k = strings.TrimSpace(k); {
		case !ok:
		case k == "model name" && model == "":
			model = strings.TrimSpace(v)
		case k == "flags" && have == nil:
			have = strings.Fields(v)
		}
	}
	var shown []string
	for _, f := range cpuFlagsShown {
		if f == "amx" {
			for _, h := range have {
				if strings.HasPrefix(h, "amx_") {
					shown = append(shown, h)
				}
			}
		} else if slices.Contains(have, f) {
			shown = append(shown, f)
		}
	}
	if len(shown) == 0 {
		return model, "none"
	}
	return model, strings.Join(shown, " ")
}

// thisCPU is cpuInfo of this machine: GOARCH and "unknown" flags where there is no
// /proc/cpuinfo.
func thisCPU() (model, flags string) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH, "unknown"
	}
	model, flags = cpuInfo(string(b))
	if model == "" {
		model = runtime.GOARCH
	}
	return model, flags
}
