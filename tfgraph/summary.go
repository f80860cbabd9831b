package tfgraph

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"sync"
	"sync/atomic"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// SummaryWriter writes TensorBoard event files through TensorFlow's own summary ops
// (SummaryWriter, CreateSummaryFileWriter, WriteScalarSummary, WriteImageSummary,
// FlushSummaryWriter, CloseSummaryWriter), so that `tensorboard --logdir` on the folder, or on
// any folder above it, reads what it writes. It has a small graph and session of its own, on the
// CPU with one thread, apart from any Model.
//
// Each writer opens a new event file, events.out.tfevents.<seconds>.<host>..., in its folder;
// TensorBoard reads every event file of a folder as one run, so a resumed run that opens a new
// writer on the same folder continues the same run. Steps are whatever the caller passes (rethink
// passes SGD steps). Events are queued and written to the file when 100 are queued, at a write a
// minute or more after the last flush, on Flush and on Close.
//
// Threading: a SummaryWriter is safe for concurrent use; writes are serialized. After Close the
// writes and Flush return ErrSummaryClosed.
type SummaryWriter struct {
	mu    sync.Mutex
	dir   string
	sess  *tf.Session
	graph *tf.Graph
	// writer is the writer resource; batches holds, by number of scalars, the ops that write
	// that many at once (see WriteScalars), added to the graph at their first use.
	writer  tf.Output
	batches map[int]scalarBatch

	step, tag, value, image tf.Output
	scalar, img             *tf.Operation
	flush, close            *tf.Operation
}

// ErrSummaryClosed is returned by the methods of a closed SummaryWriter.
var ErrSummaryClosed = errors.New("tfgraph: summary writer closed")

// writerCount makes every writer's resource name unique in the process.
var writerCount atomic.Int64

// NewSummaryWriter opens a writer on a new event file in dir, creating dir if needed.
func NewSummaryWriter(dir string) (*SummaryWriter, error) {
	w := &SummaryWriter{dir: dir}
	root := op.NewScope()
	s := root.SubScope("summary")
	var writer tf.Output
	if o := addOp(s.SubScope("writer"), "SummaryWriter", nil, map[string]any{
		"shared_name": fmt.Sprintf("rethink_summary_%d", writerCount.Add(1)),
	}); o != nil {
		writer = o.Output(0)
	}
	logdir := op.Placeholder(s.SubScope("logdir"), tf.String, op.PlaceholderShape(tf.ScalarShape()))
	create := addOp(s.SubScope("create"), "CreateSummaryFileWriter", []tf.Input{writer,
		logdir,
		op.Const(s.SubScope("max_queue"), int32(100)),
		op.Const(s.SubScope("flush_millis"), int32(60_000)),
		op.Const(s.SubScope("suffix"), ".rethink"),
	}, nil)
	w.step = op.Placeholder(s.SubScope("step"), tf.Int64, op.PlaceholderShape(tf.ScalarShape()))
	w.tag = op.Placeholder(s.SubScope("tag"), tf.String, op.PlaceholderShape(tf.ScalarShape()))
	w.value = op.Placeholder(s.SubScope("value"), tf.Double, op.PlaceholderShape(tf.ScalarShape()))
	w.image = op.Placeholder(s.SubScope("image"), tf.Uint8, op.PlaceholderShape(tf.MakeShape(1, -1, -1, 3)))
	w.scalar = op.WriteScalarSummary(s.SubScope("scalar"), writer, w.step, w.tag, w.value)
	badColor := op.Const(s.SubScope("bad_color"), []uint8{255, 0, 0, 255})
	w.img = op.WriteImageSummary(s.SubScope("write_image"), writer, w.step, w.tag, w.image, badColor,
		op.WriteImageSummaryMaxImages(1))
	w.flush = addOp(s.SubScope("flush"), "FlushSummaryWriter", []tf.Input{writer}, nil)
	w.close = addOp(s.SubScope("close"), "CloseSummaryWriter", []tf.Input{writer}, nil)
	g, err := root.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: summary writer graph: %w", err)
	}
	sess, _, _, err := openSession(g, "cpu", 1, "", 0)
	if err != nil {
		return nil, err
	}
	t, err := tf.NewTensor(dir)
	if err != nil {
		sess.Close()
		return nil, err
	}
	if _, err := sess.Run(map[tf.Output]*tf.Tensor{logdir: t}, nil, []*tf.Operation{create}); err != nil {
		sess.Close()
		return nil, fmt.Errorf("tfgraph: open summary writer in %s: %w", dir, err)
	}
	w.sess, w.graph, w.writer, w.batches = sess, g, writer, map[int]scalarBatch{}
	return w, nil
}

// scalarBatch writes n scalars and flushes, in one call: tags [n] string, values [n] float64.
type scalarBatch struct {
	tags, values tf.Output
	flush        *tf.Operation
}

// batch returns the ops that write n scalars at once, adding them to the graph the first time:
// n WriteScalarSummary ops, each after the one before it (so the events keep the order of the
// tags), then a flush. The session picks up the new ops at its next run. Call with w.mu held.
func (w *SummaryWriter) batch(n int) (scalarBatch, error) {
	if b, ok := w.batches[n]; ok {
		return b, nil
	}
	s := op.NewScopeWithGraph(w.graph).SubScope(fmt.Sprintf("scalars_%d", n))
	b := scalarBatch{
		tags:   op.Placeholder(s.SubScope("tags"), tf.String, op.PlaceholderShape(tf.MakeShape(int64(n)))),
		values: op.Placeholder(s.SubScope("values"), tf.Double, op.PlaceholderShape(tf.MakeShape(int64(n)))),
	}
	var prev []*tf.Operation
	for i := range n {
		ws := s.SubScope(fmt.Sprint(i)).WithControlDependencies(prev...)
		at := op.Const(ws.SubScope("index"), int32(i))
		tag := op.GatherV2(ws.SubScope("tag"), b.tags, at, op.Const(ws.SubScope("axis"), int32(0)))
		v := op.GatherV2(ws.SubScope("value"), b.values, at, op.Const(ws.SubScope("value_axis"), int32(0)))
		prev = []*tf.Operation{op.WriteScalarSummary(ws.SubScope("write"), w.writer, w.step, tag, v)}
	}
	b.flush = addOp(s.SubScope("flush").WithControlDependencies(prev...), "FlushSummaryWriter", []tf.Input{w.writer}, nil)
	if err := s.Err(); err != nil {
		return scalarBatch{}, fmt.Errorf("tfgraph: summary graph for %d scalars: %w", n, err)
	}
	w.batches[n] = b
	return b, nil
}

// WriteScalars writes the scalar summaries values[i] under tags[i] at step and flushes the event
// file, all in one call to TensorFlow (a run's metrics of an epoch): the events WriteScalar would
// queue for each, in the same order, then Flush.
func (w *SummaryWriter) WriteScalars(step int64, tags []string, values []float64) error {
	if len(tags) != len(values) {
		return fmt.Errorf("tfgraph: %d summary tags for %d values", len(tags), len(values))
	}
	if len(tags) == 0 {
		return w.Flush()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sess == nil {
		return ErrSummaryClosed
	}
	b, err := w.batch(len(tags))
	if err != nil {
		return err
	}
	st, err := tf.NewTensor(step)
	if err != nil {
		return err
	}
	tt, err := tf.NewTensor(tags)
	if err != nil {
		return err
	}
	vt, err := tf.NewTensor(values)
	if err != nil {
		return err
	}
	if _, err := w.sess.Run(map[tf.Output]*tf.Tensor{w.step: st, b.tags: tt, b.values: vt}, nil, []*tf.Operation{b.flush}); err != nil {
		return fmt.Errorf("tfgraph: summary scalars %q in %s: %w", tags, w.dir, err)
	}
	return nil
}

// addOp adds an op that graft generates no wrapper for: the summary writer's resource ops are
// hidden from TensorFlow's Python API, and so from graft's generator.
func addOp(s *op.Scope, typ string, in []tf.Input, attrs map[string]any) *tf.Operation {
	if s.Err() != nil {
		return nil
	}
	return s.AddOperation(tf.OpSpec{Type: typ, Input: in, Attrs: attrs})
}

// WriteScalar queues a scalar summary v under tag at step. TensorBoard stores it as a float32
// (Summary.Value.simple_value).
func (w *SummaryWriter) WriteScalar(step int64, tag string, v float64) error {
	feeds, err := w.feeds(step, tag)
	if err != nil {
		return err
	}
	if feeds[w.value], err = tf.NewTensor(v); err != nil {
		return err
	}
	return w.run(fmt.Sprintf("scalar %q", tag), feeds, w.scalar)
}

// WriteImage queues an image summary of img under tag at step: TensorFlow encodes it as an
// 8-bit RGB PNG (alpha is dropped) and stores it under the tag tag+"/image", the name
// TensorFlow gives a batch of one image.
func (w *SummaryWriter) WriteImage(step int64, tag string, img image.Image) error {
	feeds, err := w.feeds(step, tag)
	if err != nil {
		return err
	}
	b := img.Bounds()
	if b.Empty() {
		return fmt.Errorf("tfgraph: summary image %q is empty", tag)
	}
	h, wd := b.Dy(), b.Dx()
	rgb := make([]uint8, 0, h*wd*3)
	if m, ok := img.(*image.RGBA); ok && m.Opaque() { // premultiplied colors are the colors
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]
			for i := 0; i < len(row); i += 4 {
				rgb = append(rgb, row[i], row[i+1], row[i+2])
			}
		}
	} else {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				rgb = append(rgb, c.R, c.G, c.B)
			}
		}
	}
	if feeds[w.image], err = tf.ReadTensor(tf.Uint8, []int64{1, int64(h), int64(wd), 3}, bytes.NewReader(rgb)); err != nil {
		return err
	}
	return w.run(fmt.Sprintf("image %q", tag), feeds, w.img)
}

// Flush writes every queued event to the event file.
func (w *SummaryWriter) Flush() error { return w.run("flush", nil, w.flush) }

// Close flushes and closes the event file and releases the writer's session. Closing twice
// returns nil.
func (w *SummaryWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sess == nil {
		return nil
	}
	_, err := w.sess.Run(nil, nil, []*tf.Operation{w.close})
	if err != nil {
		err = fmt.Errorf("tfgraph: close summary writer in %s: %w", w.dir, err)
	}
	err = errors.Join(err, w.sess.Close())
	w.sess = nil
	return err
}

// Dir is the folder the writer writes its event file in.
func (w *SummaryWriter) Dir() string { return w.dir }

// feeds holds the step and the tag of one write.
func (w *SummaryWriter) feeds(step int64, tag string) (map[tf.Output]*tf.Tensor, error) {
	st, err := tf.NewTensor(step)
	if err != nil {
		return nil, err
	}
	tt, err := tf.NewTensor(tag)
	if err != nil {
		return nil, err
	}
	return map[tf.Output]*tf.Tensor{w.step: st, w.tag: tt}, nil
}

func (w *SummaryWriter) run(what string, feeds map[tf.Output]*tf.Tensor, target *tf.Operation) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sess == nil {
		return ErrSummaryClosed
	}
	if _, err := w.sess.Run(feeds, nil, []*tf.Operation{target}); err != nil {
		return fmt.Errorf("tfgraph: summary %s in %s: %w", what, w.dir, err)
	}
	return nil
}
