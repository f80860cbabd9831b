package data

import (
	"math"
)

// CenterCrop returns a new Set with the central size x size window of every
// image of s (for CIFAR-10, 32x32 -> 28x28 drops 2 rows and columns on each
// side; with an odd margin the extra row or column is dropped at the bottom
// or right). It returns s itself, sharing its data, when the images are
// already size x size, and also when size is not in [1, min(H, W)] or s is
// inconsistent (see Set.Validate), since there is nothing sensible to crop.
func CenterCrop(s Set, size int) Set {
	if !canCrop(s, size) || (size == s.H && size == s.W) {
		return s
	}
	top, left := (s.H-size)/2, (s.W-size)/2
	return crop(s, size, func(int) (int, int) { return top, left })
}

// canCrop reports whether s is consistent and a size x size window fits.
func canCrop(s Set, size int) bool {
	return s.Validate(0) == nil && size >= 1 && size <= s.H && size <= s.W
}

// crop copies the size x size window at at(i) of each image i.
func crop(s Set, size int, at func(i int) (top, left int)) Set {
	out := Set{
		Images: make([]float32, s.N*size*size*s.C),
		Labels: append([]uint8(nil), s.Labels...),
		N:      s.N, H: size, W: size, C: s.C,
	}
	row := size * s.C
	for i := range s.N {
		src, dst := s.Image(i), out.Image(i)
		top, left := at(i)
		for y := range size {
			from := ((top+y)*s.W + left) * s.C
			copy(dst[y*row:(y+1)*row], src[from:from+row])
		}
	}
	return out
}

// Whiten returns a new Set in which every image is standardized on its own:
// the mean over its H*W*C values is subtracted and the result divided by
// max(std, 1/sqrt(H*W*C)), std being the population standard deviation (as
// TensorFlow's per_image_standardization). A constant image becomes all
// zeros. The result is the same for values in [0, 1] and in [0, 255] up to
// the floor on std. An inconsistent s (see Set.Validate) is returned as is.
func Whiten(s Set) Set {
	if s.Validate(0) != nil {
		return s
	}
	out := s.clone()
	for i := range out.N {
		WhitenImage(out.Image(i))
	}
	return out
}

// WhitenImage standardizes one image in place, as Whiten does for each
// image; img holds its H*W*C values. An empty img is left alone.
func WhitenImage(img []float32) {
	if len(img) == 0 {
		return
	}
	n := float64(len(img))
	var sum float64
	for _, v := range img {
		sum += float64(v)
	}
	mean := sum / n
	var sq float64
	for _, v := range img {
		d := float64(v) - mean
		sq += d * d
	}
	scale := max(math.Sqrt(sq/n), 1/math.Sqrt(n))
	for j, v := range img {
		img[j] = float32((float64(v) - mean) / scale)
	}
}
