package experiments

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rethink/experiments/data"
)

// writeTinyCIFAR10 writes the six CIFAR-10 binary batches (1 label byte, then the R, G and B
// planes of 32x32 bytes) into dir/cifar-10-batches-bin, perBatch records each, whose label is
// the record's index modulo 10 and whose pixels are a bright square at a place of its class.
func writeTinyCIFAR10(t *testing.T, dir string, perBatch int) {
	t.Helper()
	sub := filepath.Join(dir, data.CIFAR10BatchesDir)
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range append(append([]string(nil), data.CIFAR10TrainFiles...), data.CIFAR10TestFile) {
		var b []byte
		for i := range perBatch {
			label := byte(i % 10)
			rec := make([]byte, 1+3*32*32)
			rec[0] = label
			for c := range 3 {
				for y := range 32 {
					for x := range 32 {
						v := byte((x*7 + y*3 + c*50 + i) % 64)
						if y/8 == int(label)%4 && x/8 == int(label)/4 {
							v = 200
						}
						rec[1+c*1024+y*32+x] = v
					}
				}
			}
			b = append(b, rec...)
		}
		if err := os.WriteFile(filepath.Join(sub, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Every quick preset of SGD runs prepares its data from CIFAR-10 files (made here, in the
// binary format) when its data set is set to cifar10, as `--set dataset=cifar10` does: the
// 32x32 images are cropped to 28x28 before any downscale, so every image size the presets
// use works, and the texts say CIFAR-10, not MNIST. The CIFAR-10 quick presets are the MNIST
// ones with dataset cifar10.
func TestQuickPresets_OnCIFAR10Files(t *testing.T) {
	dir := t.TempDir()
	writeTinyCIFAR10(t, dir, 20)
	ctx := context.Background()
	checked := 0
	for _, p := range Presets() {
		if p.Tier != Quick || p.Runs[0].KindName() != KindSGD {
			continue
		}
		runs := append([]Config(nil), p.Runs...)
		for i := range runs {
			runs[i].Dataset, runs[i].DataDir = "cifar10", dir
		}
		set := p
		set.Runs = runs
		text := set.Departures()
		if !strings.Contains(text, "CIFAR-10 (from "+dir+")") || strings.Contains(text, "MNIST") || strings.Contains(text, "digit") {
			t.Errorf("%s with dataset=cifar10: departures do not follow the data set:\n%s", p.ID, text)
		}
		seen := map[string]bool{}
		for _, c := range runs {
			if seen[c.Name] {
				continue // the same run over other seeds
			}
			seen[c.Name] = true
			if err := c.Validate(); err != nil {
				t.Errorf("%s/%s on CIFAR-10: %v", p.ID, c.Name, err)
				continue
			}
			ds, err := LoadData(ctx, c, nil)
			if err != nil {
				t.Fatalf("%s/%s: %v", p.ID, c.Name, err)
			}
			c.TrainSize, c.TestSize = min(c.TrainSize, 40), min(c.TestSize, 20)
			prep, err := Prepare(c, ds)
			if err != nil {
				t.Errorf("%s/%s on CIFAR-10: %v", p.ID, c.Name, err)
				continue
			}
			side := CropSize
			if c.ImageSize > 0 {
				side = c.ImageSize
			}
			if prep.H != side || prep.W != side || prep.Train.C != 3 {
				t.Errorf("%s/%s on CIFAR-10: the network sees %dx%dx%d, want %dx%dx3", p.ID, c.Name, prep.H, prep.W, prep.Train.C, side, side)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("only %d quick runs checked on CIFAR-10", checked)
	}

	for _, id := range []string{"fig1a-cifar10-quick", "fig1bc-cifar10-quick"} {
		q, err := PresetByID(id)
		if err != nil {
			t.Fatal(err)
		}
		base, err := PresetByID(strings.Replace(id, "-cifar10", "", 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Runs) != len(base.Runs) || len(q.Seeds) < 3 || !strings.Contains(q.Title, "CIFAR-10") {
			t.Errorf("%s: %d runs over seeds %v, title %q; want the %d runs of %s", id, len(q.Runs), q.Seeds, q.Title, len(base.Runs), base.ID)
		}
		for i, c := range q.Runs {
			b := base.Runs[i]
			b.Dataset = "cifar10"
			if c.Dataset != "cifar10" || c.Name != b.Name || c.TrainSize != b.TrainSize || c.ImageSize != b.ImageSize || c.Seed != b.Seed || c.Randomization != b.Randomization {
				t.Errorf("%s run %d: %+v, want %s's on CIFAR-10", id, i, c, base.ID)
			}
		}
		if d := q.Departures(); !strings.Contains(d, "CIFAR-10 (downloaded on first use)") || strings.Contains(d, "MNIST") {
			t.Errorf("%s: departures %q", id, d)
		}
	}
}

// A run of the CIFAR-10 Figure 1a preset and of the quick Inception row with random crops
// (which failed on CIFAR-10 when the downscale came before the crop) train on CIFAR-10 files.
func TestQuickPresets_TrainOnCIFAR10Files(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two small networks for a few steps (-short)")
	}
	dir := t.TempDir()
	writeTinyCIFAR10(t, dir, 20)
	for _, id := range []string{"fig1a-cifar10-quick", "table1-inception-crop-wd-quick"} {
		p, err := PresetByID(id)
		if err != nil {
			t.Fatal(err)
		}
		c := p.Runs[0]
		c.Dataset, c.DataDir = "cifar10", dir
		c.TrainSize, c.TestSize, c.MaxSteps, c.Threads, c.Batch = 40, 20, 3, 1, min(c.Batch, 20)
		_, sum, err := collect(t, context.Background(), c, Options{ResultsDir: t.TempDir()})
		if err != nil {
			t.Fatalf("%s on CIFAR-10 files: %v", id, err)
		}
		if sum.Status != StatusDone || sum.Steps != 3 || sum.TrainSize != 40 {
			t.Errorf("%s on CIFAR-10 files: %+v, want 3 steps on 40 images, done", id, sum)
		}
	}
}
