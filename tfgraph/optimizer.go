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
	mom := op.Const(s.SubScope("momentum"), float32(momentum))
	updates := append([]*tf.Operation{}, extra...)
	for i, v := range trainable {
		accum := vs.Get(v.Name+"/momentum", Slot, v.Shape, Filled(v.Shape, 0))
		updates = append(updates, op.ResourceApplyMomentum(s.SubScope("apply").SubScope(strconv.Itoa(i)),
			v.Handle, accum.Handle, lr.Value, grads[i], mom))
	}
	return op.NoOp(s.SubScope("step").WithControlDependencies(updates...))
}
