package tfgraph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestModel_TrainStepsMatchTrainStep checks that StepsPerCall steps in one call are the steps
// that as many calls of TrainStep take: the same losses and accuracies, bit for bit, and the same
// weights after them, for an MLP with dropout and for a batch-norm Inception with random crops and
// flips (the randomness of every step, the moving statistics), the MLP with weight decay.
func TestModel_TrainStepsMatchTrainStep(t *testing.T) {
	for name, arch := range map[string]Architecture{
		"mlp-dropout":  {Arch: MLP, Hidden: []int64{32, 16}, Dropout: 0.3},
		"inception-bn": {Arch: Inception, BatchNorm: true},
	} {
		t.Run(name, func(t *testing.T) {
			const n, k = 64, 3
			run := func(chunk int) (losses, accs []float64, first []float32) {
				spec := smallSpec(arch, n)
				spec.Batch, spec.StepsPerCall = 16, chunk
				if arch.Arch == MLP {
					spec.WeightDecay = 1e-3 // the penalty reads every weight again in each copy
				}
				if arch.Arch == Inception {
					spec.Augment = Augment{RandomCrop: true, Flip: true, StoredHeight: 14, StoredWidth: 14}
				}
				sh, sw, _ := spec.storedShape()
				m := newModel(t, spec, noise(n, int(sh), int(sw), 1, 10, 1), noise(32, int(sh), int(sw), 1, 10, 2))
				if got := m.StepsPerCall(); got != max(chunk, 1) {
					t.Fatalf("StepsPerCall() = %d, want %d", got, max(chunk, 1))
				}
				if err := m.SetLearningRate(0.05); err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(5, 5))
				// Two epochs of 4 batches: a call of k steps, then one step alone, per epoch.
				for range 2 {
					bs := batches(n, 16, rng)
					for _, part := range [][][]int32{bs[:k], bs[k:]} {
						l, a, err := m.TrainSteps(part)
						if err != nil {
							t.Fatal(err)
						}
						losses, accs = append(losses, l...), append(accs, a...)
					}
				}
				w, _, err := m.FirstLayer()
				if err != nil {
					t.Fatal(err)
				}
				l, _, err := m.Evaluate(TestSplit)
				if err != nil {
					t.Fatal(err)
				}
				return append(losses, l), accs, w
			}
			l1, a1, w1 := run(1)
			lk, ak, wk := run(k)
			if len(l1) != 9 || !slices.Equal(l1, lk) {
				t.Errorf("losses with %d steps a call differ from single steps:\n%v\n%v", k, lk, l1)
			}
			if !slices.Equal(a1, ak) {
				t.Errorf("accuracies with %d steps a call differ:\n%v\n%v", k, ak, a1)
			}
			if !slices.Equal(w1, wk) {
				t.Errorf("first-layer weights with %d steps a call differ from single steps", k)
			}
		})
	}
}
