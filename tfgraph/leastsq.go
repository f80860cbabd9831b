package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// LeastSquares is a linear model f(x) = x W, W of shape [d, k] with no bias, trained by the
// project's SGD (Momentum) on the batch loss 1/(2B) ||X_B W - Y_B||_F^2. The n training rows X
// [n, d] and targets Y [n, k] are uploaded once into graph variables; each step gathers its
// batch by index inside the graph. Every gradient X_B^T (X_B W - Y_B) lies in the row space of
// X, which is why SGD started at W0 ends at the interpolant nearest to W0.
//
// Threading: a LeastSquares belongs to the goroutine that made it. Close releases it.
type LeastSquares struct {
	N, D, K int

	sess    *tf.Session
	vars    *VarStore
	w       *Variable
	indices tf.Output
	step    *tf.Operation
	loss    tf.Output // full-data loss 1/(2n) ||X W - Y||^2
	resid   tf.Output // max |X W - Y|
}

// NewLeastSquares builds the model for x (n*d values, row-major), y (n*k values), the start w0
// (d*k values; nil means zeros), the learning rate and the momentum, opens a CPU session with
// threads threads (0: TensorFlow's default) and uploads the data.
func NewLeastSquares(x []float32, n, d int, y []float32, k int, w0 []float32, lr, momentum float64, threads int) (*LeastSquares, error) {
	if n <= 0 || d <= 0 || k <= 0 || len(x) != n*d || len(y) != n*k || (w0 != nil && len(w0) != d*k) {
		return nil, fmt.Errorf("tfgraph: least squares: %d inputs, %d targets and %d start values for n = %d, d = %d, k = %d", len(x), len(y), len(w0), n, d, k)
	}
	if w0 == nil {
		w0 = make([]float32, d*k)
	}
	m := &LeastSquares{N: n, D: d, K: k}
	root := op.NewScope()
	data := root.SubScope("data")
	xv := newDataVar(data.SubScope("x"), "data/x", tf.Float, []int64{int64(n), int64(d)})
	yv := newDataVar(data.SubScope("y"), "data/y", tf.Float, []int64{int64(n), int64(k)})
	startFeed := op.Placeholder(root.SubScope("start"), tf.Float, op.PlaceholderShape(tf.MakeShape(int64(d), int64(k))))
	m.vars = NewVarStore(root.SubScope("vars"), 0)
	m.w = m.vars.Get("w", Weight, []int64{int64(d), int64(k)}, func(*op.Scope) tf.Output { return startFeed })
	lrv := m.vars.Get("learning_rate", State, nil, Filled(nil, float32(lr)))

	ts := root.SubScope("train")
	m.indices = op.Placeholder(ts.SubScope("indices"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	bx := xv.gather(ts.SubScope("x"), m.indices, tf.Float)
	by := yv.gather(ts.SubScope("y"), m.indices, tf.Float)
	batchLoss := halfMeanSquare(ts.SubScope("loss"), op.Sub(ts, op.MatMul(ts, bx, m.w.Value), by))
	m.step = Momentum(root.SubScope("sgd"), m.vars, batchLoss, lrv, momentum, nil)

	es := root.SubScope("eval")
	ex := op.ReadVariableOp(es.SubScope("x"), xv.handle, tf.Float)
	ey := op.ReadVariableOp(es.SubScope("y"), yv.handle, tf.Float)
	diff := op.Sub(es, op.MatMul(es, ex, m.w.Value), ey)
	m.loss = halfMeanSquare(es.SubScope("loss"), diff)
	m.resid = op.Max(es.SubScope("resid"), op.Abs(es, diff), op.Const(es.SubScope("axes"), []int32{0, 1}))

	g, err := root.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: build least squares: %w", err)
	}
	sess, _, _, err := openSession(g, "cpu", threads, "", 0)
	if err != nil {
		return nil, err
	}
	m.sess = sess
	feeds := map[tf.Output]*tf.Tensor{}
	for _, f := range []struct {
		o     tf.Output
		v     []float32
		shape []int64
	}{{xv.feed, x, []int64{int64(n), int64(d)}}, {yv.feed, y, []int64{int64(n), int64(k)}}, {startFeed, w0, []int64{int64(d), int64(k)}}} {
		t, err := NewFlatTensor(f.v, f.shape...)
		if err != nil {
			m.Close()
			return nil, err
		}
		feeds[f.o] = t
	}
	init := []*tf.Operation{xv.assign, yv.assign}
	for _, v := range m.vars.Variables() {
		init = append(init, v.Init)
	}
	if _, err := sess.Run(feeds, nil, init); err != nil {
		m.Close()
		return nil, fmt.Errorf("tfgraph: least squares: upload: %w", err)
	}
	return m, nil
}

// halfMeanSquare is sum(d^2) / (2 * rows of d).
func halfMeanSquare(s *op.Scope, d tf.Output) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	sum := op.Sum(s, op.Square(s, d), op.Const(s.SubScope("axes"), []int32{0, 1}))
	rows := op.Cast(s, op.Shape(s, d), tf.Float)
	rows = op.Slice(s, rows, op.Const(s.SubScope("begin"), []int32{0}), op.Const(s.SubScope("size"), []int32{1}))
	rows = op.Reshape(s, rows, op.Const(s.SubScope("scalar"), []int32{}))
	return op.Div(s, sum, op.Mul(s, rows, op.Const(s.SubScope("two"), float32(2))))
}

// Step runs one SGD step on the rows indices.
func (m *LeastSquares) Step(indices []int32) error {
	t, err := tf.NewTensor(indices)
	if err != nil {
		return err
	}
	if _, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.indices: t}, nil, []*tf.Operation{m.step}); err != nil {
		return fmt.Errorf("tfgraph: least squares step: %w", err)
	}
	return nil
}

// State returns the weights W [d, k] (row-major), the full-data loss 1/(2n) ||X W - Y||^2 and
// the largest |X W - Y|.
func (m *LeastSquares) State() (w []float32, loss, maxResid float64, err error) {
	out, err := m.sess.Run(nil, []tf.Output{m.w.Value, m.loss, m.resid}, nil)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("tfgraph: least squares state: %w", err)
	}
	if w, err = ReadFlat[float32](out[0], nil); err != nil {
		return nil, 0, 0, err
	}
	return w, float64(out[1].Value().(float32)), float64(out[2].Value().(float32)), nil
}

// Close releases the session.
func (m *LeastSquares) Close() error {
	if m.sess == nil {
		return nil
	}
	err := m.sess.Close()
	m.sess = nil
	return err
}
