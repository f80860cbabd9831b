package tfgraph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unsafe"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Data is a data set split in Go memory, ready for upload: Images are NHWC float32, N*h*w*c
// values of the stored size (see Spec.Augment); Labels are class indices, N values.
type Data struct {
	Images []float32
	Labels []int32
}

// Split names the data set an evaluation runs on.
type Split int

const (
	// TrainSplit is the (possibly randomized) training set as uploaded.
	TrainSplit Split = iota
	// TestSplit is the test set as uploaded.
	TestSplit
)

// ErrNotUploaded is returned by steps and evaluations that run before Upload.
var ErrNotUploaded = errors.New("tfgraph: data not uploaded")

// Model is a training graph with its session: the network's training pass (batch statistics,
// dropout, augmentation) and two evaluation passes (train and test set, moving statistics), SGD
// with momentum, the data held in graph variables, and checkpoint ops. A Model belongs to the
// goroutine that made it; Close releases it.
type Model struct {
	Spec  Spec
	Graph *tf.Graph
	Vars  *VarStore

	sess     *tf.Session
	device   string
	uploaded bool

	train, test   dataVar // images
	trainY, testY dataVar // labels

	stepIndices tf.Output // [batch] int32, rows of the training set
	stepSeed    tf.Output // [2] int64: [Spec.Seed, step], the training pass's randomness
	steps       int64     // SGD steps taken (or set by SetStep): the step fed to stepSeed
	stepLoss    tf.Output // mean cross-entropy of the batch (without weight decay)
	stepCorrect tf.Output // number of correct predictions in the batch
	step        *tf.Operation
	// chunk > 1 is Spec.StepsPerCall: chunkStep takes that many steps in one call, on the
	// [chunk, Batch] rows of chunkIndices, from the seed [Spec.Seed, step] of the first
	// (chunkSeed), giving each step's loss and correct count ([chunk]).
	chunk                   int
	chunkIndices, chunkSeed tf.Output
	chunkLoss, chunkCorrect tf.Output
	chunkStep               *tf.Operation
	evalIndices             tf.Output
	evalLoss, evalHit       [2]tf.Output // per split: summed cross-entropy and correct count

	lr       *Variable
	lrFeed   tf.Output
	lrAssign *tf.Operation

	savePrefix    tf.Output
	save, restore *tf.Operation
	saveable      []*Variable
	restored      []tf.Output // RestoreV2's outputs, fed directly by remote restores
	local         *localCheckpoint
	initOps       []*tf.Operation
}

// New builds the graph of spec, opens a session on the chosen device and initializes the
// variables. Upload must be called before training.
func New(spec Spec) (*Model, error) {
	spec.withDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Spec: spec}
	root := op.NewScope()
	m.build(root)
	g, err := root.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: build %s: %w", spec.Arch, err)
	}
	m.Graph = g
	sess, _, device, err := openSession(g, string(spec.Device), spec.Threads, spec.Target, spec.Timeout)
	if err != nil {
		return nil, err
	}
	m.sess, m.device = sess, device
	if _, err := m.sess.Run(nil, nil, m.initOps); err != nil {
		m.sess.Close()
		return nil, fmt.Errorf("tfgraph: initialize variables: %w", err)
	}
	return m, nil
}

func (m *Model) build(root *op.Scope) {
	spec := m.Spec
	sh, sw, sc := spec.storedShape()
	m.Vars = NewVarStore(root.SubScope("vars"), spec.Seed)

	data := root.SubScope("data")
	m.train = newDataVar(data.SubScope("train_images"), "data/train_images", tf.Float, []int64{spec.TrainSize, sh, sw, sc})
	m.trainY = newDataVar(data.SubScope("train_labels"), "data/train_labels", tf.Int32, []int64{spec.TrainSize})
	testN := spec.TestSize
	if testN <= 0 {
		testN = 1 // a placeholder row, so the graph is the same whether or not there is a test set
	}
	m.test = newDataVar(data.SubScope("test_images"), "data/test_images", tf.Float, []int64{testN, sh, sw, sc})
	m.testY = newDataVar(data.SubScope("test_labels"), "data/test_labels", tf.Int32, []int64{testN})

	// Training pass.
	m.lr = nil
	seeds := m.Vars.Seeds()
	ts := root.SubScope("train")
	m.stepIndices = op.Placeholder(ts.SubScope("indices"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	m.stepSeed = op.Placeholder(ts.SubScope("step_seed"), tf.Int64, op.PlaceholderShape(tf.MakeShape(2)))
	m.stepLoss, m.stepCorrect, m.step = m.trainPass(root, ts, m.Vars, m.stepIndices, m.stepSeed)

	// StepsPerCall copies of the training pass in one call, each reading the variables after the
	// one before it has updated them: the same math as as many calls of step, in one round trip.
	if k := spec.StepsPerCall; k > 1 && root.Err() == nil {
		cs := root.SubScope("steps")
		m.chunk = k
		m.chunkIndices = op.Placeholder(cs.SubScope("indices"), tf.Int32, op.PlaceholderShape(tf.MakeShape(int64(k), spec.Batch)))
		m.chunkSeed = op.Placeholder(cs.SubScope("step_seed"), tf.Int64, op.PlaceholderShape(tf.MakeShape(2)))
		losses, corrects := make([]tf.Output, k), make([]tf.Output, k)
		prev := []*tf.Operation{}
		for j := range k {
			js := cs.SubScope(strconv.Itoa(j))
			idx := op.Gather(js.SubScope("indices"), m.chunkIndices, op.Const(js.SubScope("row"), int32(j)))
			seed := op.Add(js.SubScope("step_seed"), m.chunkSeed, op.Const(js.SubScope("step"), []int64{0, int64(j)}))
			vs := m.Vars.After(js.SubScope("vars"), seeds, prev...)
			var step *tf.Operation
			losses[j], corrects[j], step = m.trainPass(js, js.SubScope("train"), vs, idx, seed)
			prev = []*tf.Operation{step}
		}
		m.chunkLoss = op.Pack(cs.SubScope("loss"), losses)
		m.chunkCorrect = op.Pack(cs.SubScope("correct"), corrects)
		m.chunkStep = prev[0]
	}

	lrs := root.SubScope("set_learning_rate")
	m.lrFeed = op.Placeholder(lrs.SubScope("feed"), tf.Float, op.PlaceholderShape(tf.ScalarShape()))
	if lrs.Err() == nil {
		m.lrAssign = op.AssignVariableOp(lrs, m.lr.Handle, m.lrFeed)
	}

	// Evaluation passes, one per split, sharing the variables.
	es := root.SubScope("eval")
	m.evalIndices = op.Placeholder(es.SubScope("indices"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	for i, src := range [][2]dataVar{{m.train, m.trainY}, {m.test, m.testY}} {
		s := es.SubScope([]string{"train_set", "test_set"}[i])
		ex := src[0].gather(s.SubScope("images"), m.evalIndices, tf.Float)
		ey := src[1].gather(s.SubScope("labels"), m.evalIndices, tf.Int32)
		if spec.Augment.On() {
			ex = centerCrops(s.SubScope("crop"), ex, sh, sw, spec.Height, spec.Width)
			ex = WhitenImages(s.SubScope("whiten"), ex, spec.Height, spec.Width, spec.Channels)
		}
		ex = setShape(s.SubScope("input"), ex, spec.Height, spec.Width, spec.Channels)
		el := spec.Arch.Logits(Ctx{S: s.SubScope("net"), Vars: m.Vars, Seed: spec.Seed}, ex, spec.Classes)
		axis := op.Const(s.SubScope("axis"), []int32{0})
		m.evalLoss[i] = op.Sum(s.SubScope("loss"), CrossEntropy(s.SubScope("xent"), el, ey, spec.Classes), axis)
		m.evalHit[i] = op.Sum(s.SubScope("correct"), Correct(s.SubScope("hits"), el, ey), axis)
	}

	// Checkpoints hold every variable of the store: weights, statistics, momentum, learning rate.
	m.saveable = m.Vars.Variables()
	m.buildCheckpoint(root.SubScope("checkpoint"))
	for _, v := range m.Vars.Variables() {
		m.initOps = append(m.initOps, v.Init)
	}
}

// trainPass adds a training pass under ts on the variables of vs (the model's store or a view of
// it, see VarStore.After) and the SGD step that follows it, under root's "sgd" (sub-scope of
// root): the batch at rows indices of the training set, with the randomness of stepSeed. It
// returns the batch's mean cross-entropy, its number of correct predictions and the step.
func (m *Model) trainPass(root, ts *op.Scope, vs *VarStore, indices, stepSeed tf.Output) (loss, correct tf.Output, step *tf.Operation) {
	spec := m.Spec
	sh, sw, _ := spec.storedShape()
	x := m.train.gather(ts.SubScope("images"), indices, tf.Float)
	y := m.trainY.gather(ts.SubScope("labels"), indices, tf.Int32)
	if spec.Augment.On() {
		x = randomCrops(ts.SubScope("augment"), x, sh, sw, spec.Height, spec.Width,
			spec.Augment.RandomCrop, spec.Augment.Flip, stepSeed)
		x = WhitenImages(ts.SubScope("whiten"), x, spec.Height, spec.Width, spec.Channels)
	}
	x = setShape(ts.SubScope("input"), x, spec.Height, spec.Width, spec.Channels)
	var bnUpdates []*tf.Operation
	ctx := Ctx{S: ts.SubScope("net"), Vars: vs, Training: true, Updates: &bnUpdates, Seed: spec.Seed, StepSeed: stepSeed}
	logits := spec.Arch.Logits(ctx, x, spec.Classes)
	xent := CrossEntropy(ts.SubScope("xent"), logits, y, spec.Classes)
	loss = op.Mean(ts.SubScope("loss"), xent, op.Const(ts.SubScope("loss_axis"), []int32{0}))
	correct = op.Sum(ts.SubScope("correct"), Correct(ts.SubScope("hits"), logits, y), op.Const(ts.SubScope("correct_axis"), []int32{0}))
	total := loss
	if spec.WeightDecay > 0 {
		total = op.Add(ts.SubScope("total_loss"), loss, WeightDecay(ts.SubScope("weight_decay"), vs.Variables(), spec.WeightDecay))
	}
	lr := vs.Get("learning_rate", State, nil, Filled(nil, 0.01))
	if m.lr == nil {
		m.lr = lr
	}
	step = MomentumClipped(root.SubScope("sgd"), vs, total, lr, spec.Momentum, spec.ClipNorm, bnUpdates)
	return loss, correct, step
}

// setShape reshapes x to [-1, h, w, c] so that the layers see static sizes.
func setShape(s *op.Scope, x tf.Output, h, w, c int64) tf.Output {
	if s.Err() != nil {
		return tf.Output{}
	}
	return op.Reshape(s, x, op.Const(s.SubScope("shape"), []int64{-1, h, w, c}))
}

// Upload copies the training and test sets into the graph's variables, once. Images must hold
// N*h*w*c values of the stored size and labels N values in [0, Classes).
func (m *Model) Upload(train, test Data) error {
	sh, sw, sc := m.Spec.storedShape()
	per := sh * sw * sc
	check := func(name string, d Data, n int64) error {
		if int64(len(d.Labels)) != n || int64(len(d.Images)) != n*per {
			return fmt.Errorf("tfgraph: upload %s: got %d images (%d values) and %d labels, the graph wants %d of %dx%dx%d",
				name, int64(len(d.Images))/max(per, 1), len(d.Images), len(d.Labels), n, sh, sw, sc)
		}
		for i, l := range d.Labels {
			if l < 0 || int64(l) >= m.Spec.Classes {
				return fmt.Errorf("tfgraph: upload %s: label %d of image %d is outside [0, %d)", name, l, i, m.Spec.Classes)
			}
		}
		return nil
	}
	if err := check("training set", train, m.Spec.TrainSize); err != nil {
		return err
	}
	if m.Spec.TestSize > 0 {
		if err := check("test set", test, m.Spec.TestSize); err != nil {
			return err
		}
	} else {
		test = Data{Images: make([]float32, per), Labels: []int32{0}}
	}
	feeds := map[tf.Output]*tf.Tensor{}
	for _, u := range []struct {
		v      dataVar
		images []float32
		labels []int32
	}{{m.train, train.Images, train.Labels}, {m.test, test.Images, test.Labels}} {
		n := int64(len(u.labels))
		img, err := floatTensor(u.images, n, sh, sw, sc)
		if err != nil {
			return fmt.Errorf("tfgraph: upload: %w", err)
		}
		feeds[u.v.feed] = img
	}
	for _, u := range []struct {
		v      dataVar
		labels []int32
	}{{m.trainY, train.Labels}, {m.testY, test.Labels}} {
		lt, err := tf.NewTensor(u.labels)
		if err != nil {
			return fmt.Errorf("tfgraph: upload labels: %w", err)
		}
		feeds[u.v.feed] = lt
	}
	if _, err := m.sess.Run(feeds, nil, []*tf.Operation{m.train.assign, m.trainY.assign, m.test.assign, m.testY.assign}); err != nil {
		return fmt.Errorf("tfgraph: upload data: %w", err)
	}
	m.uploaded = true
	return nil
}

// floatTensor makes a float32 tensor of the given shape from flat values without an
// intermediate Go copy.
func floatTensor(values []float32, shape ...int64) (*tf.Tensor, error) {
	var b []byte
	if len(values) > 0 {
		b = unsafe.Slice((*byte)(unsafe.Pointer(&values[0])), len(values)*4)
	}
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		return nil, errors.New("tfgraph: big-endian hosts are not supported")
	}
	return tf.ReadTensor(tf.Float, shape, bytes.NewReader(b))
}

// SetLearningRate sets the learning rate of the following steps.
func (m *Model) SetLearningRate(lr float64) error {
	t, err := tf.NewTensor(float32(lr))
	if err != nil {
		return err
	}
	if _, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.lrFeed: t}, nil, []*tf.Operation{m.lrAssign}); err != nil {
		return fmt.Errorf("tfgraph: set learning rate: %w", err)
	}
	return nil
}

// SetStep sets the number of SGD steps taken so far, as after restoring a checkpoint saved at
// that step: the next TrainStep draws the dropout masks, crops and flips of step n+1 of an
// uninterrupted run.
func (m *Model) SetStep(n int64) { m.steps = n }

// TrainStep runs one SGD step on the training images at rows indices and returns the batch's
// mean cross-entropy (before the update, without weight decay) and the fraction it classified
// right. It is one Session.Run; the only data crossing from Go are the indices and the step's
// seed [Spec.Seed, step], from which the step's dropout masks, crops and flips are drawn.
func (m *Model) TrainStep(indices []int32) (loss, acc float64, err error) {
	if !m.uploaded {
		return 0, 0, ErrNotUploaded
	}
	t, err := tf.NewTensor(indices)
	if err != nil {
		return 0, 0, err
	}
	seed, err := tf.NewTensor([]int64{m.Spec.Seed, m.steps})
	if err != nil {
		return 0, 0, err
	}
	out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.stepIndices: t, m.stepSeed: seed}, []tf.Output{m.stepLoss, m.stepCorrect}, []*tf.Operation{m.step})
	if err != nil {
		return 0, 0, fmt.Errorf("tfgraph: train step: %w", err)
	}
	m.steps++
	loss = float64(out[0].Value().(float32))
	acc = float64(out[1].Value().(float32)) / float64(len(indices))
	return loss, acc, nil
}

// Evaluate runs the evaluation pass (moving batch-norm statistics, no dropout, center crop) over
// the whole split in batches of Spec.EvalBatch and returns its mean cross-entropy and accuracy
// in [0, 1]. An empty test set gives NaN.
func (m *Model) Evaluate(split Split) (loss, acc float64, err error) {
	if !m.uploaded {
		return 0, 0, ErrNotUploaded
	}
	n := m.Spec.TrainSize
	if split == TestSplit {
		n = m.Spec.TestSize
	}
	if n <= 0 {
		return math.NaN(), math.NaN(), nil
	}
	var sumLoss, sumHit float64
	idx := make([]int32, 0, m.Spec.EvalBatch)
	for start := int64(0); start < n; start += m.Spec.EvalBatch {
		idx = idx[:0]
		for i := start; i < min(start+m.Spec.EvalBatch, n); i++ {
			idx = append(idx, int32(i))
		}
		t, err := tf.NewTensor(idx)
		if err != nil {
			return 0, 0, err
		}
		out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.evalIndices: t}, []tf.Output{m.evalLoss[split], m.evalHit[split]}, nil)
		if err != nil {
			return 0, 0, fmt.Errorf("tfgraph: evaluate: %w", err)
		}
		sumLoss += float64(out[0].Value().(float32))
		sumHit += float64(out[1].Value().(float32))
	}
	return sumLoss / float64(n), sumHit / float64(n), nil
}

// Params is the number of trainable parameters of the model as built.
func (m *Model) Params() int64 { return m.Vars.Params() }

// Kernels returns the current value of the variable at path as flat float32 values (row-major)
// and its shape, e.g. the first layer's [k, k, in, out] kernel.
func (m *Model) Kernels(path string) ([]float32, []int64, error) {
	v := m.Vars.Lookup(path)
	if v == nil {
		return nil, nil, fmt.Errorf("tfgraph: no variable %q", path)
	}
	out, err := m.sess.Run(nil, []tf.Output{v.Value}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("tfgraph: read %s: %w", path, err)
	}
	vals, err := flatFloats(out[0])
	return vals, v.Shape, err
}

// FirstLayer returns the first layer's weights: [k, k, in, out] for the CNNs, [h*w*c, out] for an
// MLP (see Architecture.FirstLayer).
func (m *Model) FirstLayer() ([]float32, []int64, error) {
	return m.Kernels(m.Spec.Arch.FirstLayer())
}

func flatFloats(t *tf.Tensor) ([]float32, error) {
	var buf bytes.Buffer
	if _, err := t.WriteContentsTo(&buf); err != nil {
		return nil, err
	}
	vals := make([]float32, buf.Len()/4)
	if err := binary.Read(&buf, binary.NativeEndian, vals); err != nil {
		return nil, err
	}
	return vals, nil
}

// Device is the TensorFlow device the model runs on, e.g. "/job:localhost/replica:0/task:0/device:CPU:0".
func (m *Model) Device() string { return m.device }

// Close releases the session.
func (m *Model) Close() error {
	if m.sess == nil {
		return nil
	}
	err := m.sess.Close()
	m.sess = nil
	if m.local != nil {
		m.local.sess.Close()
		m.local = nil
	}
	return err
}
