package tfgraph

import (
	"fmt"
	"slices"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// StepFLOPs counts the floating-point operations of one training step of a, by the usual
// convention: 2 per multiply-add of the convolutions and matrix products (forward, input
// gradients and weight gradients), nothing for element-wise ops, pooling, batch norm or the
// update. It builds the step's forward pass and gradients on a [batch, h, w, c] input in a
// scratch graph, so every shape is static, and counts only the ops the gradients and the loss
// depend on (the gradient builder also adds some that nothing reads, such as the gradient of the
// input image). Forward and Backward split the total. Safe from any goroutine.
func StepFLOPs(a Architecture, batch, h, w, c, classes int64) (FLOPs, error) {
	if err := a.Validate(); err != nil {
		return FLOPs{}, err
	}
	root := op.NewScope()
	vs := NewVarStore(root.SubScope("vars"), 1)
	x := op.Placeholder(root.SubScope("images"), tf.Float, op.PlaceholderShape(tf.MakeShape(batch, h, w, c)))
	y := op.Placeholder(root.SubScope("labels"), tf.Int32, op.PlaceholderShape(tf.MakeShape(batch)))
	var updates []*tf.Operation
	fwd := root.SubScope("net")
	logits := a.Logits(Ctx{S: fwd, Vars: vs, Training: true, Updates: &updates, Seed: 1}, x, classes)
	loss := op.Mean(root.SubScope("loss"), CrossEntropy(root.SubScope("xent"), logits, y, classes),
		op.Const(root.SubScope("axis"), []int32{0}))
	var values []tf.Output
	for _, v := range vs.Trainable() {
		values = append(values, v.Value)
	}
	grads := op.Gradients(root.SubScope("gradients"), []tf.Output{loss}, values)
	if _, err := root.Finalize(); err != nil {
		return FLOPs{}, fmt.Errorf("tfgraph: build %s for counting: %w", a, err)
	}
	var f FLOPs
	seen := map[string]bool{}
	var visit func(o *tf.Operation) error
	visit = func(o *tf.Operation) error {
		if seen[o.Name()] {
			return nil
		}
		seen[o.Name()] = true
		n, err := opFLOPs(o)
		if err != nil {
			return err
		}
		if strings.HasPrefix(o.Name(), "gradients/") {
			f.Backward += n
		} else {
			f.Forward += n
		}
		for i := range o.NumInputs() {
			if err := visit(tf.Consumer{Op: o, Index: i}.Producer().Op); err != nil {
				return err
			}
		}
		return nil
	}
	for _, g := range append(grads, loss) {
		if err := visit(g.Op); err != nil {
			return FLOPs{}, err
		}
	}
	return f, nil
}

// FLOPs of one training step, split into the forward pass and the gradients.
type FLOPs struct{ Forward, Backward int64 }

// Total is Forward + Backward.
func (f FLOPs) Total() int64 { return f.Forward + f.Backward }

// opFLOPs is 2 x the multiply-adds of a convolution or matrix product, from its static shapes,
// and 0 for every other op. Each is counted as (elements of one tensor) x (a reduction of
// kh*kw*ci, or k for a product).
func opFLOPs(o *tf.Operation) (int64, error) {
	var each, window []int64 // each element of each costs prod(window[:3]) multiply-adds
	switch o.Type() {
	case "Conv2D": // out [n, ho, wo, co], filter [kh, kw, ci, co]
		each, window = shape(o.Output(0)), inputShape(o, 1)
	case "Conv2DBackpropInput": // inputs: sizes, filter, out_backprop [n, ho, wo, co]
		each, window = inputShape(o, 2), inputShape(o, 1)
	case "Conv2DBackpropFilter": // inputs: input, filter sizes, out_backprop; out [kh, kw, ci, co]
		each, window = inputShape(o, 2), shape(o.Output(0))
	case "MatMul": // out [m, n]; a is [m, k] or [k, m]
		each = shape(o.Output(0))
		if a := inputShape(o, 0); len(a) == 2 {
			k := a[1]
			if t, err := o.Attr("transpose_a"); err == nil && t.(bool) {
				k = a[0]
			}
			window = []int64{1, 1, k}
		}
	default:
		return 0, nil
	}
	unknown := func(d int64) bool { return d < 0 }
	if each == nil || len(window) < 3 || slices.ContainsFunc(each, unknown) || slices.ContainsFunc(window, unknown) {
		return 0, fmt.Errorf("tfgraph: %s (%s): a shape is not static", o.Name(), o.Type())
	}
	return 2 * prod(each) * prod(window[:3]), nil
}

// shape is the static shape of x, nil when unknown.
func shape(x tf.Output) []int64 {
	s, err := x.Shape().ToSlice()
	if err != nil {
		return nil
	}
	return s
}

// inputShape is the static shape of o's input i, nil when unknown.
func inputShape(o *tf.Operation, i int) []int64 {
	return shape(tf.Consumer{Op: o, Index: i}.Producer())
}

func prod(s []int64) int64 {
	p := int64(1)
	for _, d := range s {
		p *= d
	}
	return p
}
