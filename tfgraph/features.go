package tfgraph

import (
	"errors"
	"fmt"
	"os"
	"slices"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Tap is the output of one named layer of a pass built with Ctx.Taps set.
type Tap struct {
	Name string
	Out  tf.Output
}

// ReceptiveField says which input pixels a spatial layer's output position sees: position
// (i, j) of the layer's map looks at the Size x Size square of input pixels centred on row
// Center0 + Jump*i and column Center0 + Jump*j (it may reach past the border, into SAME
// padding). Size is 0 for a layer without a spatial map (dense layers, logits).
type ReceptiveField struct {
	Size, Jump, Center0 int
}

// Layer is one layer a FeatureNet hands back: its name ("input", "conv1", "fc3", "logits",
// as the architectures name them), the shape of one image's features ([h, w, c] for a
// spatial map, [d] otherwise) and, for a map, its receptive field in input pixels.
type Layer struct {
	Name  string
	Shape []int
	RF    ReceptiveField
}

// Size is the number of values of one image's features (the product of Shape).
func (l Layer) Size() int {
	n := 1
	for _, s := range l.Shape {
		n *= s
	}
	return n
}

// Spatial reports whether the layer is a map [h, w, c].
func (l Layer) Spatial() bool { return len(l.Shape) == 3 }

// Features are one layer's features of N images: N * Layer.Size() values, image after image,
// each in the layer's row-major order (HWC for a map).
type Features struct {
	Layer
	N      int
	Values []float32
}

// FeatureNet is the evaluation pass of an architecture (moving batch-norm statistics, no
// dropout) built to hand back every layer's output, with the weights read from a checkpoint
// written by Model.Save (or left at their seeded initial values, a network before training).
// Images are fed from Go already prepared as the network saw them (cropped, whitened).
//
// Threading: a FeatureNet belongs to the goroutine that made it. Close releases it.
type FeatureNet struct {
	Arch                    Architecture
	Height, Width, Channels int
	Classes                 int

	sess    *tf.Session
	x       tf.Output
	taps    []Tap
	layers  []Layer
	vars    *VarStore
	prefix  tf.Output
	restore *tf.Operation
	// restored are the tensors read, fetched to check their shapes against the variables'
	// (a Shape op would be folded to the variable's own shape by TensorFlow's optimizer).
	restored []tf.Output
	init     []*tf.Operation
}

// FeatureBatch is how many images one Session.Run of FeatureNet.Features takes.
const FeatureBatch = 100

// NewFeatureNet builds the feature pass of a for h x w x c images and classes classes, on the
// CPU with threads threads (0: TensorFlow's default), weights initialized from seed.
func NewFeatureNet(a Architecture, h, w, c, classes int, seed int64, threads int) (*FeatureNet, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if h <= 0 || w <= 0 || c <= 0 || classes < 2 {
		return nil, fmt.Errorf("tfgraph: features: images %dx%dx%d and %d classes: want positive sizes and at least 2 classes", h, w, c, classes)
	}
	f := &FeatureNet{Arch: a, Height: h, Width: w, Channels: c, Classes: classes}
	root := op.NewScope()
	f.vars = NewVarStore(root.SubScope("vars"), seed)
	f.x = op.Placeholder(root.SubScope("images"), tf.Float, op.PlaceholderShape(tf.MakeShape(-1, int64(h), int64(w), int64(c))))
	f.taps = []Tap{{Name: "input", Out: op.Identity(root.SubScope("input"), f.x)}}
	a.Logits(Ctx{S: root.SubScope("net"), Vars: f.vars, Seed: seed, Taps: &f.taps}, f.x, int64(classes))
	f.buildRestore(root.SubScope("restore"))
	g, err := root.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: build features of %s: %w", a, err)
	}
	rfs := receptiveFields(a, h)
	for _, t := range f.taps {
		sh := t.Out.Shape()
		l := Layer{Name: t.Name}
		for i := 1; i < sh.NumDimensions(); i++ {
			l.Shape = append(l.Shape, int(sh.Size(i)))
		}
		if l.Spatial() {
			l.RF = rfs[t.Name]
		}
		f.layers = append(f.layers, l)
	}
	sess, _, _, err := openSession(g, "cpu", threads, "", 0)
	if err != nil {
		return nil, err
	}
	f.sess = sess
	for _, v := range f.vars.Variables() {
		f.init = append(f.init, v.Init)
	}
	if _, err := sess.Run(nil, nil, f.init); err != nil {
		f.Close()
		return nil, fmt.Errorf("tfgraph: features: initialize variables: %w", err)
	}
	return f, nil
}

// buildRestore adds the ops that read the net's variables (weights, biases, shifts, moving
// statistics) from a checkpoint by their paths.
func (f *FeatureNet) buildRestore(s *op.Scope) {
	if s.Err() != nil {
		return
	}
	vs := f.vars.Variables()
	names := make([]string, len(vs))
	sliceSpecs := make([]string, len(vs))
	types := make([]tf.DataType, len(vs))
	for i, v := range vs {
		names[i], types[i] = v.Name, tf.Float
	}
	f.prefix = op.Placeholder(s.SubScope("prefix"), tf.String, op.PlaceholderShape(tf.ScalarShape()))
	restored := op.RestoreV2(s, f.prefix, op.Const(s.SubScope("names"), names), op.Const(s.SubScope("slices"), sliceSpecs), types)
	if s.Err() != nil {
		return
	}
	assigns := make([]*tf.Operation, len(vs))
	for i, v := range vs {
		assigns[i] = op.AssignVariableOp(s.SubScope("assign"), v.Handle, restored[i])
		f.restored = append(f.restored, restored[i])
	}
	f.restore = op.NoOp(s.SubScope("all").WithControlDependencies(assigns...))
}

// ErrNoCheckpoint is wrapped by Restore's error when the checkpoint files are missing.
var ErrNoCheckpoint = errors.New("tfgraph: no checkpoint")

// Restore reads the network's variables from the checkpoint prefix written by Model.Save of
// the same architecture on images of the same size (the optimizer's state in it is ignored).
// A missing checkpoint wraps ErrNoCheckpoint; one of another network names what is wrong.
func (f *FeatureNet) Restore(prefix string) error {
	for _, suffix := range []string{".index", ".data-00000-of-00001"} {
		if _, err := os.Stat(prefix + suffix); err != nil {
			return fmt.Errorf("%w at %s (%s missing): %w", ErrNoCheckpoint, prefix, suffix, err)
		}
	}
	t, err := tf.NewTensor(prefix)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("tfgraph: restore %s on %dx%dx%d images from %s", f.Arch, f.Height, f.Width, f.Channels, prefix)
	res, err := f.sess.Run(map[tf.Output]*tf.Tensor{f.prefix: t}, f.restored, []*tf.Operation{f.restore})
	if err != nil {
		return fmt.Errorf("%s (a checkpoint of another network?): %w", what, err)
	}
	for i, v := range f.vars.Variables() {
		if got := res[i].Shape(); !slices.Equal(got, v.Shape) {
			// Resource variables take any shape: put the net back as it was built.
			_, ierr := f.sess.Run(nil, nil, f.init)
			return errors.Join(fmt.Errorf("%s: %s has shape %v in the checkpoint, the network wants %v (a checkpoint of another network or image size)",
				what, v.Name, got, v.Shape), ierr)
		}
	}
	return nil
}

// Layers lists the layers Features hands back, input first, logits last.
func (f *FeatureNet) Layers() []Layer {
	out := make([]Layer, len(f.layers))
	copy(out, f.layers)
	return out
}

// Features runs the n images (n*h*w*c values, NHWC) through the network in batches of
// FeatureBatch and returns every layer's features, in the order of Layers. Memory: n times the
// sum of the layers' sizes, in float32; use Each to keep less.
func (f *FeatureNet) Features(images []float32, n int) ([]Features, error) {
	out := make([]Features, len(f.layers))
	for i, l := range f.layers {
		out[i] = Features{Layer: l, N: n, Values: make([]float32, 0, n*l.Size())}
	}
	err := f.Each(images, n, func(lo, hi int, batch []Features) error {
		for i := range out {
			out[i].Values = append(out[i].Values, batch[i].Values...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Each runs the n images through the network FeatureBatch at a time and calls fn with the
// images' rows [lo, hi) and every layer's features of them (valid during the call only). An
// error from fn stops it and is returned.
func (f *FeatureNet) Each(images []float32, n int, fn func(lo, hi int, batch []Features) error) error {
	per := f.Height * f.Width * f.Channels
	if n < 0 || len(images) != n*per {
		return fmt.Errorf("tfgraph: features: %d values for %d images of %dx%dx%d", len(images), n, f.Height, f.Width, f.Channels)
	}
	fetch := make([]tf.Output, len(f.taps))
	for i, t := range f.taps {
		fetch[i] = t.Out
	}
	batch := make([]Features, len(f.layers))
	for lo := 0; lo < n; lo += FeatureBatch {
		hi := min(lo+FeatureBatch, n)
		t, err := NewFlatTensor(images[lo*per:hi*per], int64(hi-lo), int64(f.Height), int64(f.Width), int64(f.Channels))
		if err != nil {
			return err
		}
		res, err := f.sess.Run(map[tf.Output]*tf.Tensor{f.x: t}, fetch, nil)
		if err != nil {
			return fmt.Errorf("tfgraph: features: %w", err)
		}
		for i, l := range f.layers {
			vals, err := ReadFlat[float32](res[i], batch[i].Values[:0])
			if err != nil {
				return err
			}
			if len(vals) != (hi-lo)*l.Size() {
				return fmt.Errorf("tfgraph: features: layer %s gave %d values for %d images of %d", l.Name, len(vals), hi-lo, l.Size())
			}
			batch[i] = Features{Layer: l, N: hi - lo, Values: vals}
		}
		if err := fn(lo, hi, batch); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the session.
func (f *FeatureNet) Close() error {
	if f.sess == nil {
		return nil
	}
	err := f.sess.Close()
	f.sess = nil
	return err
}

// receptiveFields computes the receptive field of every spatial layer a names, for square
// inputs of side h: each k x k SAME-padded window of stride s (convolutions and max-pools
// alike) widens the field by (k-1) times the jump so far and multiplies the jump by s, and
// SAME's padding before the first row (half the total, rounded down) shifts the centres.
func receptiveFields(a Architecture, h int) map[string]ReceptiveField {
	out := map[string]ReceptiveField{}
	rf := ReceptiveField{Size: 1, Jump: 1, Center0: 0}
	side := h
	window := func(k, s int) {
		o := (side + s - 1) / s
		pad := max((o-1)*s+k-side, 0)
		rf.Center0 += rf.Jump * ((k-1)/2 - pad/2)
		rf.Size += (k - 1) * rf.Jump
		rf.Jump *= s
		side = o
	}
	switch a.Arch {
	case AlexNet:
		window(5, 1)
		out["conv1"] = rf
		window(3, 2) // pool1 (LRN is per position)
		window(5, 1)
		out["conv2"] = rf
	case Inception:
		window(3, 1)
		out["conv0"] = rf
		for _, m := range []string{"inception1", "inception2", "downsample3", "inception4", "inception5",
			"inception6", "inception7", "downsample8", "inception9", "inception10"} {
			if m[0] == 'd' {
				window(3, 2) // the 3x3 stride-2 conv and max-pool see the same window
			} else {
				window(3, 1) // the widest branch, 3x3
			}
			out[m] = rf
		}
	}
	return out
}

// Weights returns the current value of the network's variable at path (e.g. the first layer's
// Architecture.FirstLayer()) as flat row-major values and its shape. Before Restore they are
// the initial values of the seed the net was built with, which are those of a Model of the
// same architecture and seed: the first layer's change in training is the difference.
func (f *FeatureNet) Weights(path string) ([]float32, []int64, error) {
	v := f.vars.Lookup(path)
	if v == nil {
		return nil, nil, fmt.Errorf("tfgraph: features: no variable %q in %s", path, f.Arch)
	}
	out, err := f.sess.Run(nil, []tf.Output{v.Value}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("tfgraph: features: read %s: %w", path, err)
	}
	vals, err := ReadFlat[float32](out[0], nil)
	return vals, v.Shape, err
}
