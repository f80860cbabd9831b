package tfgraph

import (
	"context"
	"fmt"
	"math"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// ProbeConfig says how a linear probe is trained: full-batch gradient descent with momentum on
// the mean softmax cross-entropy plus L2/2 ||W||^2, for Steps steps from W = 0, b = 0.
type ProbeConfig struct {
	Steps        int     // 0: 300
	LearningRate float64 // 0: 0.5 (features are standardized by the caller)
	Momentum     float64 // 0: 0.9
	L2           float64 // 0: 1e-3; negative: none
	Threads      int     // TensorFlow's thread pools (0: its default)
}

func (c ProbeConfig) withDefaults() ProbeConfig {
	if c.Steps <= 0 {
		c.Steps = 300
	}
	if c.LearningRate <= 0 {
		c.LearningRate = 0.5
	}
	if c.Momentum == 0 {
		c.Momentum = 0.9
	}
	if c.L2 == 0 {
		c.L2 = 1e-3
	}
	return c
}

// ProbeResult is what a trained probe scores: accuracies in [0, 1] (TestAcc NaN without test
// rows) and the final training loss in nats (cross-entropy, without the L2 term).
type ProbeResult struct {
	TrainAcc, TestAcc, TrainLoss float64
}

// TrainProbe trains a linear softmax classifier x W + b on n rows of d features (x, row-major)
// with labels y in [0, classes) and scores it on m test rows (tx, ty). The data are uploaded
// once as constants; each step is one Session.Run on the CPU. It checks ctx between steps.
func TrainProbe(ctx context.Context, x []float32, y []int32, n, d int, tx []float32, ty []int32, m, classes int, cfg ProbeConfig) (ProbeResult, error) {
	cfg = cfg.withDefaults()
	if n <= 0 || d <= 0 || classes < 2 || len(x) != n*d || len(y) != n || m < 0 || len(tx) != m*d || len(ty) != m {
		return ProbeResult{}, fmt.Errorf("tfgraph: probe: %d values and %d labels for n = %d rows of d = %d, %d test values and %d labels for m = %d, %d classes",
			len(x), len(y), n, d, len(tx), len(ty), m, classes)
	}
	for _, l := range [][]int32{y, ty} {
		for _, v := range l {
			if v < 0 || int(v) >= classes {
				return ProbeResult{}, fmt.Errorf("tfgraph: probe: label %d outside [0, %d)", v, classes)
			}
		}
	}
	root := op.NewScope()
	vs := NewVarStore(root.SubScope("vars"), 0)
	w := vs.Get("w", Weight, []int64{int64(d), int64(classes)}, Filled([]int64{int64(d), int64(classes)}, 0))
	b := vs.Get("b", Bias, []int64{int64(classes)}, Filled([]int64{int64(classes)}, 0))
	lr := vs.Get("learning_rate", State, nil, Filled(nil, float32(cfg.LearningRate)))
	constant := func(s *op.Scope, v []float32, shape ...int64) tf.Output {
		t, err := NewFlatTensor(v, shape...)
		if err != nil {
			s.UpdateErr("probe", err)
			return tf.Output{}
		}
		return op.Const(s, t)
	}
	ts := root.SubScope("train")
	xs := constant(ts.SubScope("x"), x, int64(n), int64(d))
	ys := op.Const(ts.SubScope("y"), y)
	logits := func(s *op.Scope, in tf.Output) tf.Output {
		if s.Err() != nil {
			return tf.Output{}
		}
		return op.BiasAdd(s, op.MatMul(s, in, w.Value), b.Value)
	}
	axis := op.Const(root.SubScope("axis"), []int32{0})
	tl := logits(ts.SubScope("logits"), xs)
	loss := op.Mean(ts.SubScope("loss"), CrossEntropy(ts.SubScope("xent"), tl, ys, int64(classes)), axis)
	acc := op.Mean(ts.SubScope("acc"), Correct(ts.SubScope("hits"), tl, ys), axis)
	total := loss
	if cfg.L2 > 0 {
		total = op.Add(ts.SubScope("total"), loss, WeightDecay(ts.SubScope("l2"), vs.Variables(), cfg.L2))
	}
	step := Momentum(root.SubScope("sgd"), vs, total, lr, cfg.Momentum, nil)
	var testAcc tf.Output
	if m > 0 {
		es := root.SubScope("test")
		txs := constant(es.SubScope("x"), tx, int64(m), int64(d))
		testAcc = op.Mean(es.SubScope("acc"), Correct(es.SubScope("hits"), logits(es.SubScope("logits"), txs), op.Const(es.SubScope("y"), ty)), axis)
	}
	g, err := root.Finalize()
	if err != nil {
		return ProbeResult{}, fmt.Errorf("tfgraph: build probe: %w", err)
	}
	sess, _, _, err := openSession(g, "cpu", cfg.Threads, "", 0)
	if err != nil {
		return ProbeResult{}, err
	}
	defer sess.Close()
	var inits []*tf.Operation
	for _, v := range vs.Variables() {
		inits = append(inits, v.Init)
	}
	if _, err := sess.Run(nil, nil, inits); err != nil {
		return ProbeResult{}, fmt.Errorf("tfgraph: probe: initialize: %w", err)
	}
	for range cfg.Steps {
		if err := ctx.Err(); err != nil {
			return ProbeResult{}, err
		}
		if _, err := sess.Run(nil, nil, []*tf.Operation{step}); err != nil {
			return ProbeResult{}, fmt.Errorf("tfgraph: probe step: %w", err)
		}
	}
	fetch := []tf.Output{loss, acc}
	if m > 0 {
		fetch = append(fetch, testAcc)
	}
	out, err := sess.Run(nil, fetch, nil)
	if err != nil {
		return ProbeResult{}, fmt.Errorf("tfgraph: probe: evaluate: %w", err)
	}
	r := ProbeResult{TrainLoss: float64(out[0].Value().(float32)), TrainAcc: float64(out[1].Value().(float32)), TestAcc: math.NaN()}
	if m > 0 {
		r.TestAcc = float64(out[2].Value().(float32))
	}
	return r, nil
}

// Gram returns X X^T for n rows of d values (x, row-major) as [n, n] row-major float64. The
// product runs in TensorFlow in float32 (relative error about 1e-6, enough for CKA).
func Gram(x []float32, n, d, threads int) ([]float64, error) {
	if n <= 0 || d <= 0 || len(x) != n*d {
		return nil, fmt.Errorf("tfgraph: gram: %d values for %d rows of %d", len(x), n, d)
	}
	s := op.NewScope()
	feed := op.Placeholder(s.SubScope("x"), tf.Float, op.PlaceholderShape(tf.MakeShape(int64(n), int64(d))))
	prod := op.Cast(s.SubScope("f64"), op.MatMul(s.SubScope("gram"), feed, feed, op.MatMulTransposeB(true)), tf.Double)
	g, err := s.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: build gram: %w", err)
	}
	sess, _, _, err := openSession(g, "cpu", threads, "", 0)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	t, err := NewFlatTensor(x, int64(n), int64(d))
	if err != nil {
		return nil, err
	}
	out, err := sess.Run(map[tf.Output]*tf.Tensor{feed: t}, []tf.Output{prod}, nil)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: gram: %w", err)
	}
	return ReadFlat[float64](out[0], nil)
}
