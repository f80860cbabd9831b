package tfgraph

import (
	"math"
	"testing"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// clipStep takes one momentum step from a = [0, 0] and b = [0] on the loss 3*a0 + 4*a1 + 12*b0,
// whose gradients have global norm 13, with learning rate 0.5 and the given clip norm, and
// returns a and b after it.
func clipStep(t *testing.T, clipNorm float64) (a, b []float32) {
	t.Helper()
	root := op.NewScope()
	vs := NewVarStore(root.SubScope("vars"), 1)
	av := vs.Get("a", Weight, []int64{2}, Filled([]int64{2}, 0))
	bv := vs.Get("b", Weight, []int64{1}, Filled([]int64{1}, 0))
	lr := vs.Get("learning_rate", State, nil, Filled(nil, 0.5))
	axis := op.Const(root.SubScope("axis"), []int32{0})
	la := op.Sum(root.SubScope("la"), op.Mul(root.SubScope("ma"), av.Value, op.Const(root.SubScope("ca"), []float32{3, 4})), axis)
	lb := op.Sum(root.SubScope("lb"), op.Mul(root.SubScope("mb"), bv.Value, op.Const(root.SubScope("cb"), []float32{12})), axis)
	step := MomentumClipped(root.SubScope("sgd"), vs, op.Add(root.SubScope("loss"), la, lb), lr, 0.9, clipNorm, nil)
	if root.Err() != nil {
		t.Fatal(root.Err())
	}
	sess := testSession(t, root)
	var init []*tf.Operation
	for _, v := range vs.Variables() {
		init = append(init, v.Init)
	}
	if _, err := sess.Run(nil, nil, init); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Run(nil, nil, []*tf.Operation{step}); err != nil {
		t.Fatal(err)
	}
	out, err := sess.Run(nil, []tf.Output{av.Value, bv.Value}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out[0].Value().([]float32), out[1].Value().([]float32)
}

func TestMomentumClipped_ScalesByGlobalNorm(t *testing.T) {
	near := func(got []float32, want ...float64) bool {
		for i := range want {
			if math.Abs(float64(got[i])-want[i]) > 1e-6 {
				return false
			}
		}
		return len(got) == len(want)
	}
	for _, tc := range []struct {
		clip  float64
		scale float64 // of the gradient (3, 4, 12): 1 below the clip, clip/13 above it
	}{
		{0, 1},     // off
		{13, 1},    // at the norm: unchanged
		{100, 1},   // above the norm: unchanged
		{6.5, 0.5}, // half the norm: every gradient halved, the direction kept
		{1.3, 0.1}, // all variables scaled by one factor, not each by its own norm
	} {
		a, b := clipStep(t, tc.clip)
		s := -0.5 * tc.scale // var -= lr * grad * scale on the first step (the accumulator starts at 0)
		if !near(a, 3*s, 4*s) || !near(b, 12*s) {
			t.Errorf("clip %g: a = %v, b = %v; want %v, %v", tc.clip, a, b, []float64{3 * s, 4 * s}, []float64{12 * s})
		}
	}
}

func TestSpecValidate_ClipNorm(t *testing.T) {
	base := Spec{Arch: Architecture{Arch: MLP, Hidden: []int64{4}}, Height: 2, Width: 2, Channels: 1, Classes: 2, TrainSize: 4, Batch: 2}
	for _, c := range []float64{-1, math.NaN(), math.Inf(1)} {
		s := base
		s.ClipNorm = c
		if s.Validate() == nil {
			t.Errorf("clip norm %v: no error", c)
		}
	}
	for _, c := range []float64{0, 1.5} {
		s := base
		s.ClipNorm = c
		if err := s.Validate(); err != nil {
			t.Errorf("clip norm %v: %v", c, err)
		}
	}
}
