package tfgraph

import (
	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// BatchNormEpsilon is added to the batch variance, as TF-slim's default.
const BatchNormEpsilon = 1e-3

// BatchNormMomentum is the decay of the moving mean and variance used for evaluation. 0.9
// rather than Keras's 0.99 or TF-slim's 0.999: the quick presets take only a few hundred steps,
// and the evaluation of the training set must see statistics that have caught up with the
// weights.
const BatchNormMomentum = 0.9

// Ctx is what a layer helper needs besides its input: where its ops go, where its variables live,
// and whether this pass trains (batch statistics, dropout) or evaluates (moving statistics).
// Passes of one model share a VarStore, so a layer called with the same Path in the training pass
// and in the evaluation pass uses the same variables.
type Ctx struct {
	S        *op.Scope // ops of this pass, e.g. "train/conv0"
	Vars     *VarStore // variables shared between passes
	Path     string    // variable path of this layer, e.g. "conv0"
	Training bool      // batch statistics and dropout when true
	// Updates collects the ops a training step must also run (moving-average updates).
	Updates *[]*tf.Operation
	// Seed is the run's seed; with StepSeed, it makes the pass's random ops (dropout) a
	// function of (seed, step), see StepSeed.
	Seed int64
	// StepSeed, when set, is an int64 [2] tensor holding [seed, step], fed for every training
	// step: the training pass draws its randomness with stateless ops from it, so that a run
	// resumed from a checkpoint at step k draws what the uninterrupted run drew (no hidden
	// random state lives in the session). Unset, random ops use the fixed seed [Seed, 0].
	StepSeed tf.Output
	// Taps, when not nil, collects the output of every layer the architectures name (see
	// FeatureNet): a pass built for features sets it, training and evaluation passes do not.
	Taps *[]Tap
}

// tap records x as the output of the named layer when the pass collects them (Ctx.Taps).
func (c Ctx) tap(name string, x tf.Output) {
	if c.Taps != nil && c.S.Err() == nil {
		*c.Taps = append(*c.Taps, Tap{Name: name, Out: x})
	}
}

// stepSeedStride separates the seeds of a pass's random ops: op k draws from
// [seed, step + k*stepSeedStride]. Runs never reach 2^40 steps.
const stepSeedStride = int64(1) << 40

// opSeed returns the [2] int64 seed of a pass's next stateless random op: the step seed with
// the op's own offset, so that no two ops (and no two steps) share a stream.
func (c Ctx) opSeed(s *op.Scope) tf.Output {
	k := c.Vars.nextSeed()
	if c.StepSeed.Op == nil {
		return op.Const(s.SubScope("seed"), []int64{c.Seed, k * stepSeedStride})
	}
	return StepOpSeed(s, c.StepSeed, k)
}

// StepOpSeed offsets a [seed, step] tensor for the k-th random op of a pass.
func StepOpSeed(s *op.Scope, stepSeed tf.Output, k int64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	return op.Add(s.SubScope("seed"), stepSeed, op.Const(s.SubScope("seed_offset"), []int64{0, k * stepSeedStride}))
}

// Sub returns the context of a part of this layer, named name in both the op scope and the
// variable path.
func (c Ctx) Sub(name string) Ctx {
	p := name
	if c.Path != "" {
		p = c.Path + "/" + name
	}
	c.S = c.S.SubScope(name)
	c.Path = p
	return c
}

func (c Ctx) variable(name string, kind Kind, shape []int64, init func(s *op.Scope) tf.Output) *Variable {
	return c.Vars.Get(c.Path+"/"+name, kind, shape, init)
}

// channels returns the static size of the last dimension of x, or -1 when unknown.
func channels(x tf.Output) int64 {
	shape := x.Shape()
	if shape.NumDimensions() < 1 {
		return -1
	}
	return shape.Size(shape.NumDimensions() - 1)
}

// Conv2D adds a SAME-padded convolution of x (NHWC) with a [k, k, in, out] kernel
// (variable "kernel", Glorot-uniform initialized) and the given stride, without bias or activation.
func Conv2D(c Ctx, x tf.Output, k, out, stride int64) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	in := channels(x)
	shape := []int64{k, k, in, out}
	kernel := c.variable("kernel", Weight, shape, c.Vars.GlorotUniform(shape, k*k*in, k*k*out))
	return op.Conv2D(c.S, x, kernel.Value, []int64{1, stride, stride, 1}, "SAME")
}

// AddBias adds a learned bias (variable "bias", zeros) along the last dimension of x.
func AddBias(c Ctx, x tf.Output) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	out := channels(x)
	bias := c.variable("bias", Bias, []int64{out}, Filled([]int64{out}, 0))
	return op.BiasAdd(c.S, x, bias.Value)
}

// BatchNorm normalizes x (NHWC) per channel with a learned shift (variable "beta") and no
// learned scale, epsilon BatchNormEpsilon. In training it uses the batch statistics and appends
// to c.Updates the assignments of the moving mean and variance (momentum BatchNormMomentum);
// in evaluation it uses the moving statistics.
func BatchNorm(c Ctx, x tf.Output) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	ch := channels(x)
	beta := c.variable("beta", Shift, []int64{ch}, Filled([]int64{ch}, 0))
	mean := c.variable("moving_mean", Statistic, []int64{ch}, Filled([]int64{ch}, 0))
	variance := c.variable("moving_variance", Statistic, []int64{ch}, Filled([]int64{ch}, 1))
	scale := op.Const(c.S.SubScope("scale"), ones(ch))
	if !c.Training {
		y, _, _, _, _, _ := op.FusedBatchNormV3(c.S, x, scale, beta.Value, mean.Value, variance.Value,
			op.FusedBatchNormV3Epsilon(BatchNormEpsilon), op.FusedBatchNormV3IsTraining(false))
		return y
	}
	// With an exponential_avg_factor below 1, the fused op returns the updated moving averages
	// in place of the batch statistics (Keras does the same).
	y, newMean, newVar, _, _, _ := op.FusedBatchNormV3(c.S, x, scale, beta.Value, mean.Value, variance.Value,
		op.FusedBatchNormV3Epsilon(BatchNormEpsilon), op.FusedBatchNormV3IsTraining(true),
		op.FusedBatchNormV3ExponentialAvgFactor(1-BatchNormMomentum))
	if c.Updates != nil {
		*c.Updates = append(*c.Updates,
			op.AssignVariableOp(c.S.SubScope("update_mean"), mean.Handle, newMean),
			op.AssignVariableOp(c.S.SubScope("update_variance"), variance.Handle, newVar))
	}
	return y
}

// ConvModule is the paper's conv module: Conv -> BatchNorm (shift, no scale) -> ReLU when bn is
// true, Conv with bias -> ReLU otherwise. Either way it has k*k*in*out + out parameters.
func ConvModule(c Ctx, x tf.Output, k, out, stride int64, bn bool) tf.Output {
	y := Conv2D(c, x, k, out, stride)
	if bn {
		y = BatchNorm(c.Sub("bn"), y)
	} else {
		y = AddBias(c, y)
	}
	return ReLU(c, y)
}

// ReLU applies max(x, 0).
func ReLU(c Ctx, x tf.Output) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	return op.Relu(c.S, x)
}

// InceptionModule is the small Inception's module: a 1x1 conv module with ch1 filters and a 3x3 conv
// module with ch3 filters, both on x, concatenated along channels (ch1+ch3 out).
func InceptionModule(c Ctx, x tf.Output, ch1, ch3 int64, bn bool) tf.Output {
	a := ConvModule(c.Sub("1x1"), x, 1, ch1, 1, bn)
	b := ConvModule(c.Sub("3x3"), x, 3, ch3, 1, bn)
	return concatChannels(c, a, b)
}

// DownsampleModule is the small Inception's reduction: a 3x3 stride-2 conv module with ch filters
// concatenated with a 3x3 stride-2 max-pool of x (ch + in channels out, half the size).
func DownsampleModule(c Ctx, x tf.Output, ch int64, bn bool) tf.Output {
	a := ConvModule(c.Sub("conv"), x, 3, ch, 2, bn)
	b := MaxPool(c.Sub("pool"), x, 3, 2)
	return concatChannels(c, a, b)
}

func concatChannels(c Ctx, xs ...tf.Output) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	return op.ConcatV2(c.S, xs, op.Const(c.S.SubScope("axis"), int32(3)))
}

// MaxPool is a SAME-padded k x k max-pool with the given stride.
func MaxPool(c Ctx, x tf.Output, k, stride int64) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	return op.MaxPool(c.S, x, []int64{1, k, k, 1}, []int64{1, stride, stride, 1}, "SAME")
}

// LRN settings of the small AlexNet (TF-slim's cifar10 model): the sum of squares runs over
// channels c-4 .. c+4.
const (
	LRNDepthRadius = 4
	LRNBias        = 1.0
	LRNAlpha       = 0.001 / 9
	LRNBeta        = 0.75 // LRN computes the power as rsqrt(b)·sqrt(rsqrt(b)): only 0.75 is built
)

// LRN is local response normalization across channels with the small AlexNet's settings:
// y_c = x_c / (LRNBias + LRNAlpha * sum_{|c'-c| <= LRNDepthRadius} x_c'^2) ^ LRNBeta, exactly
// TensorFlow's LRN op. It is built from primitive ops because the gradient that the C++
// registry (tensorflow/cc/gradients/nn_grad.cc) gives for the LRN op does not match finite
// differences at these settings, as if it used the op's default attributes (radius 5, bias 1,
// alpha 1, beta 0.5): a finite-difference test caught it.
// The window sum, times alpha, is a matrix product with a [c, c] band of alphas.
func LRN(c Ctx, x tf.Output) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	ch := channels(x)
	band := make([][]float32, ch)
	for i := range band {
		band[i] = make([]float32, ch)
		for j := range band[i] {
			if i-j <= LRNDepthRadius && j-i <= LRNDepthRadius {
				band[i][j] = LRNAlpha
			}
		}
	}
	s := c.S
	sq := op.Reshape(s.SubScope("rows"), op.Square(s, x), op.Const(s.SubScope("rows_shape"), []int64{-1, ch}))
	sum := op.MatMul(s, sq, op.Const(s.SubScope("band"), band))
	sum = op.Reshape(s.SubScope("back"), sum, op.Shape(s, x))
	base := op.AddV2(s.SubScope("base"), sum, op.Const(s.SubScope("bias"), float32(LRNBias)))
	// base^-0.75 = rsqrt(base) * sqrt(rsqrt(base)): two cheap ops in place of Pow, whose forward
	// and gradient (exp and log per element) took a quarter of an AlexNet step.
	r := op.Rsqrt(s, base)
	return op.Mul(s.SubScope("normalized"), x, op.Mul(s.SubScope("pow"), r, op.Sqrt(s, r)))
}

// Dense is a fully connected layer x [batch, in] -> [batch, out] with a Glorot-uniform initialized "weights"
// variable [in, out] and a "bias" variable [out]; relu adds a ReLU.
func Dense(c Ctx, x tf.Output, out int64, relu bool) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	in := channels(x)
	shape := []int64{in, out}
	w := c.variable("weights", Weight, shape, c.Vars.GlorotUniform(shape, in, out))
	y := AddBias(c, op.MatMul(c.S, x, w.Value))
	if relu {
		y = ReLU(c, y)
	}
	return y
}

// Dropout zeroes each element with probability rate and scales the rest by 1/(1-rate) in the
// training pass; it is the identity in evaluation or when rate is 0.
func Dropout(c Ctx, x tf.Output, rate float64) tf.Output {
	if c.S.Err() != nil || !c.Training || rate <= 0 {
		return x
	}
	// A stateless op, seeded from (seed, step): outside the gradient path (the mask only
	// multiplies), and the same after a resume.
	u := op.StatelessRandomUniform(c.S, op.Shape(c.S, x), c.opSeed(c.S), op.StatelessRandomUniformDtype(tf.Float))
	keep := op.Cast(c.S, op.GreaterEqual(c.S, u, op.Const(c.S.SubScope("rate"), float32(rate))), tf.Float)
	scaled := op.Mul(c.S.SubScope("scale"), x, op.Const(c.S.SubScope("inv_keep"), float32(1/(1-rate))))
	return op.Mul(c.S, scaled, keep)
}

// Flatten reshapes x [batch, ...] to [batch, prod(...)]; the trailing sizes must be known.
func Flatten(c Ctx, x tf.Output) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	shape := x.Shape()
	n := int64(1)
	for i := 1; i < shape.NumDimensions(); i++ {
		n *= shape.Size(i)
	}
	return op.Reshape(c.S, x, op.Const(c.S.SubScope("shape"), []int64{-1, n}))
}

// GlobalMeanPool averages x [batch, h, w, c] over h and w, giving [batch, c].
func GlobalMeanPool(c Ctx, x tf.Output) tf.Output {
	if c.S.Err() != nil {
		return tf.Output{}
	}
	return op.Mean(c.S, x, op.Const(c.S.SubScope("axes"), []int32{1, 2}))
}

func ones(n int64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
