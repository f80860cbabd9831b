package data

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseCIFAR10Batch(t *testing.T) {
	batch, pixels := cifarBatch([]byte{3, 9, 0}, rand.New(rand.NewPCG(1, 2)))
	images, labels, err := ParseCIFAR10Batch(bytes.NewReader(batch), "data_batch_1.bin")
	if err != nil {
		t.Fatalf("ParseCIFAR10Batch: %v", err)
	}
	if got, want := string(labels), string([]byte{3, 9, 0}); got != want {
		t.Errorf("labels = %v, want %v", []byte(got), []byte(want))
	}
	if got, want := len(images), 3*32*32*3; got != want {
		t.Fatalf("len(images) = %d, want %d", got, want)
	}
	// NHWC value (i, y, x, c) comes from byte c*1024 + y*32 + x of record i.
	tests := []struct{ i, y, x, c int }{{0, 0, 0, 0}, {0, 0, 0, 2}, {1, 5, 7, 1}, {2, 31, 31, 2}, {2, 31, 0, 0}}
	for _, tt := range tests {
		got := images[((tt.i*32+tt.y)*32+tt.x)*3+tt.c]
		want := float32(pixels[tt.i][tt.c*1024+tt.y*32+tt.x]) / 255
		if got != want {
			t.Errorf("image %d (y %d, x %d, c %d) = %v, want %v", tt.i, tt.y, tt.x, tt.c, got, want)
		}
	}
}

func TestParseCIFAR10Batch_Errors(t *testing.T) {
	good, _ := cifarBatch([]byte{1, 2}, rand.New(rand.NewPCG(1, 2)))
	badLabel := append([]byte(nil), good...)
	badLabel[cifarRecord] = 10
	tests := map[string]struct {
		input []byte
		want  string
	}{
		"empty":          {nil, "empty"},
		"truncated":      {good[:len(good)-1], "not a multiple of the 3073-byte record"},
		"extra byte":     {append(append([]byte(nil), good...), 0), "not a multiple"},
		"label 10":       {badLabel, "record 1 has label 10"},
		"idx file":       {idxImages(1, 28, 28), "not a multiple"},
		"only one label": {[]byte{1}, "not a multiple"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := ParseCIFAR10Batch(bytes.NewReader(tt.input), "some/data_batch_3.bin")
			if got, want := errors.Is(err, ErrFormat), true; got != want {
				t.Fatalf("errors.Is(%v, ErrFormat) = %v, want %v", err, got, want)
			}
			if got, want := err.Error(), "some/data_batch_3.bin"; !strings.Contains(got, want) {
				t.Errorf("error %q does not name the file %q", got, want)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
		})
	}
}

func FuzzParseCIFAR10Batch(f *testing.F) {
	good, _ := cifarBatch([]byte{1, 9}, rand.New(rand.NewPCG(1, 2)))
	f.Add(good)
	f.Add(good[:cifarRecord])
	f.Add(good[:100])
	f.Add([]byte{})
	bad := append([]byte(nil), good[:cifarRecord]...)
	bad[0] = 200
	f.Add(bad)
	f.Fuzz(func(t *testing.T, b []byte) {
		images, labels, err := ParseCIFAR10Batch(bytes.NewReader(b), "fuzz-batch")
		if err != nil {
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "fuzz-batch") {
				t.Errorf("error %q does not wrap ErrFormat and name the file", err)
			}
			return
		}
		if len(labels)*cifarRecord != len(b) || len(images) != len(labels)*3072 {
			t.Errorf("%d labels and %d values from %d bytes", len(labels), len(images), len(b))
		}
		for _, l := range labels {
			if l >= 10 {
				t.Errorf("label %d accepted", l)
			}
		}
		for _, v := range images {
			if v < 0 || v > 1 {
				t.Fatalf("value %v outside [0, 1]", v)
			}
		}
	})
}

// writeTinyCIFAR writes c's batches into dir/cifar-10-batches-bin.
func writeTinyCIFAR(t *testing.T, c tinyCIFAR, dir string) string {
	t.Helper()
	batches := filepath.Join(dir, CIFAR10BatchesDir)
	if err := os.MkdirAll(batches, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range c.batches {
		if err := os.WriteFile(filepath.Join(batches, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return batches
}

// checkTinyCIFAR compares a loaded data set with the tiny one it came from.
func checkTinyCIFAR(t *testing.T, ds *Dataset, c tinyCIFAR) {
	t.Helper()
	if err := ds.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if ds.Name != CIFAR10Name || ds.Classes != 10 || ds.ClassNames[0] != "airplane" {
		t.Errorf("Name %q, Classes %d, ClassNames[0] %q", ds.Name, ds.Classes, ds.ClassNames[0])
	}
	if got, want := ds.Train.N, len(c.trainLabels); got != want {
		t.Errorf("train N = %d, want %d", got, want)
	}
	if ds.Train.H != 32 || ds.Train.W != 32 || ds.Train.C != 3 {
		t.Errorf("train images are %dx%dx%d, want 32x32x3", ds.Train.H, ds.Train.W, ds.Train.C)
	}
	if got, want := string(ds.Train.Labels), string(c.trainLabels); got != want {
		t.Errorf("train labels = %v, want %v", []byte(got), []byte(want))
	}
	if got, want := string(ds.Test.Labels), string(c.testLabels); got != want {
		t.Errorf("test labels = %v, want %v", []byte(got), []byte(want))
	}
	// The last training image comes from data_batch_5: check a green value.
	last := ds.Train.N - 1
	if got, want := ds.Train.Image(last)[(4*32+6)*3+1], float32(c.trainPixels[last][1024+4*32+6])/255; got != want {
		t.Errorf("last train image (4, 6, green) = %v, want %v", got, want)
	}
}

func TestLoadCIFAR10(t *testing.T) {
	c := newTinyCIFAR(3)
	parent := t.TempDir()
	batches := writeTinyCIFAR(t, c, parent)
	for name, dir := range map[string]string{"batches folder": batches, "parent folder": parent} {
		t.Run(name, func(t *testing.T) {
			ds, err := LoadCIFAR10(dir)
			if err != nil {
				t.Fatalf("LoadCIFAR10: %v", err)
			}
			checkTinyCIFAR(t, ds, c)
		})
	}
}

func TestLoadCIFAR10_Errors(t *testing.T) {
	tests := map[string]struct {
		change  func(dir string) error
		wantErr error
		want    string
	}{
		"missing batch": {
			change:  func(dir string) error { return os.Remove(filepath.Join(dir, "data_batch_4.bin")) },
			wantErr: ErrNotFound, want: "lacks data_batch_4.bin of the six binary batches",
		},
		"truncated batch": {
			change:  func(dir string) error { return os.Truncate(filepath.Join(dir, "data_batch_2.bin"), 3073*2+5) },
			wantErr: ErrFormat, want: "data_batch_2.bin",
		},
		"bad label": {
			change: func(dir string) error {
				f, err := os.OpenFile(filepath.Join(dir, "test_batch.bin"), os.O_WRONLY, 0)
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = f.WriteAt([]byte{12}, 3073)
				return err
			},
			wantErr: ErrFormat, want: "test_batch.bin: data: malformed data file: record 1 has label 12",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			batches := writeTinyCIFAR(t, newTinyCIFAR(3), t.TempDir())
			if err := tt.change(batches); err != nil {
				t.Fatal(err)
			}
			_, err := LoadCIFAR10(batches)
			if got, want := errors.Is(err, tt.wantErr), true; got != want {
				t.Fatalf("errors.Is(%v, %v) = %v, want %v", err, tt.wantErr, got, want)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
		})
	}
}
