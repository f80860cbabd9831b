package main

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	pb "github.com/wamuir/graft/tensorflow/core/protobuf/for_core_protos_go_proto"
	"github.com/wamuir/graft/tensorflow/op"
	"google.golang.org/protobuf/proto"
)

// workerMatMul measures what TensorFlow's CPU kernels reach on this machine: the product of two
// float32 matrices of side w.size held in variables (so nothing is fed or fetched), w.steps
// products per window, 2·n³ FLOPs each. It emits {"window", "gflops"} lines.
func workerMatMul(w workerFlags) error {
	n := int64(w.size)
	s := op.NewScope()
	mat := func(name string, seed int64) (tf.Output, *tf.Operation) {
		sc := s.SubScope(name)
		v := op.VarHandleOp(sc, tf.Float, tf.MakeShape(n, n))
		init := op.AssignVariableOp(sc.SubScope("init"), v, op.RandomUniform(sc.SubScope("random"),
			op.Const(sc.SubScope("shape"), []int64{n, n}), tf.Float, op.RandomUniformSeed(seed), op.RandomUniformSeed2(seed)))
		return op.ReadVariableOp(sc.SubScope("read"), v, tf.Float), init
	}
	a, initA := mat("a", 1)
	b, initB := mat("b", 2)
	product := op.MatMul(s, a, b)
	// Reduce the product to a scalar so that the run needs it, without copying n² values out.
	sum := op.Sum(s.SubScope("sum"), product, op.Const(s.SubScope("axes"), []int32{0, 1}))
	g, err := s.Finalize()
	if err != nil {
		return err
	}
	cfg, err := proto.Marshal(&pb.ConfigProto{IntraOpParallelismThreads: int32(w.threads), InterOpParallelismThreads: int32(w.threads)})
	if err != nil {
		return err
	}
	sess, err := tf.NewSession(g, &tf.SessionOptions{Config: cfg})
	if err != nil {
		return err
	}
	defer sess.Close()
	if _, err := sess.Run(nil, nil, []*tf.Operation{initA, initB}); err != nil {
		return err
	}
	run := func() error { _, err := sess.Run(nil, []tf.Output{sum}, nil); return err }
	flops := 2 * float64(n*n*n) * float64(w.steps) // per window
	if err := timeWindows(w, run, func(i int, sec float64) {
		emit(map[string]any{"window": i, "gflops": flops / sec / 1e9})
	}); err != nil {
		return err
	}
	emit(map[string]any{"done": true, "framework": "tensorflow-matmul", "version": fmt.Sprintf("TensorFlow %s, %dx%d float32", tf.Version(), n, n)})
	return nil
}
