package tfgraph

import (
	"fmt"

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
	for _, v := range vs.Variables() {
		if v.Kind.Trainable() {
			values = append(values, v.Value)
		}
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
		if isGradient(o.Name()) {
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

func isGradient(name string) bool { return len(name) >= 10 && name[:10] == "gradients/" }

// opFLOPs is 2 x the multiply-adds of a convolution or matrix product, from its static shapes,
// and 0 for every other op.
func opFLOPs(o *tf.Operation) (int64, error) {
	in := func(i int) []int64 {
		s, err := tf.Consumer{Op: o, Index: i}.Producer().Shape().ToSlice()
		if err != nil {
			return nil
		}
		return s
	}
	out, err := o.Output(0).Shape().ToSlice()
	if o.NumOutputs() > 0 && err != nil {
		return 0, fmt.Errorf("tfgraph: %s (%s): output shape unknown", o.Name(), o.Type())
	}
	var macs int64
	switch o.Type() {
	case "Conv2D": // out [n, ho, wo, co], filter [kh, kw, ci, co]
		f := in(1)
		macs = prod(out) * f[0] * f[1] * f[2]
	case "Conv2DBackpropInput": // inputs: sizes, filter, out_backprop [n, ho, wo, co]
		f := in(1)
		macs = prod(in(2)) * f[0] * f[1] * f[2]
	case "Conv2DBackpropFilter": // inputs: input, filter sizes, out_backprop; out [kh, kw, ci, co]
		macs = prod(in(2)) * out[0] * out[1] * out[2]
	case "MatMul": // out [m, n]; a is [m, k] or [k, m]
		a := in(0)
		k := a[1]
		if t, err := o.Attr("transpose_a"); err == nil && t.(bool) {
			k = a[0]
		}
		macs = prod(out) * k
	default:
		return 0, nil
	}
	if macs < 0 {
		return 0, fmt.Errorf("tfgraph: %s (%s): a shape is not static", o.Name(), o.Type())
	}
	return 2 * macs, nil
}

func prod(s []int64) int64 {
	p := int64(1)
	for _, d := range s {
		if d < 0 {
			return -1 << 62
		}
		p *= d
	}
	return p
}
