package tfgraph

import (
	"strconv"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Momentum adds SGD with momentum on loss for the trainable variables of vs: for every variable,
// accum = momentum*accum + grad; var -= lr*accum (TensorFlow's ResourceApplyMomentum), with lr read
// from the learning-rate variable. Each variable's accumulator is a Slot variable
// "<name>/momentum". extra ops (batch-norm updates) run in the same step. The returned op runs
// one step.
func Momentum(s *op.Scope, vs *VarStore, loss tf.Output, lr *Variable, momentum float64, extra []*tf.Operation) *tf.Operation {
	return MomentumClipped(s, vs, loss, lr, momentum, 0, extra)
}

// MomentumClipped is Momentum with the gradients clipped by their global norm first, as
// TensorFlow's clip_by_global_norm does: when the L2 norm of all the gradients together,
// sqrt(sum over variables of sum(grad^2)), is above clipNorm, every gradient is scaled by
// clipNorm/norm, so the step keeps its direction and its length is at most lr*clipNorm (before
// momentum). clipNorm <= 0 leaves the gradients as they are (and builds no clipping ops).
func MomentumClipped(s *op.Scope, vs *VarStore, loss tf.Output, lr *Variable, momentum, clipNorm float64, extra []*tf.Operation) *tf.Operation {
	if s.Err() != nil {
		return nil
	}
	trainable := vs.Trainable()
	values := make([]tf.Output, len(trainable))
	for i, v := range trainable {
		values[i] = v.Value
	}
	// Gradients refuses a scope with control dependencies or a device: give it a fresh sub-scope.
	grads := op.Gradients(s.SubScope("gradients"), []tf.Output{loss}, values)
	if s.Err() != nil {
		return nil
	}
	if clipNorm > 0 && len(grads) > 0 {
		grads = clipByGlobalNorm(s.SubScope("clip"), grads, clipNorm)
	}
	mom := op.Const(s.SubScope("momentum"), float32(momentum))
	updates := append([]*tf.Operation{}, extra...)
	for i, v := range trainable {
		accum := vs.Get(v.Name+"/momentum", Slot, v.Shape, Filled(v.Shape, 0))
		updates = append(updates, op.ResourceApplyMomentum(s.SubScope("apply").SubScope(strconv.Itoa(i)),
			v.Handle, accum.Handle, lr.Value, grads[i], mom))
	}
	return op.NoOp(s.SubScope("step").WithControlDependencies(updates...))
}

// GlobalNorm is the L2 norm of all of ts together, sqrt(sum over t of sum(t^2)), a float32
// scalar (ts are float32).
func GlobalNorm(s *op.Scope, ts []tf.Output) tf.Output {
	halves := make([]tf.Output, len(ts))
	for i, t := range ts {
		halves[i] = op.L2Loss(s.SubScope("l2").SubScope(strconv.Itoa(i)), t) // sum(t^2)/2
	}
	sum := op.AddN(s.SubScope("sum"), halves)
	return op.Sqrt(s.SubScope("sqrt"), op.Mul(s.SubScope("twice"), sum, op.Const(s.SubScope("two"), float32(2))))
}

// clipByGlobalNorm scales grads by clipNorm/max(norm, clipNorm), norm their GlobalNorm: unchanged
// when the norm is at most clipNorm, else brought down to a global norm of clipNorm.
func clipByGlobalNorm(s *op.Scope, grads []tf.Output, clipNorm float64) []tf.Output {
	c := op.Const(s.SubScope("clip_norm"), float32(clipNorm))
	scale := op.RealDiv(s.SubScope("scale"), c, op.Maximum(s.SubScope("max"), GlobalNorm(s.SubScope("norm"), grads), c))
	out := make([]tf.Output, len(grads))
	for i, g := range grads {
		out[i] = op.Mul(s.SubScope("scaled").SubScope(strconv.Itoa(i)), g, scale)
	}
	return out
}
