package tfgraph

import (
	"math"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Augment describes what the graph does to each training batch before the network sees it.
// With RandomCrop or Flip on, the data are uploaded uncropped and unwhitened (StoredHeight x
// StoredWidth); the training pass takes a random crop (and a random horizontal flip) of every
// image, the evaluation passes a center crop, and both whiten each image in the graph. With both
// off, the data must arrive already cropped and whitened, and the graph uses them as they are.
type Augment struct {
	RandomCrop bool `json:"random_crop,omitempty"`
	Flip       bool `json:"flip,omitempty"`
	// StoredHeight and StoredWidth are the uploaded images' size (e.g. 32 for CIFAR-10).
	StoredHeight int64 `json:"stored_height,omitempty"`
	StoredWidth  int64 `json:"stored_width,omitempty"`
}

// On reports whether the graph transforms the training images.
func (a Augment) On() bool { return a.RandomCrop || a.Flip }

// dataVar is a non-trainable resource variable holding a data set inside the graph.
type dataVar struct {
	handle tf.Output
	feed   tf.Output // placeholder feeding the upload
	assign *tf.Operation
}

// newDataVar adds a variable of the given type and shape and the placeholder that uploads it.
func newDataVar(s *op.Scope, name string, dt tf.DataType, shape []int64) dataVar {
	if s.Err() != nil {
		return dataVar{}
	}
	// Without a shared name, every VarHandleOp of a session refers to the same resource.
	h := op.VarHandleOp(s, dt, tf.MakeShape(shape...), op.VarHandleOpSharedName(name))
	feed := op.Placeholder(s.SubScope("feed"), dt, op.PlaceholderShape(tf.MakeShape(shape...)))
	return dataVar{handle: h, feed: feed, assign: op.AssignVariableOp(s.SubScope("assign"), h, feed)}
}

// gather reads rows idx of a data variable.
func (d dataVar) gather(s *op.Scope, idx tf.Output, dt tf.DataType) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	return op.ResourceGather(s, d.handle, idx, dt)
}

// WhitenImages standardizes each image of x [batch, h, w, c]: subtract its mean over all h*w*c
// values and divide by max(std, 1/sqrt(h*w*c)) (population std), as SPEC.md section 1.
func WhitenImages(s *op.Scope, x tf.Output, h, w, c int64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	axes := op.Const(s.SubScope("axes"), []int32{1, 2, 3})
	mean := op.Mean(s.SubScope("mean"), x, axes, op.MeanKeepDims(true))
	centered := op.Sub(s, x, mean)
	variance := op.Mean(s.SubScope("variance"), op.Square(s, centered), axes, op.MeanKeepDims(true))
	minStd := op.Const(s.SubScope("min_std"), float32(1/math.Sqrt(float64(h*w*c))))
	std := op.Maximum(s, op.Sqrt(s, variance), minStd)
	return op.Div(s, centered, std)
}

// randomCrops takes one random h x w crop of every image of x [batch, sh, sw, c], flipped
// left-right with probability 1/2 when flip is true. The offsets and flips are drawn by stateless
// ops from stepSeed ([seed, step], int64 [2]), so a resumed run draws what the uninterrupted run
// drew; the ops act on the data, outside the gradient path. CropAndResize with boxes whose corners sit
// on pixel centers samples exactly the pixels of the crop (no interpolation), and a box whose
// x1 > x2 mirrors it.
func randomCrops(s *op.Scope, x tf.Output, sh, sw, h, w int64, crop, flip bool, stepSeed tf.Output) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	n := op.Shape(s.SubScope("n"), x, op.ShapeOutType(tf.Int32))
	n = op.Slice(s.SubScope("n"), n, op.Const(s.SubScope("n_begin"), []int32{0}), op.Const(s.SubScope("n_size"), []int32{1}))
	zero := op.Const(s.SubScope("zero"), float32(0))
	offY, offX := zero, zero
	if crop {
		offset := func(name string, size int64, k int64) tf.Output {
			ss := s.SubScope(name)
			o := op.StatelessRandomUniformInt(ss, n, StepOpSeed(ss, stepSeed, k),
				op.Const(ss.SubScope("min"), int32(0)), op.Const(ss.SubScope("max"), int32(size+1)))
			return op.Cast(ss, o, tf.Float)
		}
		offY = offset("off_y", sh-h, -1)
		offX = offset("off_x", sw-w, -2)
	} else {
		offY = op.Const(s.SubScope("center_y"), float32((sh-h)/2))
		offX = op.Const(s.SubScope("center_x"), float32((sw-w)/2))
		offY = op.Fill(s.SubScope("fill_y"), n, offY)
		offX = op.Fill(s.SubScope("fill_x"), n, offX)
	}
	var flipF tf.Output
	if flip {
		fs := s.SubScope("flip")
		u := op.StatelessRandomUniform(fs, n, StepOpSeed(fs, stepSeed, -3), op.StatelessRandomUniformDtype(tf.Float))
		flipF = op.Cast(s.SubScope("flip"), op.Less(s.SubScope("flip"), u, op.Const(s.SubScope("half"), float32(0.5))), tf.Float)
	} else {
		flipF = op.Fill(s.SubScope("noflip"), n, zero)
	}
	wm1 := op.Const(s.SubScope("w_minus_1"), float32(w-1))
	hm1 := op.Const(s.SubScope("h_minus_1"), float32(h-1))
	// Pixel coordinates of the box corners; normalized by (size-1) below.
	y1 := offY
	y2 := op.Add(s.SubScope("y2"), offY, hm1)
	x1 := op.Add(s.SubScope("x1"), offX, op.Mul(s.SubScope("x1"), flipF, wm1))
	x2 := op.Add(s.SubScope("x2"), offX, op.Mul(s.SubScope("x2"), op.Sub(s.SubScope("x2"), op.Const(s.SubScope("one"), float32(1)), flipF), wm1))
	ny := op.Const(s.SubScope("norm_y"), float32(sh-1))
	nx := op.Const(s.SubScope("norm_x"), float32(sw-1))
	boxes := op.Pack(s.SubScope("boxes"), []tf.Output{
		op.Div(s.SubScope("ny1"), y1, ny), op.Div(s.SubScope("nx1"), x1, nx),
		op.Div(s.SubScope("ny2"), y2, ny), op.Div(s.SubScope("nx2"), x2, nx),
	}, op.PackAxis(1))
	boxInd := op.Range(s.SubScope("box_ind"), op.Const(s.SubScope("r0"), int32(0)), op.Reshape(s.SubScope("box_ind"), n, op.Const(s.SubScope("scalar"), []int32{})), op.Const(s.SubScope("r1"), int32(1)))
	return op.CropAndResize(s, x, boxes, boxInd, op.Const(s.SubScope("crop_size"), []int32{int32(h), int32(w)}))
}

// centerCrops takes the central h x w window of every image of x [batch, sh, sw, c].
func centerCrops(s *op.Scope, x tf.Output, sh, sw, h, w int64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	begin := op.Const(s.SubScope("begin"), []int32{0, int32((sh - h) / 2), int32((sw - w) / 2), 0})
	size := op.Const(s.SubScope("size"), []int32{-1, int32(h), int32(w), -1})
	return op.Slice(s, x, begin, size)
}
