package experiments

import (
	"context"
	"errors"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rethink/tfgraph"
)

// runDir returns the folder a run announced in its Started event.
func runDir(t *testing.T, evs []Event) string {
	t.Helper()
	for _, e := range evs {
		if s, ok := e.(Started); ok {
			return s.Dir
		}
	}
	t.Fatal("no Started event")
	return ""
}

// checkEvents reads dir's TensorBoard events back and compares them with metrics.csv and the
// stored filter snapshots: one scalar per epoch per metric at the epoch's step, the same value
// (as float32), and one mosaic per snapshot, pixel for pixel (within float16's rounding).
func checkEvents(t *testing.T, dir string) tfgraph.EventLog {
	t.Helper()
	rec, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	log, err := tfgraph.ReadEventLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		tag string
		get func(Metrics) float64
	}{
		{TagTrainLoss, func(m Metrics) float64 { return m.TrainLoss }},
		{TagTestLoss, func(m Metrics) float64 { return m.TestLoss }},
		{TagBatchLoss, func(m Metrics) float64 { return m.BatchLoss }},
		{TagTrainAcc, func(m Metrics) float64 { return m.TrainAcc }},
		{TagTestAcc, func(m Metrics) float64 { return m.TestAcc }},
		{TagLearningRate, func(m Metrics) float64 { return m.LearningRate }},
	} {
		got := log.ScalarSeries(m.tag)
		if len(got) != len(rec.Metrics) {
			t.Errorf("%s: %d events, want one per epoch (%d)", m.tag, len(got), len(rec.Metrics))
			continue
		}
		for i, row := range rec.Metrics {
			// metrics.csv rounds to its own precision: compare as float32 to a relative 1e-6.
			want := float64(float32(m.get(row)))
			if got[i].Step != int64(row.Step) || !close32(got[i].Value, want) {
				t.Errorf("%s epoch %d: step %d value %v, want step %d value %v", m.tag, row.Epoch, got[i].Step, got[i].Value, row.Step, want)
			}
		}
	}
	if n := len(log.ScalarSeries(TagImagesPerSec)); n != len(rec.Metrics) {
		t.Errorf("%s: %d events, want %d", TagImagesPerSec, n, len(rec.Metrics))
	}
	snaps, err := ReadFilterSnapshots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Images) == 0 || len(log.Images) != len(snaps) {
		t.Fatalf("%d images in the events, want one per filter snapshot (%d)", len(log.Images), len(snaps))
	}
	for i, s := range snaps {
		im := log.Images[i]
		want := tensorBoardMosaic(s)
		if im.Tag != TagFilters+"/image" || im.Step != int64(s.Step) || im.Width != want.Bounds().Dx() || im.Height != want.Bounds().Dy() {
			t.Errorf("image %d: %q step %d %dx%d, want %q step %d %dx%d", i, im.Tag, im.Step, im.Width, im.Height,
				TagFilters+"/image", s.Step, want.Bounds().Dx(), want.Bounds().Dy())
			continue
		}
		got, err := im.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if !samePixels(got, want) {
			t.Errorf("image %d (step %d) differs from the filter mosaic", i, s.Step)
		}
	}
	return log
}

func close32(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Abs(b) }

func samePixels(a, b image.Image) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	for y := range a.Bounds().Dy() {
		for x := range a.Bounds().Dx() {
			r1, g1, b1, _ := a.At(a.Bounds().Min.X+x, a.Bounds().Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(b.Bounds().Min.X+x, b.Bounds().Min.Y+y).RGBA()
			// Snapshots are stored as float16: a mosaic made from them may differ from the
			// float32 one the run wrote by a rounding step or two of 255.
			if far(r1>>8, r2>>8) || far(g1>>8, g2>>8) || far(b1>>8, b2>>8) {
				return false
			}
		}
	}
	return true
}

func far(a, b uint32) bool { return a > b+2 || b > a+2 }

func TestRun_WritesTensorBoardEvents(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 3
	evs, sum, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(64, 32, 5)})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 0 {
		t.Errorf("warnings: %q", sum.Warnings)
	}
	log := checkEvents(t, runDir(t, evs))
	if len(log.Files) != 1 {
		t.Errorf("%d event files, want 1", len(log.Files))
	}
	if n := len(log.ScalarSeries(TagTrainLoss)); n != 3 {
		t.Errorf("%d %s events, want 3", n, TagTrainLoss)
	}
}

// A resumed run adds a second event file to the same folder and continues the steps.
func TestRun_ResumeContinuesTensorBoardEvents(t *testing.T) {
	cfg := tinyConfig()
	ds := bars(64, 32, 6)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan Event, 1024)
	go func() {
		for e := range out {
			if d, ok := e.(EpochDone); ok && d.Metrics.Epoch == 2 {
				cancel()
			}
		}
	}()
	root := t.TempDir()
	_, err := Run(ctx, cfg, Options{ResultsDir: root, Dataset: ds}, out)
	close(out)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first half: err = %v, want context.Canceled", err)
	}
	dirs, err := filepath.Glob(filepath.Join(root, "*"))
	if err != nil || len(dirs) != 1 {
		t.Fatalf("run folders %v, %v", dirs, err)
	}
	if _, _, err := collect(t, context.Background(), Config{}, Options{ResumeDir: dirs[0], Dataset: ds}); err != nil {
		t.Fatal(err)
	}
	log := checkEvents(t, dirs[0])
	if len(log.Files) != 2 {
		t.Errorf("%d event files, want 2 (first run, resumed run)", len(log.Files))
	}
	if n := len(log.ScalarSeries(TagTrainLoss)); n != cfg.Epochs {
		t.Errorf("%d %s events, want %d", n, TagTrainLoss, cfg.Epochs)
	}
}

// A writer that cannot write loses its events, never the run: the first error becomes one
// warning in the summary and later writes are skipped.
func TestTensorBoard_FailureIsAWarning(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var sum Summary
	tb := newTensorBoard(filepath.Join(file, "run"), &sum) // a folder under a file: cannot be made
	tb.epoch(Metrics{Epoch: 1, Step: 4})
	tb.filters(FiltersReady{Step: 4, Shape: []int64{2, 2, 1, 1}, Weights: []float32{1, 2, 3, 4}})
	tb.close()
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "TensorBoard") {
		t.Errorf("warnings = %q, want one about TensorBoard", sum.Warnings)
	}
	var nilTB *tensorboard
	nilTB.epoch(Metrics{})
	nilTB.filters(FiltersReady{})
	nilTB.close()
}
