package experiments

import (
	"strings"

	"rethink/experiments/data"
)

// onCIFAR10 is the quick preset p on a subset of CIFAR-10, for those who have it (rethink data
// download cifar10, or --set data_dir=FOLDER): the same runs, sizes, models and schedules with
// dataset cifar10, whose 32x32 images are center-cropped to 28x28 before any downscale
// (Prepare). why replaces p's Why, which may speak of MNIST. Its ID is p's with "-cifar10"
// before "-quick"; its expected time is quickSeconds' entry for that ID ("not measured yet"
// when CIFAR-10 was not on the machine the quick times come from).
func onCIFAR10(p Preset, why string) Preset {
	q := p
	q.ID = strings.TrimSuffix(p.ID, "-quick") + "-cifar10-quick"
	q.Title = strings.Replace(p.Title, "("+string(p.Tier), "("+string(p.Tier)+", CIFAR-10", 1)
	q.Why = why
	q.Runs = make([]Config, len(p.Runs))
	for i, c := range p.Runs {
		c.Dataset, c.DataDir = data.CIFAR10Name, ""
		q.Runs[i] = c
	}
	q.Seeds = append([]uint64(nil), p.Seeds...)
	q.ExpectedTime = expectedTime(q.ID)
	return q
}

// cifar10QuickWhy is the Why of the CIFAR-10 quick presets, whose times are not measured.
const cifar10QuickWhy = "Needs CIFAR-10 on this machine (rethink data download cifar10); its time was not measured, as CIFAR-10 was not on the machine the quick times come from."
