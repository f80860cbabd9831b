package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
)

// callWork is the work, in floating-point operations, that StepsForCall puts into one call: about
// 50 ms of a 2-core CPU, so that a call's fixed cost (a round trip to a worker, TensorFlow's
// master and executor set-up) is a small share of it, while a pause or a stop, which wait for the
// call under way, still answer within a blink.
const callWork = 8e9

// maxStepsPerCall bounds StepsForCall: every step is a copy of the training pass in the graph.
const maxStepsPerCall = 16

// StepsForCall is the number of training steps of f FLOPs each to take in one call (see
// Spec.StepsPerCall): enough to make up callWork, at least 1 (the CNNs' steps are long enough
// alone) and at most maxStepsPerCall.
func StepsForCall(f FLOPs) int {
	if f.Total() <= 0 {
		return 1
	}
	return int(min(max(callWork/float64(f.Total()), 1), maxStepsPerCall))
}

// StepsPerCall is the number of steps TrainSteps takes in one call (Spec.StepsPerCall, at
// least 1).
func (m *Model) StepsPerCall() int { return max(m.chunk, 1) }

// TrainSteps takes one SGD step per batch, in order, as many calls of TrainStep would, and
// returns each step's loss and accuracy. When there are StepsPerCall batches, each of Spec.Batch
// rows, they go to the worker in one call (the steps' copies of the training pass, the same math
// as TrainStep's); otherwise it calls TrainStep per batch. A NaN or infinite loss does not stop
// the steps of the same call that follow it.
func (m *Model) TrainSteps(batches [][]int32) (losses, accs []float64, err error) {
	if !m.uploaded {
		return nil, nil, ErrNotUploaded
	}
	whole := m.chunk > 1 && len(batches) == m.chunk
	for _, b := range batches {
		whole = whole && int64(len(b)) == m.Spec.Batch
	}
	if !whole {
		for _, b := range batches {
			l, a, err := m.TrainStep(b)
			if err != nil {
				return losses, accs, err
			}
			losses, accs = append(losses, l), append(accs, a)
		}
		return losses, accs, nil
	}
	rows := make([][]int32, len(batches))
	copy(rows, batches)
	t, err := tf.NewTensor(rows)
	if err != nil {
		return nil, nil, err
	}
	seed, err := tf.NewTensor([]int64{m.Spec.Seed, m.steps})
	if err != nil {
		return nil, nil, err
	}
	out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.chunkIndices: t, m.chunkSeed: seed}, []tf.Output{m.chunkLoss, m.chunkCorrect}, []*tf.Operation{m.chunkStep})
	if err != nil {
		return nil, nil, fmt.Errorf("tfgraph: train steps: %w", err)
	}
	m.steps += int64(len(batches))
	ls, cs := out[0].Value().([]float32), out[1].Value().([]float32)
	for j := range batches {
		losses = append(losses, float64(ls[j]))
		accs = append(accs, float64(cs[j])/float64(m.Spec.Batch))
	}
	return losses, accs, nil
}
