package data

import (
	"math/rand/v2"
	"slices"
)

// FirstN returns the first n images of s (all of them when n >= s.N, none
// when n <= 0). The result shares its arrays with s: no copy is made, and the
// slices are capped so that appending to them cannot overwrite s.
func FirstN(s Set, n int) Set {
	n = min(max(n, 0), s.N)
	size := s.ImageSize()
	if size < 0 || n*size > len(s.Images) || n > len(s.Labels) {
		return Set{H: s.H, W: s.W, C: s.C}
	}
	out := s
	out.N = n
	out.Images = s.Images[: n*size : n*size]
	out.Labels = s.Labels[:n:n]
	return out
}

// Stratified returns a copy of about n images of s drawn at random, with the
// same number from each of the classes 0..classes-1: n/classes each, and one
// more for the first n%classes classes. When a class has too few images, the
// shortfall is taken from the classes with the fewest chosen so far, so the
// result has min(n, number of images with a label below classes) images. The chosen images keep their
// order in s. The choice depends only on s, n, classes and the state of rng;
// a nil rng means a fixed seed. classes <= 0 means max label + 1.
func Stratified(s Set, n, classes int, rng *rand.Rand) Set {
	if rng == nil {
		rng = rand.New(rand.NewPCG(0, streamSubset))
	}
	labels := s.Labels[:min(len(s.Labels), max(s.N, 0))]
	if classes <= 0 {
		for _, l := range labels {
			classes = max(classes, int(l)+1)
		}
	}
	classes = min(classes, 256) // labels are bytes
	if n <= 0 || classes <= 0 {
		return s.Subset(nil)
	}
	byClass := make([][]int, classes)
	for i, l := range labels {
		if int(l) < classes {
			byClass[l] = append(byClass[l], i)
		}
	}
	quota := make([]int, classes)
	for c := range quota {
		quota[c] = n / classes
		if c < n%classes {
			quota[c]++
		}
	}
	// Give the quota that a small class cannot fill to the classes with
	// images to spare, each time to the one with the smallest quota (the
	// lowest class on ties), so that the counts stay as even as possible.
	short := 0
	for c := range quota {
		if quota[c] > len(byClass[c]) {
			short += quota[c] - len(byClass[c])
			quota[c] = len(byClass[c])
		}
	}
	for ; short > 0; short-- {
		best := -1
		for c := range quota {
			if quota[c] < len(byClass[c]) && (best < 0 || quota[c] < quota[best]) {
				best = c
			}
		}
		if best < 0 {
			break
		}
		quota[best]++
	}
	var idx []int
	for c, members := range byClass {
		// A partial Fisher-Yates shuffle picks quota[c] members uniformly.
		for k := range quota[c] {
			j := k + rng.IntN(len(members)-k)
			members[k], members[j] = members[j], members[k]
		}
		idx = append(idx, members[:quota[c]]...)
	}
	slices.Sort(idx)
	return s.Subset(idx)
}
