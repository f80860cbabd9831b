package tfgraph

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestSummaryWriter_ReadBack writes scalars and an image through TensorFlow's summary ops and
// reads them back with ReadEventLog: tags, steps, values and pixels exactly.
func TestSummaryWriter_ReadBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run") // the writer creates it
	w, err := NewSummaryWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	type sc struct {
		step int64
		tag  string
		v    float64
	}
	want := []sc{{1, "loss/train", 2.5}, {1, "accuracy/train", 0.125}, {2, "loss/train", math.Pi}, {7, "lr", 1e-3}}
	for _, s := range want {
		if err := w.WriteScalar(s.step, s.tag, s.v); err != nil {
			t.Fatal(err)
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, 5, 3))
	for y := range 3 {
		for x := range 5 {
			img.SetRGBA(x, y, color.RGBA{uint8(40 * x), uint8(80 * y), 7, 255})
		}
	}
	if err := w.WriteImage(3, "filters", img); err != nil {
		t.Fatal(err)
	}
	gray := image.NewGray(image.Rect(10, 20, 12, 21)) // not RGBA, not at the origin
	gray.Pix[0], gray.Pix[1] = 9, 200
	if err := w.WriteImage(4, "gray", gray); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteScalar(9, "late", 1); !errors.Is(err, ErrSummaryClosed) {
		t.Errorf("WriteScalar after Close: err = %v, want ErrSummaryClosed", err)
	}

	log, err := ReadEventLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Files) != 1 || log.Version != "brain.Event:2" {
		t.Errorf("files %v, version %q; want one file of brain.Event:2", log.Files, log.Version)
	}
	if len(log.Scalars) != len(want) {
		t.Fatalf("read %d scalars, want %d: %+v", len(log.Scalars), len(want), log.Scalars)
	}
	for i, s := range want {
		got := log.Scalars[i]
		if got.Step != s.step || got.Tag != s.tag || got.Value != float64(float32(s.v)) {
			t.Errorf("scalar %d = step %d %q %v, want step %d %q %v", i, got.Step, got.Tag, got.Value, s.step, s.tag, float32(s.v))
		}
		if got.WallTime <= 0 {
			t.Errorf("scalar %d: wall time %v", i, got.WallTime)
		}
	}
	if len(log.Images) != 2 {
		t.Fatalf("read %d images, want 2", len(log.Images))
	}
	if g := log.Images[1]; g.Tag != "gray/image" || g.Width != 2 || g.Height != 1 {
		t.Errorf("gray image = %q %dx%d, want \"gray/image\" 2x1", g.Tag, g.Width, g.Height)
	} else if dec, err := g.Decode(); err != nil {
		t.Error(err)
	} else if r0, _, _, _ := dec.At(0, 0).RGBA(); r0>>8 != 9 {
		t.Errorf("gray pixel 0 = %d, want 9", r0>>8)
	} else if _, g1, _, _ := dec.At(1, 0).RGBA(); g1>>8 != 200 {
		t.Errorf("gray pixel 1 = %d, want 200", g1>>8)
	}
	im := log.Images[0]
	if im.Step != 3 || im.Tag != "filters/image" || im.Width != 5 || im.Height != 3 || im.Channels != 3 {
		t.Errorf("image = step %d %q %dx%dx%d, want step 3 \"filters/image\" 5x3x3", im.Step, im.Tag, im.Width, im.Height, im.Channels)
	}
	dec, err := im.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if b := dec.Bounds(); b.Dx() != 5 || b.Dy() != 3 {
		t.Fatalf("decoded image is %v, want 5x3", b)
	}
	for y := range 3 {
		for x := range 5 {
			r, g, b, _ := dec.At(x, y).RGBA()
			if uint8(r>>8) != uint8(40*x) || uint8(g>>8) != uint8(80*y) || uint8(b>>8) != 7 {
				t.Fatalf("pixel (%d,%d) = %d,%d,%d, want %d,%d,7", x, y, r>>8, g>>8, b>>8, 40*x, 80*y)
			}
		}
	}

	// A second writer on the same folder (a resumed run) adds a file; both are read, in order.
	w2, err := NewSummaryWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.WriteScalar(8, "loss/train", 0.5); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	log, err = ReadEventLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	series := log.ScalarSeries("loss/train")
	if len(log.Files) != 2 || len(series) != 3 || series[2].Step != 8 || series[2].Value != 0.5 {
		t.Errorf("after a second writer: files %v, loss/train %+v; want 2 files and steps 1, 2, 8", log.Files, series)
	}
}

// TestReadEventLog_Damage checks that a flipped byte is an error and that a truncated last
// record (a writer killed mid-write) only ends the file.
func TestReadEventLog_Damage(t *testing.T) {
	dir := t.TempDir()
	w, err := NewSummaryWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for step := range int64(3) {
		if err := w.WriteScalar(step, "x", float64(step)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	log, err := ReadEventLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	file := log.Files[0]
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	if err := os.WriteFile(file, good[:len(good)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	log, err = ReadEventLog(dir)
	if err != nil {
		t.Fatalf("truncated last record: %v", err)
	}
	if len(log.Scalars) != 2 {
		t.Errorf("truncated last record: read %d scalars, want the 2 before it", len(log.Scalars))
	}

	bad := bytes.Clone(good)
	bad[len(bad)-6] ^= 0x40 // inside the last record's data
	if err := os.WriteFile(file, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadEventLog(dir); err == nil {
		t.Error("a flipped byte was not reported")
	}

	if _, err := ReadEventLog(t.TempDir()); !errors.Is(err, ErrNoEvents) {
		t.Errorf("empty folder: err = %v, want ErrNoEvents", err)
	}
}

// TestSummaryWriter_WriteScalars: scalars written in one call are the events WriteScalar writes
// one call each (tags, steps, values, order), flushed without a Flush; a second batch of the
// same size reuses its ops, one of another size adds its own.
func TestSummaryWriter_WriteScalars(t *testing.T) {
	tags := []string{"loss/train", "loss/test", "accuracy/train"}
	write := func(batched bool) []ScalarEvent {
		dir := t.TempDir()
		w, err := NewSummaryWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		for step, vs := range [][]float64{{2.5, 2.25, 0.125}, {1.5, math.Pi, 0.5}} {
			if batched {
				if err := w.WriteScalars(int64(step+1), tags, vs); err != nil {
					t.Fatal(err)
				}
				continue
			}
			for i, tag := range tags {
				if err := w.WriteScalar(int64(step+1), tag, vs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		if batched {
			if err := w.WriteScalars(3, tags[:1], []float64{0.25}); err != nil {
				t.Fatal(err)
			}
			if err := w.WriteScalars(3, tags, []float64{1}); err == nil {
				t.Error("3 tags for 1 value: no error")
			}
		} else if err := w.WriteScalar(3, tags[0], 0.25); err != nil {
			t.Fatal(err)
		}
		// Read before Close: the batches must have flushed the events themselves (the last
		// single write alone is flushed here).
		if !batched {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		log, err := ReadEventLog(dir)
		if err != nil {
			t.Fatal(err)
		}
		for i := range log.Scalars {
			log.Scalars[i].WallTime = 0
		}
		return log.Scalars
	}
	one, batched := write(false), write(true)
	if len(one) != 7 || fmt.Sprint(one) != fmt.Sprint(batched) {
		t.Errorf("scalars written in one call:\n%v\nwant, as one call each:\n%v", batched, one)
	}
}

// BenchmarkSummaryWriter_Scalars measures an epoch's seven scalars and the flush: one call each
// (WriteScalar, then Flush) and in one call (WriteScalars).
func BenchmarkSummaryWriter_Scalars(b *testing.B) {
	tags := []string{"a", "b", "c", "d", "e", "f", "g"}
	values := []float64{1, 2, 3, 4, 5, 6, 7}
	for _, batched := range []bool{false, true} {
		name := map[bool]string{false: "one-call-each", true: "one-call"}[batched]
		b.Run(name, func(b *testing.B) {
			w, err := NewSummaryWriter(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			cpu0 := processCPU()
			for i := range b.N {
				if batched {
					err = w.WriteScalars(int64(i), tags, values)
				} else {
					for k, tag := range tags {
						if err = w.WriteScalar(int64(i), tag, values[k]); err != nil {
							break
						}
					}
					if err == nil {
						err = w.Flush()
					}
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(1e6*(processCPU()-cpu0)/float64(b.N), "cpu-us/epoch")
		})
	}
}

// BenchmarkSummaryWriter_Epoch measures what a run adds per epoch: seven scalars and a flush in
// one call, a filter mosaic of the MNIST MLP's size (914 x 914 pixels) and a flush.
func BenchmarkSummaryWriter_Epoch(b *testing.B) {
	w, err := NewSummaryWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	img := image.NewRGBA(image.Rect(0, 0, 914, 914))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7919 >> 3)
		if i%4 == 3 {
			img.Pix[i] = 0xff
		}
	}
	tags := []string{"tag0", "tag1", "tag2", "tag3", "tag4", "tag5", "tag6"}
	values := make([]float64, len(tags))
	b.ResetTimer()
	for i := range b.N {
		if err := w.WriteScalars(int64(i), tags, values); err != nil {
			b.Fatal(err)
		}
		if err := w.WriteImage(int64(i), "filters", img); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}
