package data

import (
	"errors"
	"slices"
	"testing"
)

func TestSet_Image(t *testing.T) {
	s := syntheticDataset(3, 0, 2, 2, 1, 10, func(_, i, j int) float32 { return float32(i*10 + j) }).Train
	tests := map[string]struct {
		i    int
		want []float32
	}{
		"first":    {0, []float32{0, 1, 2, 3}},
		"last":     {2, []float32{20, 21, 22, 23}},
		"negative": {-1, nil},
		"past end": {3, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := s.Image(tt.i); !slices.Equal(got, tt.want) {
				t.Errorf("Image(%d) = %v, want %v", tt.i, got, tt.want)
			}
		})
	}
	if got := s.Image(1); cap(got) != 4 {
		t.Errorf("cap(Image(1)) = %d, want 4 so that appends cannot overwrite image 2", cap(got))
	}
	s.Image(0)[0] = 99
	if s.Images[0] != 99 {
		t.Error("Image copied, want a sub-slice")
	}
}

func TestSet_Subset(t *testing.T) {
	s := syntheticDataset(4, 0, 1, 2, 1, 10, func(_, i, j int) float32 { return float32(i*10 + j) }).Train
	got := s.Subset([]int{3, 1, 3, 7, -1})
	if got.N != 3 || got.H != 1 || got.W != 2 || got.C != 1 {
		t.Fatalf("Subset: N %d, %dx%dx%d, want 3 images of 1x2x1", got.N, got.H, got.W, got.C)
	}
	if want := []float32{30, 31, 10, 11, 30, 31}; !slices.Equal(got.Images, want) {
		t.Errorf("Images = %v, want %v", got.Images, want)
	}
	if want := []uint8{3, 1, 3}; !slices.Equal(got.Labels, want) {
		t.Errorf("Labels = %v, want %v", got.Labels, want)
	}
	got.Images[0] = -1
	if s.Images[6] != 30 {
		t.Error("Subset shares memory with its input")
	}
}

func TestSet_Validate(t *testing.T) {
	good := syntheticDataset(2, 0, 2, 2, 1, 3, func(_, _, _ int) float32 { return 0 }).Train
	tests := map[string]struct {
		change func(s *Set)
		ok     bool
	}{
		"good":           {func(*Set) {}, true},
		"short images":   {func(s *Set) { s.Images = s.Images[:7] }, false},
		"missing label":  {func(s *Set) { s.Labels = s.Labels[:1] }, false},
		"zero width":     {func(s *Set) { s.W = 0 }, false},
		"negative N":     {func(s *Set) { s.N = -1 }, false},
		"label too high": {func(s *Set) { s.Labels = []uint8{0, 3} }, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := good
			tt.change(&s)
			err := s.Validate(3)
			if got, want := err == nil, tt.ok; got != want {
				t.Errorf("Validate() = %v, want ok %v", err, want)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
		})
	}
}
