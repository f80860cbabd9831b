package experiments

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

var (
	seedList = regexp.MustCompile(`\bseeds? [0-9]+((, | and )[0-9]+)*`)
	digits   = regexp.MustCompile(`[0-9]+`)
)

// Every preset's departures name the data set of its runs, their training and test sizes,
// their seeds, and the networks where they are not the paper's.
func TestDepartures_NameDataSetSizesAndSeeds(t *testing.T) {
	for _, p := range Presets() {
		text := p.Departures()
		for _, c := range p.Runs {
			want := []string{DatasetTitle(c), grouped(splitOf(c, c.TrainSize, 0)) + " ", grouped(splitOf(c, c.TestSize, 1)) + " test images",
				strconv.Itoa(c.Epochs) + " epochs"}
			if c.Batch != paperBatch {
				want = append(want, "batch "+strconv.Itoa(c.Batch))
			}
			if c.ImageSize > 0 {
				want = append(want, "downscaled to "+strconv.Itoa(c.ImageSize)+"x")
			}
			if c.ClipNorm > 0 {
				want = append(want, "gradients clipped to a global L2 norm of "+strconv.FormatFloat(c.ClipNorm, 'g', -1, 64))
			}
			if c.StopLoss > 0 {
				want = append(want, "training loss of "+strconv.FormatFloat(c.StopLoss, 'g', -1, 64))
			}
			if lr := tfgraph.PaperLearningRate(c.Model); c.LearningRate != lr {
				want = append(want, "learning rate "+strconv.FormatFloat(c.LearningRate, 'g', -1, 64)+" for "+c.Model.String())
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s (%s): departures lack %q:\n%s", p.ID, c.Name, w, text)
				}
			}
		}
		seeds := map[string]bool{}
		for _, c := range p.Runs {
			seeds[strconv.FormatUint(c.Seed, 10)] = true
		}
		named := seedList.FindString(text)
		for _, n := range digits.FindAllString(named, -1) {
			delete(seeds, n)
		}
		if named == "" || len(seeds) > 0 {
			t.Errorf("%s: departures name the seeds %q, missing %v:\n%s", p.ID, named, seeds, text)
		}
		if p.Tier == Quick && !strings.Contains(text, quickDataTitle(p)) || p.Tier == Paper && strings.Contains(text, "instead of CIFAR-10") {
			t.Errorf("%s: departures say the wrong data set:\n%s", p.ID, text)
		}
	}
}

// quickDataTitle is how the departures of a quick preset name the data set it is written for.
func quickDataTitle(p Preset) string {
	if quickDataset(p) == "cifar10" {
		return "CIFAR-10 (downloaded on first use)"
	}
	return "MNIST (embedded)"
}

// After --set dataset=... on a quick preset's runs the departures name the data set used, not
// the embedded MNIST the preset was written for.
func TestDepartures_FollowTheDataSetSet(t *testing.T) {
	for _, p := range Presets() {
		if p.Tier != Quick {
			continue
		}
		for _, set := range []struct{ value, want, not string }{
			{"fashion-mnist", "Fashion-MNIST instead of CIFAR-10", "MNIST (embedded)"},
			{"cifar10", "CIFAR-10 (downloaded on first use)", "instead of CIFAR-10"},
		} {
			q := p
			q.Runs = append([]Config(nil), p.Runs...)
			for i := range q.Runs {
				if err := q.Runs[i].Set("dataset", set.value); err != nil {
					t.Fatal(err)
				}
			}
			text := q.Departures()
			if !strings.Contains(text, set.want) || strings.Contains(text, set.not) {
				t.Errorf("%s with dataset=%s: want %q and no %q in:\n%s", p.ID, set.value, set.want, set.not, text)
			}
		}
		if !strings.Contains(p.Departures(), quickDataTitle(p)) {
			t.Errorf("%s: setting the data set on a copy changed the preset's own runs", p.ID)
		}
	}
}

// The rules of DeparturesOf on runs that differ: each value once, in order, against the paper.
func TestDeparturesOf_ListsEachSettingOnce(t *testing.T) {
	a := DefaultConfig()
	a.DataDir, a.TrainSize, a.Stratified, a.Batch, a.Epochs, a.StopAfterFit, a.FitEvery = "/data/mnist", 300, true, 32, 5, 2, 4
	a.Model = inceptionNB
	a.LearningRate = 0.02
	b := a
	b.Seed, b.StopAfterFit, b.StopLoss, b.Epochs = 2, -1, 0.01, 7
	b.Model, b.LearningRate = alexnet, lrOf(alexnet)
	a.Randomization = data.Randomization{Mode: data.PartialLabels, P: 0.2}
	got := DeparturesOf([]Config{a, b, a}, inception)
	for _, w := range []string{
		"MNIST (from /data/mnist) instead of CIFAR-10",
		"300 stratified training and 10,000 test images",
		"Inception w/o BN and AlexNet instead of Inception",
		"learning rate 0.02 for Inception w/o BN, not the paper's 0.1",
		"batch 32",
		"labels corrupted with p = 0.2;",
		"stops 2 epochs after 100% training accuracy (checked every 4 steps), at most 5 epochs (50 steps)",
		"goes on to a training loss of 0.01 and 100% training accuracy, at most 7 epochs (70 steps)",
		"seeds 1 and 2.",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("DeparturesOf lacks %q:\n%s", w, got)
		}
	}
	if strings.Count(got, "batch 32") != 1 || strings.Contains(got, "AlexNet, learning rate") {
		t.Errorf("a setting repeated or the paper's rate called a departure:\n%s", got)
	}
	if got := DeparturesOf([]Config{b}, alexnet); strings.Contains(got, "instead of Inception") || strings.Contains(got, "AlexNet") {
		t.Errorf("the paper's own network named as a departure:\n%s", got)
	}
	// One of a thing is singular: "1 epoch", "every 1 step".
	one := a
	one.StopAfterFit, one.FitEvery, one.Epochs = 1, 1, 1
	if got, want := DeparturesOf([]Config{one}, inception), "stops 1 epoch after 100% training accuracy (checked every 1 step), at most 1 epoch (10 steps)"; !strings.Contains(got, want) {
		t.Errorf("DeparturesOf lacks %q:\n%s", want, got)
	}
}

// speed finds a training speed quoted in a text.
var speed = regexp.MustCompile(`([0-9][0-9,]*) images/s`)

// Expected times come from quicktimes.go alone, and every text of a preset that quotes the
// Inception's speed quotes the one measured there.
func TestExpectedTime_OneSource(t *testing.T) {
	for _, p := range Presets() {
		if p.ExpectedTime != expectedTime(p.ID) || p.ExpectedTime == "not estimated yet" {
			t.Errorf("%s: expected time %q, want %q from quicktimes.go", p.ID, p.ExpectedTime, expectedTime(p.ID))
		}
		if _, measured := quickSeconds[p.ID]; p.Tier == Quick && (!measured && !onCIFAR10Only(p) || p.ExpectedTime != quickTime(p.ID)) {
			t.Errorf("%s: expected time %q is not the measured %d s", p.ID, p.ExpectedTime, quickSeconds[p.ID])
		}
		for _, text := range []string{p.Departures(), p.Description, p.PaperNote, p.ExpectedTime} {
			for _, m := range speed.FindAllStringSubmatch(text, -1) {
				if m[1] != strconv.Itoa(InceptionImagesPerSec) {
					t.Errorf("%s quotes %s images/s; the one measured speed is %d: %s", p.ID, m[1], InceptionImagesPerSec, text)
				}
			}
		}
	}
	for id, want := range map[string]string{"layers-quick": "2 min 31 s on 2 CPU cores", "table1-mlp1-quick": "18 s on 2 CPU cores"} {
		if got := quickTime(id); got != want {
			t.Errorf("quickTime(%s) = %q, want %q", id, got, want)
		}
	}
}
