package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// indexedSet has n 1x1x1 images whose value is their index, and the labels given.
func indexedSet(labels []uint8) Set {
	s := Set{N: len(labels), H: 1, W: 1, C: 1, Labels: labels, Images: make([]float32, len(labels))}
	for i := range s.Images {
		s.Images[i] = float32(i)
	}
	return s
}

func TestFirstN(t *testing.T) {
	s := indexedSet([]uint8{0, 1, 2, 3, 4})
	tests := map[string]struct{ n, want int }{
		"3":        {3, 3},
		"all":      {5, 5},
		"too many": {9, 5},
		"zero":     {0, 0},
		"negative": {-1, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := FirstN(s, tt.n)
			if got.N != tt.want || len(got.Images) != tt.want || len(got.Labels) != tt.want {
				t.Fatalf("FirstN(s, %d) has N %d, %d values, %d labels, want %d", tt.n, got.N, len(got.Images), len(got.Labels), tt.want)
			}
			if err := got.Validate(5); err != nil {
				t.Error(err)
			}
			if tt.want > 0 && got.Images[tt.want-1] != float32(tt.want-1) {
				t.Errorf("last image = %v, want %d", got.Images[tt.want-1], tt.want-1)
			}
		})
	}
	got := FirstN(s, 2)
	got.Labels = append(got.Labels, 9)
	if s.Labels[2] != 2 {
		t.Error("appending to FirstN's labels overwrote the original")
	}
}

func TestStratified(t *testing.T) {
	// 100 images: class 0 has 2, class 1 has 18, classes 2-9 have 10 each.
	var labels []uint8
	labels = append(labels, 0, 0)
	for range 18 {
		labels = append(labels, 1)
	}
	for c := 2; c < 10; c++ {
		for range 10 {
			labels = append(labels, uint8(c))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	s := indexedSet(labels)

	tests := map[string]struct {
		n, classes int
		want       []int // images per class
	}{
		"even":        {40, 10, []int{2, 5, 5, 4, 4, 4, 4, 4, 4, 4}},
		"remainder":   {23, 10, []int{2, 3, 3, 3, 2, 2, 2, 2, 2, 2}},
		"short class": {50, 10, []int{2, 6, 6, 6, 5, 5, 5, 5, 5, 5}},
		"everything":  {500, 10, []int{2, 18, 10, 10, 10, 10, 10, 10, 10, 10}},
		"two classes": {10, 2, []int{2, 8, 0, 0, 0, 0, 0, 0, 0, 0}},
		"infer":       {20, 0, []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
		"none":        {0, 10, []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := Stratified(s, tt.n, tt.classes, rand.New(rand.NewPCG(5, 6)))
			counts := make([]int, 10)
			for _, l := range got.Labels {
				counts[l]++
			}
			if !slices.Equal(counts, tt.want) {
				t.Errorf("images per class = %v, want %v", counts, tt.want)
			}
			if err := got.Validate(10); err != nil {
				t.Fatal(err)
			}
			// Each chosen image keeps its label and its place in the original order.
			for i, v := range got.Images {
				if i > 0 && v <= got.Images[i-1] {
					t.Fatalf("images out of order: %v", got.Images)
				}
				if s.Labels[int(v)] != got.Labels[i] {
					t.Fatalf("image %v has label %d, want %d", v, got.Labels[i], s.Labels[int(v)])
				}
			}
			again := Stratified(s, tt.n, tt.classes, rand.New(rand.NewPCG(5, 6)))
			if !slices.Equal(again.Images, got.Images) {
				t.Error("the same rng gave a different subset")
			}
		})
	}
	a := Stratified(s, 30, 10, rand.New(rand.NewPCG(1, 1)))
	b := Stratified(s, 30, 10, rand.New(rand.NewPCG(2, 2)))
	if slices.Equal(a.Images, b.Images) {
		t.Error("different seeds gave the same subset")
	}
	if got := Stratified(s, 10, 1<<40, nil); got.N != 10 {
		t.Errorf("huge class count: N = %d, want 10", got.N)
	}
	if got := Stratified(s, 10, 10, nil); got.N != 10 {
		t.Errorf("nil rng: N = %d, want 10", got.N)
	}
}
