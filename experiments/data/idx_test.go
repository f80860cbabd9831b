package data

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseIDXImages(t *testing.T) {
	raw := idxImages(3, 2, 4)
	for name, input := range map[string][]byte{"raw": raw, "gzip": gz(t, raw)} {
		t.Run(name, func(t *testing.T) {
			n, h, w, pix, err := ParseIDXImages(bytes.NewReader(input), "images")
			if err != nil {
				t.Fatalf("ParseIDXImages: %v", err)
			}
			if n != 3 || h != 2 || w != 4 {
				t.Errorf("n, h, w = %d, %d, %d, want 3, 2, 4", n, h, w)
			}
			if got, want := len(pix), 3*2*4; got != want {
				t.Fatalf("len(pixels) = %d, want %d", got, want)
			}
			// Image 2, pixel 5 (row 1, column 1) is 2*7 + 5.
			if got, want := pix[2*8+5], byte(19); got != want {
				t.Errorf("pixel (2, 5) = %d, want %d", got, want)
			}
		})
	}
}

func TestParseIDXImages_Errors(t *testing.T) {
	good := idxImages(2, 3, 3)
	badMagic := append([]byte(nil), good...)
	badMagic[3] = 0x01
	zeroSize := idxImages(2, 0, 3)
	tests := map[string]struct {
		input []byte
		want  string // part of the message
	}{
		"empty":             {nil, "empty file, not an idx3 file"},
		"truncated header":  {good[:10], "truncated idx header"},
		"wrong magic":       {badMagic, "magic number 0x00000801"},
		"label file":        {idxLabels(1, 2, 3), "magic number"},
		"truncated data":    {good[:len(good)-1], "truncated"},
		"trailing data":     {append(append([]byte(nil), good...), 0), "trailing"},
		"zero size":         {zeroSize, "image size"},
		"huge header":       {[]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0, 0, 0, 1, 0}, "more than"},
		"truncated gzip":    {gz(t, good)[:20], "truncated"},
		"gzip, bad content": {gz(t, badMagic), "magic number"},
		"gzip magic only":   {[]byte{0x1f, 0x8b}, "gzip"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, _, _, err := ParseIDXImages(bytes.NewReader(tt.input), "some/train-images")
			if err == nil {
				t.Fatal("ParseIDXImages succeeded, want an error")
			}
			if got, want := errors.Is(err, ErrFormat), true; got != want {
				t.Errorf("errors.Is(%v, ErrFormat) = %v, want %v", err, got, want)
			}
			if got, want := err.Error(), "some/train-images"; !strings.Contains(got, want) {
				t.Errorf("error %q does not name the file %q", got, want)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
		})
	}
}

func TestParseIDXLabels(t *testing.T) {
	raw := idxLabels(5, 0, 9, 3)
	for name, input := range map[string][]byte{"raw": raw, "gzip": gz(t, raw)} {
		t.Run(name, func(t *testing.T) {
			labels, err := ParseIDXLabels(bytes.NewReader(input), "labels")
			if err != nil {
				t.Fatalf("ParseIDXLabels: %v", err)
			}
			if got, want := string(labels), string([]byte{5, 0, 9, 3}); got != want {
				t.Errorf("labels = %v, want %v", []byte(got), []byte(want))
			}
		})
	}
}

func TestParseIDXLabels_Errors(t *testing.T) {
	good := idxLabels(1, 2, 3)
	tests := map[string]struct {
		input []byte
		want  string
	}{
		"empty":            {nil, "empty file, not an idx1 file"},
		"truncated header": {good[:6], "truncated idx header"},
		"image file":       {idxImages(1, 2, 2), "magic number 0x00000803"},
		"truncated data":   {good[:len(good)-1], "truncated"},
		"trailing data":    {append(append([]byte(nil), good...), 4), "trailing"},
		"huge count":       {[]byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff, 1}, "truncated"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseIDXLabels(bytes.NewReader(tt.input), "some/train-labels")
			if err == nil {
				t.Fatal("ParseIDXLabels succeeded, want an error")
			}
			if got, want := errors.Is(err, ErrFormat), true; got != want {
				t.Errorf("errors.Is(%v, ErrFormat) = %v, want %v", err, got, want)
			}
			if got, want := err.Error(), "some/train-labels"; !strings.Contains(got, want) {
				t.Errorf("error %q does not name the file %q", got, want)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
		})
	}
}

func FuzzParseIDXImages(f *testing.F) {
	good := idxImages(3, 2, 2)
	f.Add(good)
	f.Add(gz(f, good))
	f.Add(good[:9])
	f.Add(idxLabels(1, 2))
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, h, w, pix, err := ParseIDXImages(bytes.NewReader(b), "fuzz-images")
		if err != nil {
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "fuzz-images") {
				t.Errorf("error %q does not wrap ErrFormat and name the file", err)
			}
			return
		}
		if h <= 0 || w <= 0 || n < 0 || len(pix) != n*h*w {
			t.Errorf("n, h, w = %d, %d, %d with %d pixels", n, h, w, len(pix))
		}
	})
}

func FuzzParseIDXLabels(f *testing.F) {
	good := idxLabels(1, 2, 3)
	f.Add(good)
	f.Add(gz(f, good))
	f.Add(good[:5])
	f.Add(idxImages(1, 1, 1))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		labels, err := ParseIDXLabels(bytes.NewReader(b), "fuzz-labels")
		if err != nil {
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "fuzz-labels") {
				t.Errorf("error %q does not wrap ErrFormat and name the file", err)
			}
			return
		}
		if len(b) < 8 && len(labels) > 0 {
			t.Errorf("%d labels from %d bytes", len(labels), len(b))
		}
	})
}

func TestParse_NilReader(t *testing.T) {
	if _, _, _, _, err := ParseIDXImages(nil, "x"); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseIDXImages(nil) error = %v, want ErrFormat", err)
	}
	if _, err := ParseIDXLabels(nil, "x"); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseIDXLabels(nil) error = %v, want ErrFormat", err)
	}
	if _, _, err := ParseCIFAR10Batch(nil, "x"); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseCIFAR10Batch(nil) error = %v, want ErrFormat", err)
	}
}
