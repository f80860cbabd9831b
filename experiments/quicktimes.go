package experiments

import "fmt"

// quickSeconds is the wall time of each quick preset as measured with scripts/measure-quick
// on the reference machine (2 cores of an AMD EPYC, no GPU, TensorFlow 2.18.1 CPU build),
// 2026-11-27. Remeasure after changing a quick preset.
var quickSeconds = map[string]int{
	"fig1a-quick":                        32,
	"fig1bc-quick":                       35,
	"fig2b-quick":                        102,
	"filters-quick":                      96,
	"table1-inception-crop-wd-quick":     170,
	"table1-inception-crop-quick":        156,
	"table1-inception-wd-quick":          160,
	"table1-inception-quick":             81,
	"table1-inception-random-quick":      116,
	"table1-inception-nobn-wd-quick":     123,
	"table1-inception-nobn-quick":        114,
	"table1-inception-nobn-random-quick": 129,
	"table1-alexnet-crop-wd-quick":       49,
	"table1-alexnet-crop-quick":          39,
	"table1-alexnet-wd-quick":            30,
	"table1-alexnet-quick":               18,
	"table1-alexnet-random-quick":        85,
	"table1-mlp3-wd-quick":               14,
	"table1-mlp3-quick":                  12,
	"table1-mlp3-random-quick":           29,
	"table1-mlp1-wd-quick":               12,
	"table1-mlp1-quick":                  11,
	"table1-mlp1-random-quick":           25,
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
