package tfgraph

import (
	"strconv"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// CrossEntropy returns the per-example softmax cross-entropy [batch] of logits [batch, classes]
// against integer labels [batch] (int32). It uses the dense op on one-hot labels because the C++
// gradient registry has no gradient for SparseSoftmaxCrossEntropyWithLogits.
func CrossEntropy(s *op.Scope, logits, labels tf.Output, classes int64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	onehot := op.OneHot(s, labels, op.Const(s.SubScope("depth"), int32(classes)),
		op.Const(s.SubScope("on"), float32(1)), op.Const(s.SubScope("off"), float32(0)))
	loss, _ := op.SoftmaxCrossEntropyWithLogits(s, logits, onehot)
	return loss
}

// Correct returns 1 where the arg-max of logits [batch, classes] equals labels [batch] (int32),
// else 0, as float32 [batch].
func Correct(s *op.Scope, logits, labels tf.Output) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	pred := op.ArgMax(s, logits, op.Const(s.SubScope("axis"), int32(1)), op.ArgMaxOutputType(tf.Int32))
	return op.Cast(s, op.Equal(s, pred, labels), tf.Float)
}

// WeightDecay returns decay * sum over weights of ||w||^2 / 2 (TensorFlow's L2Loss), the
// penalty that the paper's "weight decay" adds to the loss. Biases and shifts are not decayed.
func WeightDecay(s *op.Scope, vars []*Variable, decay float64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	var terms []tf.Output
	for i, v := range vars {
		if v.Kind == Weight {
			terms = append(terms, op.L2Loss(s.SubScope("l2").SubScope(strconv.Itoa(i)), v.Value))
		}
	}
	if len(terms) == 0 {
		return op.Const(s.SubScope("zero"), float32(0))
	}
	return op.Mul(s, op.AddN(s, terms), op.Const(s.SubScope("decay"), float32(decay)))
}
