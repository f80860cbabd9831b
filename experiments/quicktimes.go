package experiments

import (
	"fmt"
	"strings"
)

// quickSeconds is the wall time of each quick preset, all its seeds, as measured with
// scripts/measure-quick on the reference machine: 2 cores of an Intel Xeon (AVX2, AVX-512,
// AVX512_BF16, AMX), no GPU, TensorFlow 2.18.1 CPU build with oneDNN, quiet (load average
// 2.0 to 2.8 while measuring, the run's own threads), 2026-11-27. The comment gives the
// user+sys CPU seconds. Remeasure after changing a quick preset; wall times taken on a loaded
// machine are not these figures (they were 1.2 to 3.5 times longer).
var quickSeconds = map[string]int{
	"fig1a-quick":                        95,  // 94 s of CPU (one thread; load 1.4-1.9): the narrow AlexNet
	"fig1a-mlp-quick":                    263, // 314 s of CPU (the round before): the medium tier
	"fig1bc-quick":                       365, // 389 s of CPU (the round before): the medium tier
	"fig2b-quick":                        34,  // 58 s of CPU
	"filters-quick":                      80,  // 139 s of CPU
	"table1-inception-crop-wd-quick":     135, // 232 s of CPU, 3 seeds
	"table1-inception-crop-quick":        106, // 182 s of CPU, 3 seeds
	"table1-inception-wd-quick":          79,  // 135 s of CPU, 3 seeds
	"table1-inception-quick":             68,  // 116 s of CPU, 3 seeds
	"table1-inception-random-quick":      75,  // 129 s of CPU, seed 1
	"table1-inception-nobn-wd-quick":     54,  // 93 s of CPU, seed 1
	"table1-inception-nobn-quick":        54,  // 94 s of CPU, seed 1
	"table1-inception-nobn-random-quick": 65,  // 112 s of CPU, seed 1
	"table1-alexnet-crop-wd-quick":       40,  // 69 s of CPU, 3 seeds
	"table1-alexnet-crop-quick":          43,  // 75 s of CPU, 3 seeds
	"table1-alexnet-wd-quick":            26,  // 44 s of CPU, 3 seeds
	"table1-alexnet-quick":               28,  // 47 s of CPU, 3 seeds
	"table1-alexnet-random-quick":        86,  // 150 s of CPU, 3 seeds
	"table1-mlp3-wd-quick":               21,  // 30 s of CPU, 3 seeds
	"table1-mlp3-quick":                  21,  // 29 s of CPU, 3 seeds
	"table1-mlp3-random-quick":           55,  // 76 s of CPU, 3 seeds
	"table1-mlp1-wd-quick":               19,  // 25 s of CPU, 3 seeds
	"table1-mlp1-quick":                  18,  // 24 s of CPU, 3 seeds
	"table1-mlp1-random-quick":           54,  // 72 s of CPU, 3 seeds
	"archnoise-quick":                    120, // 162 s of CPU, 54 runs
	"layers-quick":                       151, // 199 s of CPU
	"earlystop-quick":                    32,  // 46 s of CPU
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
