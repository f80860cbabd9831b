package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Mode is one of the randomization tests of Zhang et al. 2017, Section 2.
type Mode string

// The randomization modes, in the order of the paper's Figure 1a.
const (
	TrueLabels     Mode = "true-labels"     // the data as it is
	PartialLabels  Mode = "partial-labels"  // each train label replaced with probability P by a uniform class
	RandomLabels   Mode = "random-labels"   // PartialLabels with P = 1
	ShuffledPixels Mode = "shuffled-pixels" // one permutation of pixel positions for every train and test image
	RandomPixels   Mode = "random-pixels"   // a different permutation for each image
	Gaussian       Mode = "gaussian"        // every image replaced by Gaussian noise with the training set's mean and std
)

// Valid reports whether m is one of Modes (in its canonical spelling) or the zero Mode.
func (m Mode) Valid() bool { return m == "" || slices.Contains(Modes(), m) }

// MarshalText writes the mode's name as it is (the zero Mode as "").
func (m Mode) MarshalText() ([]byte, error) { return []byte(m), nil }

// UnmarshalText reads any spelling ParseMode accepts and keeps the canonical one, so a Mode read
// from JSON or a flag needs no parsing again; empty text is the zero Mode (TrueLabels).
func (m *Mode) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "" {
		*m = ""
		return nil
	}
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// String is the mode's canonical name; the zero Mode is TrueLabels.
func (m Mode) String() string {
	if m == "" {
		return string(TrueLabels)
	}
	return string(m)
}

// Modes returns all modes, in the order of the paper's Figure 1a.
func Modes() []Mode {
	return []Mode{TrueLabels, PartialLabels, RandomLabels, ShuffledPixels, RandomPixels, Gaussian}
}

// ParseMode returns the Mode named s. Case, surrounding space and the use of
// '_' or ' ' instead of '-' do not matter ("Random labels" is RandomLabels).
// An unknown name gives an error wrapping ErrUnknownMode that lists the
// valid ones.
func ParseMode(s string) (Mode, error) {
	norm := strings.NewReplacer("_", "-", " ", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	for _, m := range Modes() {
		if string(m) == norm {
			return m, nil
		}
	}
	return "", fmt.Errorf("%w %q: want one of %v", ErrUnknownMode, s, Modes())
}

// Randomization says how Apply randomizes a data set. The zero value is
// TrueLabels with the defaults of SPEC.md section 2.
type Randomization struct {
	Mode Mode    `json:"mode,omitempty"` // "" means TrueLabels; read from JSON in any spelling ParseMode accepts
	P    float64 `json:"p,omitempty"`    // corruption probability in [0, 1] for PartialLabels; RandomLabels means P = 1; ignored otherwise

	// PermuteValues false (the default) permutes pixel positions, keeping the
	// C channels of a pixel together; true permutes all H*W*C values.
	PermuteValues bool `json:"permute_values,omitempty"`
	// GaussianPerChannel false (the default) uses the global mean and std of
	// all training values; true uses each channel's.
	GaussianPerChannel bool `json:"gaussian_per_channel,omitempty"`
	// CorruptTest false (the default, the paper's Figure 1c) keeps the test
	// labels clean; true corrupts them the same way as the train labels (with
	// an independent draw).
	CorruptTest bool `json:"corrupt_test,omitempty"`
}

// Randomized is the result of Apply.
type Randomized struct {
	Train, Test Set
	// FlipRate is the fraction of train labels that really changed, about
	// 0.9*P for 10 classes since a redrawn label may equal the old one.
	FlipRate float64
	// Corrupted is the number of train labels that were redrawn (whether or
	// not they changed); about P*Train.N.
	Corrupted int
	// TestFlipRate and TestCorrupted are the same for the test labels; zero
	// unless CorruptTest.
	TestFlipRate  float64
	TestCorrupted int
}

// Random streams: each purpose draws from its own PCG stream of the seed, so
// that changing one option does not change the draws of another (the train
// labels are the same with and without CorruptTest, for example).
const (
	streamLabels     uint64 = 0x6c6162656c73     // "labels"
	streamTestLabels uint64 = 0x746573746c616273 // "testlabs"
	streamPixels     uint64 = 0x706978656c73     // "pixels"
	streamGaussian   uint64 = 0x6761757373       // "gauss"
	streamSubset     uint64 = 0x737562736574     // "subset"
)

// newRand returns the generator of one stream of seed.
func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// Apply returns a randomized copy of ds following r; it never modifies ds.
// The result is the same for the same ds, r and seed.
//
// Label modes redraw, independently for each train image, with probability
// p the label as a class drawn uniformly from [0, ds.Classes) (which may equal
// the old label); both draws are made for every image, so with one seed the
// images corrupted at a smaller p are a subset of those at a larger p.
// Shuffled pixels draws one permutation and applies it to every train and
// test image; random pixels draws a new permutation for each image, train
// and test; Gaussian replaces every train and test value by a draw from
// N(mean, std^2) of the original training values (not clipped to [0, 1]).
//
// Images that the mode does not change are shared with ds rather than
// copied (label modes share Images); labels are always copied. Treat the
// result as read-only or copy it first.
func Apply(ds *Dataset, r Randomization, seed uint64) (Randomized, error) {
	if err := ds.Validate(); err != nil {
		return Randomized{}, fmt.Errorf("randomize: %w", err)
	}
	if !r.Mode.Valid() {
		return Randomized{}, fmt.Errorf("randomize: %w %q: want one of %v", ErrUnknownMode, r.Mode, Modes())
	}
	mode := r.Mode
	if mode == "" {
		mode = TrueLabels
	}
	out := Randomized{Train: ds.Train, Test: ds.Test}
	out.Train.Labels = append([]uint8(nil), ds.Train.Labels...)
	out.Test.Labels = append([]uint8(nil), ds.Test.Labels...)

	switch mode {
	case PartialLabels, RandomLabels:
		p := r.P
		if mode == RandomLabels {
			p = 1
		}
		if math.IsNaN(p) || p < 0 || p > 1 {
			return Randomized{}, fmt.Errorf("randomize: %w: corruption probability %v is not in [0, 1]", ErrInvalid, r.P)
		}
		out.FlipRate, out.Corrupted = corruptLabels(out.Train.Labels, p, ds.Classes, newRand(seed, streamLabels))
		if r.CorruptTest {
			out.TestFlipRate, out.TestCorrupted = corruptLabels(out.Test.Labels, p, ds.Classes, newRand(seed, streamTestLabels))
		}
	case ShuffledPixels:
		units, group := permUnits(ds.Train, r.PermuteValues)
		perm := newRand(seed, streamPixels).Perm(units)
		out.Train.Images = permuteImages(ds.Train, group, func(int) []int { return perm })
		out.Test.Images = permuteImages(ds.Test, group, func(int) []int { return perm })
	case RandomPixels:
		units, group := permUnits(ds.Train, r.PermuteValues)
		rng := newRand(seed, streamPixels)
		perm := make([]int, units)
		for i := range perm {
			perm[i] = i
		}
		// Shuffling the previous permutation again gives a fresh uniform
		// permutation without an allocation per image.
		next := func(int) []int {
			rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			return perm
		}
		out.Train.Images = permuteImages(ds.Train, group, next)
		out.Test.Images = permuteImages(ds.Test, group, next)
	case Gaussian:
		if ds.Train.N == 0 {
			return Randomized{}, fmt.Errorf("randomize: %w: Gaussian needs training images to take the mean and std of", ErrInvalid)
		}
		mean, std := valueStats(ds.Train, r.GaussianPerChannel)
		rng := newRand(seed, streamGaussian)
		out.Train.Images = gaussianImages(ds.Train, mean, std, rng)
		out.Test.Images = gaussianImages(ds.Test, mean, std, rng)
	}
	return out, nil
}

// corruptLabels redraws each label with probability p from [0, classes) and
// returns the fraction of labels that changed and the number redrawn.
func corruptLabels(labels []uint8, p float64, classes int, rng *rand.Rand) (flipRate float64, corrupted int) {
	changed := 0
	for i, old := range labels {
		u, c := rng.Float64(), uint8(rng.IntN(classes))
		if u < p {
			corrupted++
			labels[i] = c
			if c != old {
				changed++
			}
		}
	}
	if len(labels) > 0 {
		flipRate = float64(changed) / float64(len(labels))
	}
	return flipRate, corrupted
}

// permUnits returns the number of permuted units per image and the number
// of values in a unit: H*W pixels of C values, or H*W*C single values.
func permUnits(s Set, values bool) (units, group int) {
	if values {
		return s.ImageSize(), 1
	}
	return s.H * s.W, s.C
}

// permuteImages returns new images where unit k of image i is unit
// perm(i)[k] of the original.
func permuteImages(s Set, group int, perm func(i int) []int) []float32 {
	out := make([]float32, len(s.Images))
	for i := range s.N {
		src, dst := s.Image(i), out[i*s.ImageSize():(i+1)*s.ImageSize()]
		p := perm(i)
		for k, from := range p {
			copy(dst[k*group:(k+1)*group], src[from*group:(from+1)*group])
		}
	}
	return out
}

// valueStats returns the mean and population std of all values of s, one
// entry, or of each channel, C entries.
func valueStats(s Set, perChannel bool) (mean, std []float64) {
	k := 1
	if perChannel {
		k = s.C
	}
	sum := make([]float64, k)
	count := make([]float64, k)
	for j, v := range s.Images {
		c := (j % s.C) % k
		sum[c] += float64(v)
		count[c]++
	}
	mean = make([]float64, k)
	for c := range mean {
		mean[c] = sum[c] / count[c]
	}
	sq := make([]float64, k)
	for j, v := range s.Images {
		c := (j % s.C) % k
		d := float64(v) - mean[c]
		sq[c] += d * d
	}
	std = make([]float64, k)
	for c := range std {
		std[c] = math.Sqrt(sq[c] / count[c])
	}
	return mean, std
}

// gaussianImages returns len(s.Images) draws from N(mean, std^2), by channel
// when mean has one entry per channel.
func gaussianImages(s Set, mean, std []float64, rng *rand.Rand) []float32 {
	out := make([]float32, len(s.Images))
	k := len(mean)
	for j := range out {
		c := (j % s.C) % k
		out[j] = float32(mean[c] + std[c]*rng.NormFloat64())
	}
	return out
}
