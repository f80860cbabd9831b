package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMNIST(t *testing.T) {
	ds, err := LoadMNIST()
	if err != nil {
		t.Fatalf("LoadMNIST: %v", err)
	}
	if err := ds.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if got, want := ds.Name, MNISTName; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
	if got, want := ds.Classes, 10; got != want {
		t.Errorf("Classes = %d, want %d", got, want)
	}
	tests := map[string]struct {
		s Set
		n int
	}{
		"train": {ds.Train, 60000},
		"test":  {ds.Test, 10000},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := tt.s
			if s.N != tt.n || s.H != 28 || s.W != 28 || s.C != 1 {
				t.Errorf("N, H, W, C = %d, %d, %d, %d, want %d, 28, 28, 1", s.N, s.H, s.W, s.C, tt.n)
			}
			counts := make([]int, 10)
			for _, l := range s.Labels {
				if l >= 10 {
					t.Fatalf("label %d out of range", l)
				}
				counts[l]++
			}
			for c, n := range counts {
				// Every digit is between 8% and 12% of MNIST.
				if n < tt.n*8/100 || n > tt.n*12/100 {
					t.Errorf("class %d has %d images of %d", c, n, tt.n)
				}
			}
			lo, hi := s.Images[0], s.Images[0]
			for _, v := range s.Images {
				lo, hi = min(lo, v), max(hi, v)
			}
			if lo != 0 || hi != 1 {
				t.Errorf("values span [%v, %v], want [0, 1]", lo, hi)
			}
		})
	}
	// The first training image of MNIST is a 5, the first test image a 7.
	if got, want := ds.Train.Labels[0], uint8(5); got != want {
		t.Errorf("first train label = %d, want %d", got, want)
	}
	if got, want := ds.Test.Labels[0], uint8(7); got != want {
		t.Errorf("first test label = %d, want %d", got, want)
	}
}

// writeIDXDir writes a tiny MNIST look-alike to a new folder: 3 train and 2
// test images of 2x3, the images gzip-compressed and the labels raw.
func writeIDXDir(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func tinyIDXFiles(t *testing.T) map[string][]byte {
	return map[string][]byte{
		"train-images-idx3-ubyte.gz": gz(t, idxImages(3, 2, 3)),
		"train-labels-idx1-ubyte":    idxLabels(1, 2, 3),
		"t10k-images-idx3-ubyte":     idxImages(2, 2, 3),
		"t10k-labels-idx1-ubyte.gz":  gz(t, idxLabels(9, 0)),
	}
}

func TestLoadIDXDir(t *testing.T) {
	dir := writeIDXDir(t, tinyIDXFiles(t))
	ds, err := LoadIDXDir(dir, FashionMNISTName)
	if err != nil {
		t.Fatalf("LoadIDXDir: %v", err)
	}
	if err := ds.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if got, want := ds.Name, FashionMNISTName; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
	if got, want := ds.ClassNames[9], "Ankle boot"; got != want {
		t.Errorf("ClassNames[9] = %q, want %q", got, want)
	}
	if ds.Train.N != 3 || ds.Test.N != 2 || ds.Train.H != 2 || ds.Train.W != 3 || ds.Train.C != 1 {
		t.Errorf("train %d x %dx%dx%d, test %d images, want 3 x 2x3x1 and 2", ds.Train.N, ds.Train.H, ds.Train.W, ds.Train.C, ds.Test.N)
	}
	// Pixel k of image i is byte(i*7 + k): image 1, pixel 4 is 11.
	if got, want := ds.Train.Image(1)[4], float32(11)/255; got != want {
		t.Errorf("train image 1 pixel 4 = %v, want %v", got, want)
	}
	if got, want := string(ds.Test.Labels), string([]byte{9, 0}); got != want {
		t.Errorf("test labels = %v, want %v", []byte(got), []byte(want))
	}
}

func TestLoadIDXDir_Errors(t *testing.T) {
	tests := map[string]struct {
		change  func(files map[string][]byte)
		wantErr error
		want    string // part of the message
	}{
		"missing file": {
			change:  func(f map[string][]byte) { delete(f, "t10k-labels-idx1-ubyte.gz") },
			wantErr: ErrNotFound, want: "t10k-labels-idx1-ubyte",
		},
		"counts disagree": {
			change:  func(f map[string][]byte) { f["train-labels-idx1-ubyte"] = idxLabels(1, 2) },
			wantErr: ErrFormat, want: "train-labels-idx1-ubyte has 2 labels but",
		},
		"label out of range": {
			change:  func(f map[string][]byte) { f["train-labels-idx1-ubyte"] = idxLabels(1, 10, 3) },
			wantErr: ErrFormat, want: "train-labels-idx1-ubyte: data: malformed data file: label 10",
		},
		"image sizes disagree": {
			change:  func(f map[string][]byte) { f["t10k-images-idx3-ubyte"] = idxImages(2, 3, 2) },
			wantErr: ErrFormat, want: "test images are 3x2",
		},
		"truncated images": {
			change: func(f map[string][]byte) {
				f["t10k-images-idx3-ubyte"] = f["t10k-images-idx3-ubyte"][:len(f["t10k-images-idx3-ubyte"])-4]
			},
			wantErr: ErrFormat, want: "t10k-images-idx3-ubyte: data: malformed data file: 2 images of 2x3: truncated: 8 of 12 data bytes present",
		},
		"truncated compressed images": {
			change: func(f map[string][]byte) {
				z := gz(t, idxImages(300, 20, 30))
				f["train-images-idx3-ubyte.gz"] = z[:len(z)/2]
			},
			wantErr: ErrFormat, want: "train-images-idx3-ubyte.gz: data: malformed data file: 300 images of 20x30: truncated",
		},
		"empty labels": {
			change:  func(f map[string][]byte) { f["t10k-labels-idx1-ubyte.gz"] = nil },
			wantErr: ErrFormat, want: "t10k-labels-idx1-ubyte.gz: data: malformed data file: empty file, not an idx1 file",
		},
		"not an idx file": {
			change:  func(f map[string][]byte) { f["train-labels-idx1-ubyte"] = []byte("<html>moved</html>\n") },
			wantErr: ErrFormat, want: "train-labels-idx1-ubyte: data: malformed data file: not an idx1 file of unsigned-byte labels: magic number",
		},
		"images and labels swapped": {
			change: func(f map[string][]byte) {
				f["train-labels-idx1-ubyte"], f["train-images-idx3-ubyte.gz"] = f["train-images-idx3-ubyte.gz"], f["train-labels-idx1-ubyte"]
			},
			wantErr: ErrFormat, want: "train-images-idx3-ubyte.gz: data: malformed data file: not an idx3 file of unsigned-byte images: magic number 0x00000801",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			files := tinyIDXFiles(t)
			tt.change(files)
			dir := writeIDXDir(t, files)
			_, err := LoadIDXDir(dir, MNISTName)
			if got, want := errors.Is(err, tt.wantErr), true; got != want {
				t.Fatalf("errors.Is(%v, %v) = %v, want %v", err, tt.wantErr, got, want)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
			if got, want := err.Error(), dir; !strings.Contains(got, want) {
				t.Errorf("error %q does not name the folder %q", got, want)
			}
		})
	}
}

func TestFindFashionMNIST(t *testing.T) {
	full := writeIDXDir(t, tinyIDXFiles(t))
	if got, err := FindFashionMNIST(full); err != nil || got != full {
		t.Errorf("FindFashionMNIST(%q) = %q, %v, want the folder itself", full, got, err)
	}

	empty := t.TempDir()
	_, err := FindFashionMNIST(empty)
	if got, want := errors.Is(err, ErrNotFound), true; got != want {
		t.Fatalf("errors.Is(%v, ErrNotFound) = %v, want %v", err, got, want)
	}
	for _, want := range []string{empty, FashionMNISTSystemDir, "apt-get install dataset-fashion-mnist", "train-images-idx3-ubyte"} {
		if got := err.Error(); !strings.Contains(got, want) {
			t.Errorf("error %q does not say %q", got, want)
		}
	}

	// Without a folder the system one is used; whether it exists depends on the machine.
	dir, err := FindFashionMNIST("")
	switch {
	case err == nil && dir != FashionMNISTSystemDir:
		t.Errorf("FindFashionMNIST(\"\") = %q, want %q", dir, FashionMNISTSystemDir)
	case err != nil && !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist"):
		t.Errorf("error %q does not name the fix", err)
	}
}

func TestLoad_FashionMNISTSystem(t *testing.T) {
	if _, err := FindFashionMNIST(""); err != nil {
		t.Skipf("Debian's dataset-fashion-mnist is not installed: %v", err)
	}
	ds, err := LoadIDXDir(FashionMNISTSystemDir, FashionMNISTName)
	if err != nil {
		t.Fatalf("LoadIDXDir: %v", err)
	}
	if ds.Train.N != 60000 || ds.Test.N != 10000 || ds.Train.H != 28 || ds.Train.W != 28 || ds.Train.C != 1 {
		t.Errorf("train %d, test %d images of %dx%dx%d, want 60,000 and 10,000 of 28x28x1",
			ds.Train.N, ds.Test.N, ds.Train.H, ds.Train.W, ds.Train.C)
	}
}
