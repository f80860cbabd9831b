package experiments

import (
	"fmt"
	"strings"
)

// quickSeconds is the wall time of each quick preset as measured with scripts/measure-quick
// on the reference machine (2 cores of an AMD EPYC, no GPU, TensorFlow 2.18.1 CPU build),
// 2026-11-27, with TensorFlow's oneDNN kernels on. Remeasure after changing a quick preset.
//
// Entries marked "CPU" are not wall times: they are the user+sys CPU seconds of the run
// (all seeds) on a 2-core Intel Xeon (AVX-512, AMX) shared with other jobs at load 12 to 26,
// an upper bound of the quiet 2-core wall time (about 0.85 of it: fig1a-quick once took 149
// CPU seconds and 126 s of wall time at load 2.4 to 5); remeasure them on a quiet machine
// (scripts/measure-quick prints both, and the load average). Entries marked "not measured
// quiet yet" changed after the last quiet measurement: their figure is CPU seconds under load.
var quickSeconds = map[string]int{
	"fig1a-quick":                        102, // wall, quiet (load 1.2-2.1); 153 s of CPU
	"fig1a-mlp-quick":                    263, // wall, quiet (load 1.5-1.6), 314 s of CPU: the medium tier
	"fig1bc-quick":                       365, // wall, quiet (load 1.5-2.1), 389 s of CPU: the medium tier
	"fig2b-quick":                        90,
	"filters-quick":                      137, // CPU: 62 + 75 s
	"table1-inception-crop-wd-quick":     197, // not measured quiet yet; CPU: 3 seeds, fits at epochs 42, 48, 39; 473 s wall at load 4-7
	"table1-inception-crop-quick":        149, // not measured quiet yet; CPU: 3 seeds, fits at epochs 32, 39, 35; 225 s wall at load 4-5
	"table1-inception-wd-quick":          174, // not measured quiet yet; CPU: 3 seeds, fits at epochs 43, 38, 29; 400 s wall at load 4-7
	"table1-inception-quick":             90,  // not measured quiet yet; CPU: 3 seeds, fits at epochs 16, 37, 14; 116 s wall at load 3-5
	"table1-inception-random-quick":      104, // CPU: seed 1, fit at epoch 109 (seeds 2, 3: 86, 101 s); 227 s wall at load 2-4
	"table1-inception-nobn-wd-quick":     89,  // not measured quiet yet; CPU: seed 1 with the gradient clip, fit at epoch 62 (seeds 2, 3: 124, 143 s)
	"table1-inception-nobn-quick":        117, // not measured quiet yet; CPU: seed 1 with the gradient clip, fit at epoch 74 (seed 2: 107 s)
	"table1-inception-nobn-random-quick": 118, // not measured quiet yet; CPU: seed 1 with the gradient clip, fit at epoch 121 (seeds 2, 3: 125, 111 s)
	"table1-alexnet-crop-wd-quick":       64,  // CPU: 3 seeds; 183 s wall at load 16-18
	"table1-alexnet-crop-quick":          64,  // CPU: 3 seeds; 133 s wall at load 15-16
	"table1-alexnet-wd-quick":            35,  // CPU: 3 seeds; 65 s wall at load 16-18
	"table1-alexnet-quick":               39,  // CPU: 3 seeds; 89 s wall at load 22-23
	"table1-alexnet-random-quick":        151, // CPU: 3 seeds; 364 s wall at load 10-15
	"table1-mlp3-wd-quick":               22,  // CPU: 3 seeds; 38 s wall at load 18-19
	"table1-mlp3-quick":                  20,  // CPU: 3 seeds; 34 s wall at load 20-22
	"table1-mlp3-random-quick":           51,  // CPU: 3 seeds; 88 s wall at load 18
	"table1-mlp1-wd-quick":               18,  // CPU: 3 seeds; 32 s wall at load 19-20
	"table1-mlp1-quick":                  18,  // CPU: 3 seeds; 64 s wall at load 24-25
	"table1-mlp1-random-quick":           51,  // CPU: 3 seeds; 114 s wall at load 23-25
	"archnoise-quick":                    110, // CPU: 54 runs; 245 s wall at load 16-18
}

// InceptionImagesPerSec is the training speed of the full-size (28x28) small Inception on 2 CPU
// cores of the reference machine, in images per second (batch 128; measured with bench: 74,
// see the README's "The limit"). It is the one speed the preset texts quote.
const InceptionImagesPerSec = 75

// paperTimes are estimates, not measurements, of the paper presets' wall time (CIFAR-10, the
// paper's schedule); table1-*-paper rows share one.
var paperTimes = map[string]string{
	"fig1a-paper":   "days on a 2-core CPU; hours on a GPU",
	"fig1bc-paper":  "weeks on a 2-core CPU; days on a GPU",
	"fig2b-paper":   "days on a 2-core CPU; hours on a GPU",
	"filters-paper": "about a day on a 2-core CPU",
	"table1-paper":  "hours to days on a 2-core CPU",
	// archnoise: see the README's section on the architecture sweep.
	// One seed of three measured (Intel Xeon, 2 cores, load 13-18): 779 s of CPU (user + sys),
	// 18 min 15 s wall (the Inception's six runs 911 s of it); three seeds: about 39 min of CPU.
	"archnoise-medium":        "about 40 min of CPU on 2 CPU cores (1 seed of 3 measured: 13 min)",
	"archnoise-cifar10-paper": "weeks on a 2-core CPU; days on a GPU",
	"archnoise-mnist-paper":   "weeks on a 2-core CPU; days on a GPU",
}

// ExpectedTime is the expected wall time in words of the preset id (quick: as measured; medium
// and paper: as estimated), from this file, for the presets of other packages
// (RegisterPresets): the one source of every preset's ExpectedTime.
func ExpectedTime(id string) string { return expectedTime(id) }

// expectedTime is a preset's expected wall time in words, from quickSeconds for the quick tier
// and paperTimes for the paper tier: the one source of every preset's ExpectedTime.
func expectedTime(id string) string {
	if strings.HasSuffix(id, "-quick") {
		return quickTime(id)
	}
	if strings.HasPrefix(id, "table1-") {
		id = "table1-paper"
	}
	if t, ok := paperTimes[id]; ok {
		return t
	}
	return "not estimated yet"
}

// quickTime says how long a quick preset took on the reference machine.
func quickTime(id string) string {
	s, ok := quickSeconds[id]
	if !ok || s == 0 {
		return "not measured yet"
	}
	if s < 90 {
		return fmt.Sprintf("%d s on 2 CPU cores", s)
	}
	return fmt.Sprintf("%d min %02d s on 2 CPU cores", s/60, s%60)
}
