package tfgraph

import (
	"fmt"
	"math"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Kind says what a variable is for: it decides whether it is trained, regularized and counted.
type Kind int

const (
	// Weight is a kernel or a dense matrix: trained, counted, and penalized by weight decay.
	Weight Kind = iota
	// Bias is a conv or dense bias: trained and counted, never decayed.
	Bias
	// Shift is a batch-norm offset (beta): trained and counted, never decayed.
	Shift
	// Statistic is a batch-norm moving mean or variance: saved, neither trained nor counted.
	Statistic
	// Slot is an optimizer accumulator (momentum): saved, neither trained nor counted.
	Slot
	// State is a scalar such as the learning rate: saved, neither trained nor counted.
	State
)

// Trainable reports whether the optimizer updates variables of this kind.
func (k Kind) Trainable() bool { return k == Weight || k == Bias || k == Shift }

// Variable is a float32 resource variable. Init assigns its initial value; Value reads it.
// Handle is the resource for assignments and optimizer updates.
type Variable struct {
	Name   string // slash-separated path, e.g. "conv0/kernel"
	Kind   Kind
	Shape  []int64
	Init   *tf.Operation
	Handle tf.Output
	Value  tf.Output
}

// Size is the number of scalars in the variable.
func (v *Variable) Size() int64 {
	n := int64(1)
	for _, d := range v.Shape {
		n *= d
	}
	return n
}

// NewVariable adds a resource variable to s, initialized from the output of init (called with a
// scope of its own so that its Consts do not collide). The variable's ops are
// <s>/VarHandleOp, <s>/assign/AssignVariableOp and <s>/read/ReadVariableOp.
func NewVariable(s *op.Scope, name string, kind Kind, shape []int64, init func(s *op.Scope) tf.Output) *Variable {
	if s.Err() != nil {
		return &Variable{Name: name, Kind: kind, Shape: shape}
	}
	handle := op.VarHandleOp(s, tf.Float, tf.MakeShape(shape...), op.VarHandleOpSharedName(name))
	value := init(s.SubScope("init"))
	if s.Err() != nil {
		return &Variable{Name: name, Kind: kind, Shape: shape}
	}
	return &Variable{
		Name:   name,
		Kind:   kind,
		Shape:  shape,
		Init:   op.AssignVariableOp(s.SubScope("assign"), handle, value),
		Handle: handle,
		Value:  op.ReadVariableOp(s.SubScope("read"), handle, tf.Float),
	}
}

// VarStore creates each variable once, under its own scope ("vars/<path>"), and hands the same
// variable to every pass (training, evaluation) that asks for it by path. It also hands out
// distinct op-level seeds so that the initial values depend only on the model seed.
type VarStore struct {
	scope  *op.Scope
	seed   int64
	nseeds int64
	byName map[string]*Variable
	list   []*Variable
	scopes map[string]*op.Scope // one scope per path prefix, so op names follow variable paths
	// base, when not nil, makes this store a view of base (see After): the same variables,
	// read again by ops of readScope; reads holds them by path.
	base      *VarStore
	readScope *op.Scope
	reads     map[string]*Variable
}

// NewVarStore returns a store whose variables live under s; seed is the graph-level seed of every
// random initializer.
func NewVarStore(s *op.Scope, seed int64) *VarStore {
	return &VarStore{scope: s, seed: seed, byName: map[string]*Variable{}, scopes: map[string]*op.Scope{}}
}

// After returns a view of vs for another copy of a pass (the steps of TrainSteps): it hands out
// the same variables (Handle, Init, Name) with Value read again by a new ReadVariableOp under s,
// which runs only after deps have run, so the copy sees what the ops it follows wrote. Its seed
// counter starts at seeds (a value of Seeds taken before the pass being copied was built), so the
// copy's random ops draw the seeds the original's drew. A view creates no variable: every
// variable it is asked for must exist in vs.
func (vs *VarStore) After(s *op.Scope, seeds int64, deps ...*tf.Operation) *VarStore {
	return &VarStore{scope: vs.scope, seed: vs.seed, nseeds: seeds, base: vs,
		readScope: s.WithControlDependencies(deps...), reads: map[string]*Variable{}}
}

// Seeds is the number of op-level seeds handed out so far (see After).
func (vs *VarStore) Seeds() int64 { return vs.nseeds }

// reread returns the view's copy of v: the same variable, with Value read under the view's
// read scope (once per variable).
func (vs *VarStore) reread(v *Variable) *Variable {
	if r, ok := vs.reads[v.Name]; ok {
		return r
	}
	r := *v
	if vs.readScope.Err() == nil && v.Handle.Op != nil {
		r.Value = op.ReadVariableOp(vs.readScope.SubScope("read"), v.Handle, tf.Float)
	}
	vs.reads[v.Name] = &r
	return &r
}

// Get returns the variable at path, creating it with init on first use.
func (vs *VarStore) Get(path string, kind Kind, shape []int64, init func(s *op.Scope) tf.Output) *Variable {
	if vs.base != nil {
		v := vs.base.Lookup(path)
		if v == nil {
			vs.readScope.UpdateErr("VarStore.After", fmt.Errorf("tfgraph: variable %q does not exist in the pass being copied", path))
			return &Variable{Name: path, Kind: kind, Shape: shape}
		}
		return vs.reread(v)
	}
	if v, ok := vs.byName[path]; ok {
		return v
	}
	v := NewVariable(vs.scopeOf(path), path, kind, shape, init)
	vs.byName[path] = v
	vs.list = append(vs.list, v)
	return v
}

// Variables returns every variable in creation order.
func (vs *VarStore) Variables() []*Variable {
	if vs.base != nil {
		out := make([]*Variable, len(vs.base.list))
		for i, v := range vs.base.list {
			out[i] = vs.reread(v)
		}
		return out
	}
	return vs.list
}

// Lookup returns the variable at path, or nil.
func (vs *VarStore) Lookup(path string) *Variable {
	if vs.base != nil {
		if v := vs.base.Lookup(path); v != nil {
			return vs.reread(v)
		}
		return nil
	}
	return vs.byName[path]
}

// nextSeed returns the op-level seed (seed2) for the next random initializer.
func (vs *VarStore) nextSeed() int64 {
	vs.nseeds++
	return vs.nseeds
}

// Trainable returns the variables SGD updates (weights, biases, batch-norm shifts), in the
// order they were made.
func (vs *VarStore) Trainable() []*Variable {
	var out []*Variable
	for _, v := range vs.Variables() {
		if v.Kind.Trainable() {
			out = append(out, v)
		}
	}
	return out
}

// Params is the number of trainable scalars: weights, biases and batch-norm shifts.
func (vs *VarStore) Params() int64 {
	var n int64
	for _, v := range vs.Trainable() {
		n += v.Size()
	}
	return n
}

// GlorotUniform returns an initializer of a weight of the given shape: uniform in
// [-limit, limit] with limit = sqrt(6/(fanIn+fanOut)). This is TF-slim's default
// (xavier_initializer), which the paper's TensorFlow models used, and Keras's.
func (vs *VarStore) GlorotUniform(shape []int64, fanIn, fanOut int64) func(s *op.Scope) tf.Output {
	seed2 := vs.nextSeed()
	seed := vs.seed
	return func(s *op.Scope) tf.Output {
		limit := math.Sqrt(6 / float64(fanIn+fanOut))
		shp := op.Const(s.SubScope("shape"), shape)
		u := op.RandomUniform(s, shp, tf.Float, op.RandomUniformSeed(seed), op.RandomUniformSeed2(seed2))
		scaled := op.Mul(s, u, op.Const(s.SubScope("width"), float32(2*limit)))
		return op.Sub(s, scaled, op.Const(s.SubScope("limit"), float32(limit)))
	}
}

// Filled returns an initializer of a tensor of the given shape filled with value.
func Filled(shape []int64, value float32) func(s *op.Scope) tf.Output {
	return func(s *op.Scope) tf.Output {
		return op.Fill(s, op.Const(s.SubScope("shape"), shape), op.Const(s.SubScope("value"), value))
	}
}

// scopeOf returns the scope for a variable path, creating each prefix's scope once.
func (vs *VarStore) scopeOf(path string) *op.Scope {
	if s, ok := vs.scopes[path]; ok {
		return s
	}
	parent, name := vs.scope, path
	if i := strings.LastIndex(path, "/"); i >= 0 {
		parent, name = vs.scopeOf(path[:i]), path[i+1:]
	}
	s := parent.SubScope(name)
	vs.scopes[path] = s
	return s
}
