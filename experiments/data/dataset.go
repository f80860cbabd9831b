// Package data owns rethink's data layer in pure Go: it decodes MNIST,
// Fashion-MNIST (idx files) and CIFAR-10 (binary batches) into float32 NHWC
// arrays, downloads CIFAR-10 resumably, caches decoded data sets, draws
// subsets, applies the randomization tests of Zhang et al. 2017 (Section 2:
// corrupted labels, shuffled or random pixels, Gaussian images) and the
// preprocessing of the paper (center crop and per-image whitening).
//
// Nothing here imports TensorFlow or a GUI toolkit; every function returns
// plain slices and errors, and none panics on bad input.
package data

import (
	"errors"
	"fmt"
)

// Sentinel errors. Functions wrap them with context; test with errors.Is.
var (
	// ErrFormat means a file is not a valid idx or CIFAR-10 batch file (bad
	// magic number, truncated, sizes that disagree, labels out of range).
	ErrFormat = errors.New("data: malformed data file")
	// ErrNotFound means a data set's files are not where they were looked for.
	ErrNotFound = errors.New("data: data set not found")
	// ErrChecksum means a downloaded file's MD5 differs from the expected one.
	ErrChecksum = errors.New("data: checksum mismatch")
	// ErrUnknownDataset means a data set name other than "mnist",
	// "fashion-mnist" or "cifar10".
	ErrUnknownDataset = errors.New("data: unknown data set")
	// ErrUnknownMode means a randomization mode that ParseMode does not know.
	ErrUnknownMode = errors.New("data: unknown randomization mode")
	// ErrInvalid means an argument out of range or an inconsistent Set.
	ErrInvalid = errors.New("data: invalid argument")
)

// Names of the data sets, as used in Dataset.Name and Source.Name.
const (
	MNISTName        = "mnist"
	FashionMNISTName = "fashion-mnist"
	CIFAR10Name      = "cifar10"
)

// Class names of the three data sets, index = label.
var (
	MNISTClasses        = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	CIFAR10Classes      = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}
)

// Set is one split of a data set, decoded, in memory.
//
// Images holds N images in NHWC order as float32, normally in [0, 1] (pixel
// byte / 255); len(Images) == N*H*W*C. Gaussian randomization and Whiten
// produce values outside [0, 1]. Labels holds N class indices in
// [0, Classes). A Set is a small value that refers to its slices: copying
// the struct does not copy the data, so treat a Set you did not build as
// read-only. Reading a Set from several goroutines is safe.
type Set struct {
	Images     []float32
	Labels     []uint8 // class indices in [0, Classes)
	N, H, W, C int     // number of images, height, width, channels
}

// ImageSize returns the number of float32 values of one image, H*W*C.
func (s Set) ImageSize() int { return s.H * s.W * s.C }

// Image returns image i as a sub-slice of s.Images of length H*W*C, in HWC
// order, without copying. It returns nil when i is out of range or the Set is
// inconsistent.
func (s Set) Image(i int) []float32 {
	size := s.ImageSize()
	if i < 0 || i >= s.N || size <= 0 || (i+1)*size > len(s.Images) {
		return nil
	}
	return s.Images[i*size : (i+1)*size : (i+1)*size]
}

// Subset returns a new Set with copies of the images and labels at the
// indices idx, in that order (an index may repeat). Indices outside [0, N)
// are skipped, so the result has at most len(idx) images.
func (s Set) Subset(idx []int) Set {
	size := s.ImageSize()
	out := Set{H: s.H, W: s.W, C: s.C}
	if size <= 0 {
		return out
	}
	out.Images = make([]float32, 0, len(idx)*size)
	out.Labels = make([]uint8, 0, len(idx))
	for _, i := range idx {
		img := s.Image(i)
		if img == nil || i >= len(s.Labels) {
			continue
		}
		out.Images = append(out.Images, img...)
		out.Labels = append(out.Labels, s.Labels[i])
		out.N++
	}
	return out
}

// Validate reports whether the Set is consistent: positive H, W and C,
// non-negative N, len(Images) == N*H*W*C and len(Labels) == N. When classes
// > 0 it also checks that every label is < classes.
func (s Set) Validate(classes int) error {
	if s.N < 0 || s.H <= 0 || s.W <= 0 || s.C <= 0 {
		return fmt.Errorf("%w: set has N=%d H=%d W=%d C=%d", ErrInvalid, s.N, s.H, s.W, s.C)
	}
	if got, want := len(s.Images), s.N*s.ImageSize(); got != want {
		return fmt.Errorf("%w: set has %d image values, want N*H*W*C = %d", ErrInvalid, got, want)
	}
	if got, want := len(s.Labels), s.N; got != want {
		return fmt.Errorf("%w: set has %d labels for %d images", ErrInvalid, got, want)
	}
	if classes > 0 {
		for i, l := range s.Labels {
			if int(l) >= classes {
				return fmt.Errorf("%w: label %d of image %d is not below %d classes", ErrInvalid, l, i, classes)
			}
		}
	}
	return nil
}

// clone returns a deep copy of s.
func (s Set) clone() Set {
	out := s
	out.Images = append([]float32(nil), s.Images...)
	out.Labels = append([]uint8(nil), s.Labels...)
	return out
}

// Dataset is a named data set with a train and a test split. Both splits
// have the same H, W and C. A *Dataset returned by Load is shared between
// callers and must be treated as read-only.
type Dataset struct {
	Name        string   // "mnist", "fashion-mnist", "cifar10"
	Classes     int      // number of classes, 10 for all three
	ClassNames  []string // human-readable name of each class, len Classes
	Train, Test Set
}

// Validate reports whether both splits are consistent, have the same image
// shape and labels below Classes.
func (d *Dataset) Validate() error {
	if d == nil {
		return fmt.Errorf("%w: nil data set", ErrInvalid)
	}
	if d.Classes <= 0 || d.Classes > 256 {
		return fmt.Errorf("%w: data set %q has %d classes, want 1 to 256", ErrInvalid, d.Name, d.Classes)
	}
	if err := d.Train.Validate(d.Classes); err != nil {
		return fmt.Errorf("data set %q, train split: %w", d.Name, err)
	}
	if err := d.Test.Validate(d.Classes); err != nil {
		return fmt.Errorf("data set %q, test split: %w", d.Name, err)
	}
	if d.Train.H != d.Test.H || d.Train.W != d.Test.W || d.Train.C != d.Test.C {
		return fmt.Errorf("%w: data set %q: train images are %dx%dx%d but test images are %dx%dx%d",
			ErrInvalid, d.Name, d.Train.H, d.Train.W, d.Train.C, d.Test.H, d.Test.W, d.Test.C)
	}
	return nil
}

// bytesToFloats converts pixel bytes to float32 values in [0, 1].
func bytesToFloats(dst []float32, src []uint8) {
	for i, b := range src {
		dst[i] = float32(b) / 255
	}
}
