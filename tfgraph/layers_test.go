package tfgraph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// layerCase builds one layer helper on a [2, 6, 6, 4] input in training mode.
type layerCase struct {
	name  string
	layer func(c Ctx, x tf.Output) tf.Output
}

var layerCases = []layerCase{
	{"Conv2D", func(c Ctx, x tf.Output) tf.Output { return Conv2D(c, x, 3, 5, 1) }},
	{"Conv2D stride 2", func(c Ctx, x tf.Output) tf.Output { return Conv2D(c, x, 3, 5, 2) }},
	{"AddBias", func(c Ctx, x tf.Output) tf.Output { return AddBias(c, x) }},
	{"BatchNorm", func(c Ctx, x tf.Output) tf.Output { return BatchNorm(c, x) }},
	{"ConvModule BN", func(c Ctx, x tf.Output) tf.Output { return ConvModule(c, x, 3, 5, 1, true) }},
	{"ConvModule no BN", func(c Ctx, x tf.Output) tf.Output { return ConvModule(c, x, 3, 5, 1, false) }},
	{"InceptionModule", func(c Ctx, x tf.Output) tf.Output { return InceptionModule(c, x, 3, 5, true) }},
	{"DownsampleModule", func(c Ctx, x tf.Output) tf.Output { return DownsampleModule(c, x, 3, true) }},
	{"MaxPool", func(c Ctx, x tf.Output) tf.Output { return MaxPool(c, x, 3, 2) }},
	{"LRN", func(c Ctx, x tf.Output) tf.Output { return LRN(c, x) }},
	{"ReLU", func(c Ctx, x tf.Output) tf.Output { return ReLU(c, x) }},
	{"Flatten+Dense", func(c Ctx, x tf.Output) tf.Output { return Dense(c.Sub("fc"), Flatten(c.Sub("flat"), x), 7, true) }},
	{"Dropout", func(c Ctx, x tf.Output) tf.Output { return Dropout(c, x, 0.5) }},
	{"GlobalMeanPool", func(c Ctx, x tf.Output) tf.Output { return GlobalMeanPool(c, x) }},
	{"WhitenImages", func(c Ctx, x tf.Output) tf.Output { return WhitenImages(c.S, x, 6, 6, 4) }},
}

// gradGraph builds f = sum(layer(x) * r) for a fixed random r, and df/dx and df/dvars for every
// trainable variable of the layer; wrt names x and those variables with their shapes, in the
// order of grads. The last of init is r's initializer, to run after the others.
func gradGraph(t *testing.T, lc layerCase) (g *tf.Graph, x, f tf.Output, grads []tf.Output, init []*tf.Operation, wrt []gradOf) {
	t.Helper()
	root := op.NewScope()
	vs := NewVarStore(root.SubScope("vars"), 1)
	x = op.Placeholder(root.SubScope("x"), tf.Float, op.PlaceholderShape(tf.MakeShape(2, 6, 6, 4)))
	var updates []*tf.Operation
	y := lc.layer(Ctx{S: root.SubScope("layer"), Vars: vs, Path: "layer", Training: true, Updates: &updates, Seed: 1}, x)
	if root.Err() != nil {
		t.Fatalf("%s: %v", lc.name, root.Err())
	}
	r := op.RandomStandardNormal(root.SubScope("r"), op.Shape(root.SubScope("r"), y), tf.Float, op.RandomStandardNormalSeed(1), op.RandomStandardNormalSeed2(2))
	// Keep r fixed between runs: a variable initialized once.
	yShape, err := y.Shape().ToSlice()
	if err != nil {
		t.Fatalf("%s: output shape: %v", lc.name, err)
	}
	rv := NewVariable(root.SubScope("rvar"), "r", State, yShape, func(*op.Scope) tf.Output { return r })
	if root.Err() != nil {
		t.Fatalf("%s: %v", lc.name, root.Err())
	}
	prod := op.Mul(root.SubScope("prod"), y, rv.Value)
	f = op.Sum(root.SubScope("f"), op.Reshape(root.SubScope("flat"), prod, op.Const(root.SubScope("m1"), []int32{-1})), op.Const(root.SubScope("axis"), []int32{0}))
	wrt = []gradOf{{"x", []int64{2, 6, 6, 4}}}
	xs := []tf.Output{x}
	for _, v := range vs.Variables() {
		if v.Kind.Trainable() {
			xs = append(xs, v.Value)
			wrt = append(wrt, gradOf{v.Name, v.Shape})
		}
		init = append(init, v.Init)
	}
	grads = op.Gradients(root.SubScope("gradients"), []tf.Output{f}, xs)
	g, err = root.Finalize()
	if err != nil {
		t.Fatalf("%s: gradients do not build: %v", lc.name, err)
	}
	return g, x, f, grads, append(init, rv.Init), wrt
}

// gradOf names what a gradient of gradGraph is taken with respect to, and its shape.
type gradOf struct {
	name  string
	shape []int64
}

func TestLayers_GradientsBuild(t *testing.T) {
	// Every trainable variable (and the input) gets a gradient of its own shape that is finite
	// and not all zero: f depends on each of them, so a variable cut off from the loss (whose
	// gradient TensorFlow fills with zeros) or a wrong gradient shape fails here.
	for _, lc := range layerCases {
		t.Run(lc.name, func(t *testing.T) {
			g, x, _, grads, init, wrt := gradGraph(t, lc)
			if len(grads) != len(wrt) {
				t.Fatalf("%d gradients for %d variables and the input", len(grads), len(wrt))
			}
			sess, err := tf.NewSession(g, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			rng := rand.New(rand.NewPCG(5, 6))
			in := make([]float32, 2*6*6*4)
			for i := range in {
				in[i] = float32(rng.NormFloat64())
			}
			xt, err := floatTensor(in, 2, 6, 6, 4)
			if err != nil {
				t.Fatal(err)
			}
			feed := map[tf.Output]*tf.Tensor{x: xt}
			// The layer's variables first: r's initializer reads the layer's output.
			for _, ops := range [][]*tf.Operation{init[:len(init)-1], init[len(init)-1:]} {
				if len(ops) == 0 {
					continue // a layer without variables
				}
				if _, err := sess.Run(feed, nil, ops); err != nil {
					t.Fatal(err)
				}
			}
			out, err := sess.Run(feed, grads, nil)
			if err != nil {
				t.Fatalf("gradients do not run: %v", err)
			}
			for i, w := range wrt {
				if got := out[i].Shape(); fmt.Sprint(got) != fmt.Sprint(w.shape) {
					t.Errorf("df/d%s has shape %v, want %v", w.name, got, w.shape)
					continue
				}
				v, err := flatFloats(out[i])
				if err != nil {
					t.Fatal(err)
				}
				nonzero := 0
				for _, g := range v {
					if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
						t.Fatalf("df/d%s has the value %v", w.name, g)
					}
					if g != 0 {
						nonzero++
					}
				}
				if nonzero == 0 {
					t.Errorf("df/d%s is all zero: the variable does not change the output", w.name)
				}
			}
		})
	}
}

func TestLayers_FiniteDifferences(t *testing.T) {
	// Analytic df/dx against central differences, for the layers with hand-written gradients in
	// TensorFlow's C++ registry that the paper's models depend on.
	for _, name := range []string{"ConvModule BN", "LRN", "BatchNorm", "MaxPool", "DownsampleModule"} {
		var lc layerCase
		for _, c := range layerCases {
			if c.name == name {
				lc = c
			}
		}
		t.Run(name, func(t *testing.T) {
			g, x, f, grads, init, _ := gradGraph(t, lc)
			sess, err := tf.NewSession(g, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			rng := rand.New(rand.NewPCG(3, 4))
			in := make([]float32, 2*6*6*4)
			for i := range in {
				in[i] = float32(rng.NormFloat64())
			}
			xt, err := floatTensor(in, 2, 6, 6, 4)
			if err != nil {
				t.Fatal(err)
			}
			// r's initializer takes its shape from the layer's output, so x is fed here too.
			if _, err := sess.Run(map[tf.Output]*tf.Tensor{x: xt}, nil, init); err != nil {
				t.Fatal(err)
			}
			eval := func(values []float32, fetch tf.Output) []float32 {
				xt, err := floatTensor(values, 2, 6, 6, 4)
				if err != nil {
					t.Fatal(err)
				}
				out, err := sess.Run(map[tf.Output]*tf.Tensor{x: xt}, []tf.Output{fetch}, nil)
				if err != nil {
					t.Fatal(err)
				}
				v, err := flatFloats(out[0])
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			analytic := eval(in, grads[0])
			const h = 1e-3
			var worst float64
			for _, i := range []int{0, 7, 33, 64, 100, 143, 200, 287} {
				plus := append([]float32(nil), in...)
				minus := append([]float32(nil), in...)
				plus[i] += h
				minus[i] -= h
				numeric := (float64(eval(plus, f)[0]) - float64(eval(minus, f)[0])) / (2 * h)
				diff := math.Abs(numeric-float64(analytic[i])) / math.Max(1, math.Abs(numeric))
				worst = math.Max(worst, diff)
				// float32 forward passes and h = 1e-3 leave a few 1e-3 of noise; a wrong
				// gradient is off by O(1).
				if diff > 2e-2 {
					t.Errorf("df/dx[%d]: analytic %.5f, numeric %.5f", i, analytic[i], numeric)
				}
			}
			t.Logf("worst relative difference %.2e", worst)
		})
	}
}

func TestConv2D_HandComputed(t *testing.T) {
	// A 1x4x4x1 input 1..16 and a 3x3 kernel with 1 at the center and 1 to the right, SAME
	// padding: out[i][j] = in[i][j] + in[i][j+1] (0 beyond the edge).
	root := op.NewScope()
	vs := NewVarStore(root.SubScope("vars"), 1)
	in := make([]float32, 16)
	for i := range in {
		in[i] = float32(i + 1)
	}
	x := op.Const(root.SubScope("x"), [][][][]float32{{
		{{1}, {2}, {3}, {4}}, {{5}, {6}, {7}, {8}}, {{9}, {10}, {11}, {12}}, {{13}, {14}, {15}, {16}},
	}})
	kernel := []float32{0, 0, 0, 0, 1, 1, 0, 0, 0} // [3,3,1,1] row-major
	vs.Get("conv/kernel", Weight, []int64{3, 3, 1, 1}, func(s *op.Scope) tf.Output {
		return op.Reshape(s, op.Const(s.SubScope("k"), kernel), op.Const(s.SubScope("shape"), []int64{3, 3, 1, 1}))
	})
	y := Conv2D(Ctx{S: root.SubScope("conv"), Vars: vs, Path: "conv"}, x, 3, 1, 1)
	sess := testSession(t, root)
	if _, err := sess.Run(nil, nil, []*tf.Operation{vs.Lookup("conv/kernel").Init}); err != nil {
		t.Fatal(err)
	}
	out, err := sess.Run(nil, []tf.Output{y}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := flatFloats(out[0])
	want := []float32{3, 5, 7, 4, 11, 13, 15, 8, 19, 21, 23, 12, 27, 29, 31, 16}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("conv output = %v, want %v", got, want)
	}
}

func TestRandomCrops_AreExactCrops(t *testing.T) {
	// Every augmented image must be some 4x4 window of its 6x6 source, mirrored or not: no
	// interpolation.
	root := op.NewScope()
	const n, sh, h = 8, 6, 4
	src := make([]float32, n*sh*sh)
	for i := range src {
		src[i] = float32(i)
	}
	xt, _ := floatTensor(src, n, sh, sh, 1)
	x := op.Placeholder(root.SubScope("x"), tf.Float, op.PlaceholderShape(tf.MakeShape(-1, sh, sh, 1)))
	seed := op.Placeholder(root.SubScope("seed"), tf.Int64, op.PlaceholderShape(tf.MakeShape(2)))
	y := randomCrops(root.SubScope("aug"), x, sh, sh, h, h, true, true, seed)
	sess := testSession(t, root)
	run := func(step int64) []float32 {
		st, _ := tf.NewTensor([]int64{1, step})
		out, err := sess.Run(map[tf.Output]*tf.Tensor{x: xt, seed: st}, []tf.Output{y}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := flatFloats(out[0])
		return got
	}
	// The crops are a function of (seed, step): step 3 drawn again gives the same crops, the
	// next step others.
	if a, b := run(3), run(3); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("step 3 drawn twice gave different crops")
	}
	if a, b := run(3), run(4); fmt.Sprint(a) == fmt.Sprint(b) {
		t.Errorf("steps 3 and 4 drew the same crops and flips for all %d images", n)
	}
	flips := 0
	for step := range int64(5) {
		got := run(step)
		for img := range n {
			crop := got[img*h*h : (img+1)*h*h]
			found := false
			for oy := 0; oy <= sh-h && !found; oy++ {
				for ox := 0; ox <= sh-h && !found; ox++ {
					for _, flip := range []bool{false, true} {
						ok := true
						for i := 0; i < h && ok; i++ {
							for j := 0; j < h && ok; j++ {
								sj := ox + j
								if flip {
									sj = ox + h - 1 - j
								}
								ok = crop[i*h+j] == src[img*sh*sh+(oy+i)*sh+sj]
							}
						}
						if ok {
							found = true
							if flip {
								flips++
							}
							break
						}
					}
				}
			}
			if !found {
				t.Fatalf("image %d: %v is not a 4x4 window of its source", img, crop)
			}
		}
	}
	if flips == 0 || flips == 5*n {
		t.Errorf("%d of %d crops were mirrored, want some but not all", flips, 5*n)
	}
}

func ExampleConv2D() {
	root := op.NewScope()
	vs := NewVarStore(root.SubScope("vars"), 1)
	x := op.Placeholder(root.SubScope("images"), tf.Float, op.PlaceholderShape(tf.MakeShape(-1, 28, 28, 1)))
	Conv2D(Ctx{S: root.SubScope("net").SubScope("conv1"), Vars: vs, Path: "conv1"}, x, 5, 32, 1)
	g, _ := root.Finalize()
	for _, o := range g.Operations() {
		if o.Type() == "VarHandleOp" || o.Type() == "Conv2D" || o.Type() == "AssignVariableOp" {
			fmt.Println(o.Name())
		}
	}
	// Unordered output:
	// vars/conv1/kernel/VarHandleOp
	// vars/conv1/kernel/assign/AssignVariableOp
	// net/conv1/Conv2D
}

func TestLRN_MatchesTensorFlowOp(t *testing.T) {
	// The composed LRN must compute what TensorFlow's own LRN op computes with the same settings.
	root := op.NewScope()
	rng := rand.New(rand.NewPCG(8, 9))
	in := make([]float32, 2*3*3*12)
	for i := range in {
		in[i] = float32(rng.NormFloat64() * 5)
	}
	x := op.Placeholder(root.SubScope("x"), tf.Float, op.PlaceholderShape(tf.MakeShape(2, 3, 3, 12)))
	ours := LRN(Ctx{S: root.SubScope("ours")}, x)
	theirs := op.LRN(root.SubScope("tf"), x, op.LRNDepthRadius(LRNDepthRadius), op.LRNBias(LRNBias), op.LRNAlpha(LRNAlpha), op.LRNBeta(LRNBeta))
	sess := testSession(t, root)
	xt, _ := floatTensor(in, 2, 3, 3, 12)
	out, err := sess.Run(map[tf.Output]*tf.Tensor{x: xt}, []tf.Output{ours, theirs}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := flatFloats(out[0])
	b, _ := flatFloats(out[1])
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5*math.Max(1, math.Abs(float64(b[i]))) {
			t.Fatalf("value %d: composed LRN %v, TensorFlow's LRN op %v", i, a[i], b[i])
		}
	}
}

// testSession finalizes root's graph and opens a session on it, closed when the test ends.
func testSession(t *testing.T, root *op.Scope) *tf.Session {
	t.Helper()
	g, err := root.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := tf.NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}
