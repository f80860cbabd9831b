package experiments

import (
	"fmt"
	"image"

	"rethink/tfgraph"
)

// TensorBoard scalar tags, one value per epoch at the epoch's last SGD step. Losses are mean
// cross-entropies (nats), accuracies fractions in [0, 1] (see Metrics).
const (
	TagTrainLoss    = "loss/train"
	TagTestLoss     = "loss/test"
	TagBatchLoss    = "loss/batch" // mean training-mode loss of the epoch's batches
	TagTrainAcc     = "accuracy/train"
	TagTestAcc      = "accuracy/test"
	TagLearningRate = "learning_rate"
	TagImagesPerSec = "images_per_sec"
	// TagFilters is the first-layer filter mosaic (FilterMosaic); TensorFlow stores it under
	// TagFilters+"/image".
	TagFilters = "filters"
)

// tensorboard writes a run's metrics and filter snapshots as TensorBoard event files in the run
// folder, through TensorFlow's own summary ops, so that `tensorboard --logdir results` lists
// each run under its folder name. A resumed run opens a new event file in the same folder and
// continues its steps.
//
// It never stops a run: its first error is added to the run's summary as a warning and the
// writer is closed; later writes are skipped. The event file is opened at the first write, so a
// run that fails before it trains leaves none. A nil *tensorboard writes nothing. It belongs to
// the run's goroutine.
type tensorboard struct {
	dir    string
	sum    *Summary // where a failure is reported
	w      *tfgraph.SummaryWriter
	failed bool
}

func newTensorBoard(dir string, sum *Summary) *tensorboard {
	return &tensorboard{dir: dir, sum: sum}
}

// scalarTags are the tags epoch writes, in its order.
var scalarTags = []string{TagTrainLoss, TagTestLoss, TagBatchLoss, TagTrainAcc, TagTestAcc, TagLearningRate, TagImagesPerSec}

// epoch writes one value of every metric at met.Step and flushes, in one call to TensorFlow, so
// that a kill loses at most the epoch under way.
func (t *tensorboard) epoch(met Metrics) {
	values := []float64{met.TrainLoss, met.TestLoss, met.BatchLoss, met.TrainAcc, met.TestAcc, met.LearningRate, met.ImagesPerSec}
	t.do(func(w *tfgraph.SummaryWriter) error { return w.WriteScalars(int64(met.Step), scalarTags, values) })
}

// filters writes the mosaic of a filter snapshot (tensorBoardMosaic) at its step and flushes.
func (t *tensorboard) filters(ev FiltersReady) {
	if t == nil || t.failed {
		return
	}
	img := tensorBoardMosaic(ev)
	if img == nil {
		return
	}
	t.do(func(w *tfgraph.SummaryWriter) error { return w.WriteImage(int64(ev.Step), TagFilters, img) })
	t.do((*tfgraph.SummaryWriter).Flush)
}

// tensorBoardMosaic draws a snapshot as FilterMosaic does, at a scale that makes each filter
// about 64 pixels tall, at most 4 screen pixels a weight (filters.png's scale): an MLP's 28 x 28
// filters at scale 2, a CNN's 5 x 5 kernels at 4. Encoding the image as PNG is most of what the
// events cost a run, and it grows with the square of the scale.
func tensorBoardMosaic(ev FiltersReady) *image.RGBA {
	fs := ev.Filters()
	if len(fs) == 0 {
		return nil
	}
	return FilterMosaic(ev, max(1, min(4, 64/fs[0].H)))
}

// close closes the event file, if one was opened. Call it on every exit path of a run.
func (t *tensorboard) close() {
	if t != nil && t.w != nil {
		if err := t.w.Close(); err != nil {
			t.fail(err)
		}
		t.w = nil
	}
}

// do runs f on the writer, opening it first if needed, unless an earlier write failed.
func (t *tensorboard) do(f func(*tfgraph.SummaryWriter) error) {
	if t == nil || t.failed {
		return
	}
	if t.w == nil {
		w, err := tfgraph.NewSummaryWriter(t.dir)
		if err != nil {
			t.fail(err)
			return
		}
		t.w = w
	}
	if err := f(t.w); err != nil {
		t.fail(err)
		t.close()
	}
}

func (t *tensorboard) fail(err error) {
	if t.failed {
		return
	}
	t.failed = true
	t.sum.Warnings = append(t.sum.Warnings, fmt.Sprintf("TensorBoard events are incomplete: %v", err))
}
