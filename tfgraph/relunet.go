package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// TwoLayerReLU is the network of Theorem 1 of Zhang et al. (2017) as a TensorFlow graph in
// float32 or float64: c(x) = ReLU(x a - b) W for rows x of d values, with a direction a [d], n
// thresholds b and output weights W [n, outputs] held as constants. The evaluation batch is
// bounded so that the hidden layer [rows, n] stays near 64 MB.
//
// Threading: a TwoLayerReLU belongs to the goroutine that made it. Close releases it.
type TwoLayerReLU[T Float] struct {
	D, N, Outputs int

	sess  *tf.Session
	xFeed tf.Output
	out   tf.Output
}

// NewTwoLayerReLU builds the graph and opens a CPU session with threads intra- and inter-op
// threads (0: TensorFlow's default). a has d values, b n, w n*outputs (row-major).
func NewTwoLayerReLU[T Float](a, b, w []T, d, n, outputs, threads int) (*TwoLayerReLU[T], error) {
	if d <= 0 || n <= 0 || outputs <= 0 || len(a) != d || len(b) != n || len(w) != n*outputs {
		return nil, fmt.Errorf("tfgraph: two-layer ReLU: %d, %d and %d values for d = %d, n = %d, %d outputs", len(a), len(b), len(w), d, n, outputs)
	}
	r := &TwoLayerReLU[T]{D: d, N: n, Outputs: outputs}
	s := op.NewScope()
	dt := dtypeOf[T]()
	r.xFeed = op.Placeholder(s.SubScope("x"), dt, op.PlaceholderShape(tf.MakeShape(-1, int64(d))))
	constant := func(name string, v []T, shape ...int64) tf.Output {
		sc := s.SubScope(name)
		t, err := NewFlatTensor(v, shape...)
		if err != nil {
			sc.UpdateErr(name, err)
			return tf.Output{}
		}
		return op.Const(sc, t)
	}
	av := constant("a", a, int64(d), 1)
	bv := constant("b", b, 1, int64(n))
	wv := constant("w", w, int64(n), int64(outputs))
	if s.Err() == nil {
		hs := s.SubScope("hidden")
		h := op.Relu(hs, op.Sub(hs, op.MatMul(hs, r.xFeed, av), bv))
		r.out = op.MatMul(s.SubScope("out"), h, wv)
	}
	g, err := s.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: build two-layer ReLU: %w", err)
	}
	sess, _, _, err := openSession(g, "cpu", threads, "", 0)
	if err != nil {
		return nil, err
	}
	r.sess = sess
	return r, nil
}

// Eval returns c(x) for m rows of x (m*d values, row-major) as [m, outputs] row-major.
func (r *TwoLayerReLU[T]) Eval(x []T, m int) ([]T, error) {
	if m < 0 || len(x) != m*r.D {
		return nil, fmt.Errorf("tfgraph: two-layer ReLU: %d values for %d rows of %d", len(x), m, r.D)
	}
	out := make([]T, 0, m*r.Outputs)
	batch := max(1, (16<<20)/r.N)
	for lo := 0; lo < m; lo += batch {
		hi := min(lo+batch, m)
		t, err := NewFlatTensor(x[lo*r.D:hi*r.D], int64(hi-lo), int64(r.D))
		if err != nil {
			return nil, err
		}
		res, err := r.sess.Run(map[tf.Output]*tf.Tensor{r.xFeed: t}, []tf.Output{r.out}, nil)
		if err != nil {
			return nil, fmt.Errorf("tfgraph: two-layer ReLU: %w", err)
		}
		vals, err := ReadFlat[T](res[0], nil)
		if err != nil {
			return nil, err
		}
		out = append(out, vals...)
	}
	return out, nil
}

// Close releases the session.
func (r *TwoLayerReLU[T]) Close() error {
	if r.sess == nil {
		return nil
	}
	err := r.sess.Close()
	r.sess = nil
	return err
}
