package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// LowRank applies z = r + V diag(s) V^T r in float32 for V [n, k] held in TensorFlow memory:
// a spectral preconditioner built from k eigenvectors. V^T r is computed as (r^T V)^T, the
// form oneDNN runs fast for a few columns r.
//
// Threading: a LowRank belongs to the goroutine that made it. Close releases it.
type LowRank struct {
	N, K int

	sess  *tf.Session
	rFeed tf.Output
	out   tf.Output
}

// NewLowRank uploads v (n*k values, row-major) and s (k values) and opens a CPU session with
// threads threads (0: TensorFlow's default).
func NewLowRank(v []float32, n, k int, s []float32, threads int) (*LowRank, error) {
	if n <= 0 || k <= 0 || len(v) != n*k || len(s) != k {
		return nil, fmt.Errorf("tfgraph: low-rank update: %d and %d values for n = %d, k = %d", len(v), len(s), n, k)
	}
	l := &LowRank{N: n, K: k}
	root := op.NewScope()
	vFeed := op.Placeholder(root.SubScope("v_feed"), tf.Float, op.PlaceholderShape(tf.MakeShape(int64(n), int64(k))))
	vv := NewVariable(root.SubScope("v"), "lowrank/v", Statistic, []int64{int64(n), int64(k)}, func(*op.Scope) tf.Output { return vFeed })
	st, err := NewFlatTensor(s, 1, int64(k))
	if err != nil {
		return nil, err
	}
	scale := op.Const(root.SubScope("scale"), st)
	l.rFeed = op.Placeholder(root.SubScope("r"), tf.Float, op.PlaceholderShape(tf.MakeShape(int64(n), -1)))
	a := root.SubScope("apply")
	rt := op.Transpose(a, l.rFeed, op.Const(a.SubScope("perm"), []int32{1, 0}))
	proj := op.Mul(a, op.MatMul(a, rt, vv.Value), scale)                             // [c, k]
	back := op.MatMul(a.SubScope("back"), vv.Value, proj, op.MatMulTransposeB(true)) // [n, c]
	l.out = op.Add(a, l.rFeed, back)
	g, err := root.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: build low-rank update: %w", err)
	}
	sess, _, _, err := openSession(g, "cpu", threads, "", 0)
	if err != nil {
		return nil, err
	}
	l.sess = sess
	vt, err := NewFlatTensor(v, int64(n), int64(k))
	if err != nil {
		l.Close()
		return nil, err
	}
	if _, err := sess.Run(map[tf.Output]*tf.Tensor{vFeed: vt}, nil, []*tf.Operation{vv.Init}); err != nil {
		l.Close()
		return nil, fmt.Errorf("tfgraph: low-rank update: upload: %w", err)
	}
	return l, nil
}

// Apply returns r + V diag(s) V^T r for r [n, c] row-major, as [n, c]; dst is reused when large
// enough.
func (l *LowRank) Apply(r []float32, c int, dst []float32) ([]float32, error) {
	if c <= 0 || len(r) != l.N*c {
		return nil, fmt.Errorf("tfgraph: low-rank update: %d values for %d x %d", len(r), l.N, c)
	}
	t, err := NewFlatTensor(r, int64(l.N), int64(c))
	if err != nil {
		return nil, err
	}
	out, err := l.sess.Run(map[tf.Output]*tf.Tensor{l.rFeed: t}, []tf.Output{l.out}, nil)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: low-rank update: %w", err)
	}
	return ReadFlat(out[0], dst)
}

// Close releases the session.
func (l *LowRank) Close() error {
	if l.sess == nil {
		return nil
	}
	err := l.sess.Close()
	l.sess = nil
	return err
}
