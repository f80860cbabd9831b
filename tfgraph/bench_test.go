package tfgraph

import (
	"math/rand/v2"
	"testing"

	tf "github.com/wamuir/graft/tensorflow"
)

// benchModels are the three models of the speed comparison, on 28x28x3 inputs, batch 128.
var benchModels = []Architecture{
	{Arch: Inception, BatchNorm: true},
	{Arch: AlexNet},
	{Arch: MLP, Hidden: []int64{512}},
}

func benchModel(b *testing.B, arch Architecture) *Model {
	const n = 1024
	spec := Spec{Arch: arch, Height: 28, Width: 28, Channels: 3, Classes: 10, TrainSize: n, TestSize: 0,
		Batch: 128, Momentum: 0.9, Seed: 1, Device: "auto"}
	m := newModel(b, spec, noise(n, 28, 28, 3, 10, 1), Data{})
	if err := m.SetLearningRate(0.01); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkTrainStep measures one SGD step of batch 128 (28x28x3), as TrainStep runs it:
// indices fed from Go, loss and correct count fetched. It reports images/s and ms/step.
func BenchmarkTrainStep(b *testing.B) {
	for _, arch := range benchModels {
		b.Run(string(arch.Arch), func(b *testing.B) {
			m := benchModel(b, arch)
			rng := rand.New(rand.NewPCG(1, 1))
			idx := make([]int32, 128)
			for i := range idx {
				idx[i] = int32(rng.IntN(1024))
			}
			if _, _, err := m.TrainStep(idx); err != nil { // warm-up: graph optimization, allocations
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, _, err := m.TrainStep(idx); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(128/sec, "images/s")
			b.ReportMetric(1000*sec, "ms/step")
		})
	}
}

// BenchmarkTrainStepBare runs the same step, with the same fetches, from a tensor made once
// and without reading the results into Go values: the difference to BenchmarkTrainStep is what
// the Go side of a step costs (making the feed, converting the fetches).
func BenchmarkTrainStepBare(b *testing.B) {
	for _, arch := range benchModels {
		b.Run(string(arch.Arch), func(b *testing.B) {
			m := benchModel(b, arch)
			idx := make([]int32, 128)
			for i := range idx {
				idx[i] = int32(i)
			}
			t, err := tf.NewTensor(idx)
			if err != nil {
				b.Fatal(err)
			}
			feeds := map[tf.Output]*tf.Tensor{m.stepIndices: t}
			fetches := []tf.Output{m.stepLoss, m.stepCorrect}
			targets := []*tf.Operation{m.step}
			if _, err := m.sess.Run(feeds, fetches, targets); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := m.sess.Run(feeds, fetches, targets); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(128/sec, "images/s")
			b.ReportMetric(1000*sec, "ms/step")
		})
	}
}

// BenchmarkStepGoSide measures the Go-side work of one TrainStep outside TensorFlow: making the
// [128] int32 feed tensor and converting two fetched scalars to Go values.
func BenchmarkStepGoSide(b *testing.B) {
	idx := make([]int32, 128)
	loss, err := tf.NewTensor(float32(1))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		t, err := tf.NewTensor(idx)
		if err != nil || t == nil {
			b.Fatal(err)
		}
		_ = float64(loss.Value().(float32)) + float64(loss.Value().(float32))
	}
}
