package data

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// labelDataset is 1,000 train and 200 test 2x2x1 images with labels i % 10.
func labelDataset() *Dataset {
	return syntheticDataset(1000, 200, 2, 2, 1, 10, func(split, i, j int) float32 { return float32(j) / 4 })
}

// changedLabels counts the labels that differ between a and b.
func changedLabels(a, b []uint8) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func TestApply_Labels(t *testing.T) {
	ds := labelDataset()
	orig := append([]uint8(nil), ds.Train.Labels...)
	// The flip count is Binomial(1000, 0.9p) and the redraw count Binomial(1000, p).
	// With sigma = sqrt(n q (1-q)) (about 12 labels for p = 0.2 and 9.5 for p = 1),
	// 5 sigma keeps any seed from failing by chance while a wrong rule (say,
	// flipping exactly p, or never drawing the old class) is still caught.
	tests := map[string]struct {
		r    Randomization
		p    float64 // expected redraw probability
		tolN int     // tolerance on the counts, in labels
	}{
		"20% of 1,000":  {Randomization{Mode: PartialLabels, P: 0.2}, 0.2, 63},
		"50% of 1,000":  {Randomization{Mode: PartialLabels, P: 0.5}, 0.5, 80},
		"p 0":           {Randomization{Mode: PartialLabels, P: 0}, 0, 0},
		"random labels": {Randomization{Mode: RandomLabels, P: 0.3}, 1, 48},
		"true labels":   {Randomization{Mode: TrueLabels, P: 0.5}, 0, 0},
		"zero value":    {Randomization{}, 0, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Apply(ds, tt.r, 42)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			n := float64(ds.Train.N)
			changed := changedLabels(orig, got.Train.Labels)
			if want := int(math.Round(0.9 * tt.p * n)); math.Abs(float64(changed-want)) > float64(tt.tolN) {
				t.Errorf("%d labels changed, want %d ± %d", changed, want, tt.tolN)
			}
			if got, want := got.FlipRate, float64(changed)/n; got != want {
				t.Errorf("FlipRate = %v, want %v (the labels that really changed)", got, want)
			}
			if want := int(math.Round(tt.p * n)); math.Abs(float64(got.Corrupted-want)) > float64(tt.tolN) {
				t.Errorf("Corrupted = %d, want %d ± %d", got.Corrupted, want, tt.tolN)
			}
			if got.Corrupted < changed {
				t.Errorf("Corrupted = %d is less than the %d labels that changed", got.Corrupted, changed)
			}
			if changed := changedLabels(ds.Test.Labels, got.Test.Labels); changed != 0 {
				t.Errorf("%d test labels changed, want 0 (clean test labels by default)", changed)
			}
			if &got.Train.Images[0] != &ds.Train.Images[0] {
				t.Error("label modes copied the images, want them shared")
			}
			if err := (&Dataset{Classes: 10, Train: got.Train, Test: got.Test}).Validate(); err != nil {
				t.Errorf("result: %v", err)
			}
		})
	}
	if !slices.Equal(ds.Train.Labels, orig) {
		t.Error("Apply modified the input labels")
	}
}

func TestApply_RandomLabelsUniform(t *testing.T) {
	got, err := Apply(labelDataset(), Randomization{Mode: RandomLabels}, 3)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, 10)
	for _, l := range got.Train.Labels {
		counts[l]++
	}
	for c, n := range counts {
		// Binomial(1000, 0.1): sigma 9.5, so 100 ± 48 is 5 sigma.
		if n < 52 || n > 148 {
			t.Errorf("class %d drawn %d times of 1,000, want about 100", c, n)
		}
	}
}

func TestApply_Determinism(t *testing.T) {
	ds := labelDataset()
	r := Randomization{Mode: PartialLabels, P: 0.4}
	a, _ := Apply(ds, r, 7)
	b, _ := Apply(ds, r, 7)
	c, _ := Apply(ds, r, 8)
	if !slices.Equal(a.Train.Labels, b.Train.Labels) {
		t.Error("the same seed gave different labels")
	}
	if slices.Equal(a.Train.Labels, c.Train.Labels) {
		t.Error("different seeds gave the same labels")
	}

	// With one seed, the labels redrawn at p = 0.2 are redrawn the same way at p = 0.5.
	low, _ := Apply(ds, Randomization{Mode: PartialLabels, P: 0.2}, 7)
	high, _ := Apply(ds, Randomization{Mode: PartialLabels, P: 0.5}, 7)
	for i := range low.Train.Labels {
		if low.Train.Labels[i] != ds.Train.Labels[i] && low.Train.Labels[i] != high.Train.Labels[i] {
			t.Fatalf("image %d: label %d at p 0.2 but %d at p 0.5", i, low.Train.Labels[i], high.Train.Labels[i])
		}
	}
}

func TestApply_CorruptTest(t *testing.T) {
	ds := labelDataset()
	clean, err := Apply(ds, Randomization{Mode: RandomLabels}, 5)
	if err != nil {
		t.Fatal(err)
	}
	dirty, err := Apply(ds, Randomization{Mode: RandomLabels, CorruptTest: true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(clean.Train.Labels, dirty.Train.Labels) {
		t.Error("CorruptTest changed the train labels, want them independent of it")
	}
	changed := changedLabels(ds.Test.Labels, dirty.Test.Labels)
	// Binomial(200, 0.9): sigma 4.2, 5 sigma is 21.
	if changed < 180-21 || changed > 180+21 {
		t.Errorf("%d of 200 test labels changed, want about 180", changed)
	}
	if got, want := dirty.TestFlipRate, float64(changed)/200; got != want {
		t.Errorf("TestFlipRate = %v, want %v", got, want)
	}
	if got, want := dirty.TestCorrupted, 200; got != want {
		t.Errorf("TestCorrupted = %d, want %d", got, want)
	}
}

func TestApply_Errors(t *testing.T) {
	ds := labelDataset()
	broken := *ds
	broken.Train.N++
	tests := map[string]struct {
		ds      *Dataset
		r       Randomization
		wantErr error
	}{
		"p above 1":        {ds, Randomization{Mode: PartialLabels, P: 1.5}, ErrInvalid},
		"p below 0":        {ds, Randomization{Mode: PartialLabels, P: -0.1}, ErrInvalid},
		"p NaN":            {ds, Randomization{Mode: PartialLabels, P: math.NaN()}, ErrInvalid},
		"unknown mode":     {ds, Randomization{Mode: "noise"}, ErrUnknownMode},
		"nil data set":     {nil, Randomization{}, ErrInvalid},
		"inconsistent set": {&broken, Randomization{}, ErrInvalid},
		"gaussian, no train": {&Dataset{Classes: 10, Train: Set{H: 2, W: 2, C: 1}, Test: ds.Test},
			Randomization{Mode: Gaussian}, ErrInvalid},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Apply(tt.ds, tt.r, 1)
			if got, want := errors.Is(err, tt.wantErr), true; got != want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", err, tt.wantErr, got, want)
			}
		})
	}
}

// positionDataset has h x w x c images whose value j of image i in split s
// is unique, so that every output value tells where it came from.
func positionDataset(nTrain, nTest, h, w, c int) *Dataset {
	size := h * w * c
	total := float32((nTrain + nTest) * size)
	return syntheticDataset(nTrain, nTest, h, w, c, 10, func(split, i, j int) float32 {
		return float32((split*nTrain+i)*size+j) / total
	})
}

// sources returns, for each value of image i of the randomized split, the
// index (within the image) of the original value it came from, and checks
// that it came from the same image.
func sources(t *testing.T, ds *Dataset, split int, out Set, i int) []int {
	t.Helper()
	size := out.ImageSize()
	total := float32((ds.Train.N + ds.Test.N) * size)
	src := make([]int, size)
	for j, v := range out.Image(i) {
		k := int(math.Round(float64(v * total)))
		if img := k / size; img != split*ds.Train.N+i {
			t.Fatalf("value %d of image %d came from image %d", j, i, img)
		}
		src[j] = k % size
	}
	return src
}

// isPermutation reports whether p holds each of 0..len(p)-1 once.
func isPermutation(p []int) bool {
	s := slices.Sorted(slices.Values(p))
	for i, v := range s {
		if v != i {
			return false
		}
	}
	return true
}

func TestApply_Pixels(t *testing.T) {
	ds := positionDataset(6, 3, 4, 4, 3)
	before := append([]float32(nil), ds.Train.Images...)
	tests := map[string]struct {
		r          Randomization
		samePerm   bool // one permutation for all images
		channelsUp bool // channels of a pixel move together
	}{
		"shuffled pixels":         {Randomization{Mode: ShuffledPixels}, true, true},
		"shuffled values":         {Randomization{Mode: ShuffledPixels, PermuteValues: true}, true, false},
		"random pixels":           {Randomization{Mode: RandomPixels}, false, true},
		"random values":           {Randomization{Mode: RandomPixels, PermuteValues: true}, false, false},
		"shuffled, corrupt test?": {Randomization{Mode: ShuffledPixels, CorruptTest: true}, true, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Apply(ds, tt.r, 11)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !slices.Equal(got.Train.Labels, ds.Train.Labels) || !slices.Equal(got.Test.Labels, ds.Test.Labels) {
				t.Error("pixel modes changed labels")
			}
			var perms [][]int
			for split, s := range []Set{got.Train, got.Test} {
				for i := range s.N {
					p := sources(t, ds, split, s, i)
					// A permutation of the image's own values keeps its histogram.
					if !isPermutation(p) {
						t.Fatalf("split %d image %d is not a permutation of the original", split, i)
					}
					perms = append(perms, p)
				}
			}
			same := true
			for _, p := range perms[1:] {
				same = same && slices.Equal(p, perms[0])
			}
			if same != tt.samePerm {
				t.Errorf("all %d images (train and test) share one permutation: %v, want %v", len(perms), same, tt.samePerm)
			}
			if slices.Equal(perms[0], slices.Sorted(slices.Values(perms[0]))) {
				t.Error("the permutation is the identity")
			}
			together := true
			for _, p := range perms {
				for k := 0; k < len(p); k += 3 {
					together = together && p[k]%3 == 0 && p[k+1] == p[k]+1 && p[k+2] == p[k]+2
				}
			}
			if together != tt.channelsUp {
				t.Errorf("channels move together: %v, want %v", together, tt.channelsUp)
			}
			again, _ := Apply(ds, tt.r, 11)
			if !slices.Equal(again.Train.Images, got.Train.Images) || !slices.Equal(again.Test.Images, got.Test.Images) {
				t.Error("the same seed gave different images")
			}
			other, _ := Apply(ds, tt.r, 12)
			if slices.Equal(other.Train.Images, got.Train.Images) {
				t.Error("different seeds gave the same images")
			}
		})
	}
	if !slices.Equal(ds.Train.Images, before) {
		t.Error("Apply modified the input images")
	}
}

// channelStats returns the mean and population std of channel c of s (c < 0:
// all values).
func channelStats(s Set, c int) (mean, std float64) {
	var sum, sq, n float64
	for j, v := range s.Images {
		if c >= 0 && j%s.C != c {
			continue
		}
		sum += float64(v)
		n++
	}
	mean = sum / n
	for j, v := range s.Images {
		if c >= 0 && j%s.C != c {
			continue
		}
		sq += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, math.Sqrt(sq / n)
}

func TestApply_Gaussian(t *testing.T) {
	// 500 train images of 8x8x3, channel c uniform on [0.3c, 0.3c + 0.1(c+1)];
	// the test images are all zero, so their noise must use train statistics.
	rng := rand.New(rand.NewPCG(1, 2))
	ds := syntheticDataset(500, 100, 8, 8, 3, 10, func(split, i, j int) float32 {
		if split == 1 {
			return 0
		}
		c := j % 3
		return float32(0.3*float64(c) + 0.1*float64(c+1)*rng.Float64())
	})
	// Each statistic is estimated from 32,000 (per channel) or 96,000 values; its
	// standard error is below std/sqrt(32,000) < 0.002, so 0.01 is over 5 sigma.
	const tol = 0.01
	tests := map[string]struct {
		perChannel bool
	}{
		"global":      {false},
		"per channel": {true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Apply(ds, Randomization{Mode: Gaussian, GaussianPerChannel: tt.perChannel}, 9)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			for _, split := range []Set{got.Train, got.Test} {
				for c := range 3 {
					wantMean, wantStd := channelStats(ds.Train, -1)
					if tt.perChannel {
						wantMean, wantStd = channelStats(ds.Train, c)
					}
					gotMean, gotStd := channelStats(split, c)
					if math.Abs(gotMean-wantMean) > tol || math.Abs(gotStd-wantStd) > tol {
						t.Errorf("channel %d: mean, std = %.4f, %.4f, want %.4f, %.4f", c, gotMean, gotStd, wantMean, wantStd)
					}
				}
			}
			if !slices.Equal(got.Train.Labels, ds.Train.Labels) {
				t.Error("Gaussian changed the labels")
			}
		})
	}
}

func TestApply_StreamsIndependent(t *testing.T) {
	// Train and test labels are redrawn from streams of their own: with the same original labels
	// in both splits, the redrawn ones agree only by chance (1 in 10 for 10 classes), where one
	// shared stream would redraw them identically.
	ds := syntheticDataset(500, 500, 2, 2, 1, 10, func(split, i, j int) float32 { return float32(j) / 4 })
	if !slices.Equal(ds.Train.Labels, ds.Test.Labels) {
		t.Fatal("the test needs the same original labels in both splits")
	}
	r, err := Apply(ds, Randomization{Mode: RandomLabels, CorruptTest: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	same := 500 - changedLabels(r.Train.Labels, r.Test.Labels)
	// Binomial(500, 0.1): mean 50, sigma 6.7; 100 is 7 sigma away.
	if same > 100 {
		t.Errorf("%d of 500 redrawn train and test labels agree, want about 50 (independent draws)", same)
	}

	// Every purpose has its own stream of the seed.
	streams := map[string]uint64{"labels": streamLabels, "test labels": streamTestLabels, "pixels": streamPixels,
		"gaussian": streamGaussian, "subset": streamSubset}
	first := map[uint64]string{}
	for name, st := range streams {
		v := newRand(3, st).Uint64()
		if other, dup := first[v]; dup {
			t.Errorf("streams %q and %q draw the same numbers", name, other)
		}
		first[v] = name
	}
}

func TestParseMode(t *testing.T) {
	tests := map[string]struct {
		in   string
		want Mode
		err  bool
	}{
		"exact":       {"random-labels", RandomLabels, false},
		"spaces/case": {" Shuffled Pixels ", ShuffledPixels, false},
		"underscore":  {"partial_labels", PartialLabels, false},
		"gaussian":    {"gaussian", Gaussian, false},
		"unknown":     {"noise", "", true},
		"empty":       {"", "", true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseMode(tt.in)
			if got != tt.want || (err != nil) != tt.err {
				t.Errorf("ParseMode(%q) = %q, %v, want %q, error %v", tt.in, got, err, tt.want, tt.err)
			}
			if err != nil && !errors.Is(err, ErrUnknownMode) {
				t.Errorf("errors.Is(%v, ErrUnknownMode) = false", err)
			}
		})
	}
	for _, m := range Modes() {
		if got, err := ParseMode(string(m)); got != m || err != nil {
			t.Errorf("ParseMode(%q) = %q, %v", m, got, err)
		}
	}
}

func TestMode_UnmarshalTextCanonicalizes(t *testing.T) {
	var r Randomization
	if err := json.Unmarshal([]byte(`{"mode":"Random labels","p":0.5}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Mode != RandomLabels {
		t.Errorf("mode read as %q, want %q", r.Mode, RandomLabels)
	}
	if err := json.Unmarshal([]byte(`{"mode":"noise"}`), &r); !errors.Is(err, ErrUnknownMode) {
		t.Errorf("unknown mode: %v, want ErrUnknownMode", err)
	}
	b, err := json.Marshal(Randomization{Mode: ShuffledPixels})
	if err != nil || string(b) != `{"mode":"shuffled-pixels"}` {
		t.Errorf("marshal: %s, %v", b, err)
	}
	if _, err := Apply(labelDataset(), Randomization{Mode: "Random labels"}, 1); !errors.Is(err, ErrUnknownMode) {
		t.Errorf("Apply of a mode not in its canonical spelling: %v, want ErrUnknownMode (modes are parsed once, when read)", err)
	}
}
