package tfgraph

import "testing"

// The MLP's count follows from its sizes: forward x·W1 and h·W2; backward the two weight
// gradients and the gradient of h, but not the gradient of the input image.
func TestStepFLOPsMLP(t *testing.T) {
	const b, in, hid, out = 128, 28 * 28 * 3, 512, 10
	f, err := StepFLOPs(Architecture{Arch: MLP, Hidden: []int64{hid}}, b, 28, 28, 3, out)
	if err != nil {
		t.Fatal(err)
	}
	fwd := int64(2 * b * (in*hid + hid*out))
	bwd := int64(2 * b * (in*hid + hid*out + hid*out))
	if f.Forward != fwd || f.Backward != bwd {
		t.Errorf("MLP 1x512: got forward %d backward %d, want %d and %d", f.Forward, f.Backward, fwd, bwd)
	}
}

// AlexNet's count follows from its layer sizes, batch 2.
func TestStepFLOPsConv(t *testing.T) {
	f, err := StepFLOPs(Architecture{Arch: AlexNet}, 2, 28, 28, 3, 10)
	if err != nil {
		t.Fatal(err)
	}
	// conv1 5x5x3x64 on 28x28, conv2 5x5x64x64 on 14x14 (after the stride-2 pool), per image.
	conv1 := int64(28 * 28 * 64 * 5 * 5 * 3)
	conv2 := int64(14 * 14 * 64 * 5 * 5 * 64)
	lrn := int64(14*14*64*64 + 7*7*64*64) // the band product of each LRN
	fc := int64(7*7*64*384 + 384*192 + 192*10)
	fwd := 2 * 2 * (conv1 + conv2 + lrn + fc)
	if f.Forward != fwd {
		t.Errorf("AlexNet forward: got %d, want %d", f.Forward, fwd)
	}
	// Backward: every weight gradient, every input gradient except conv1's; the LRN band is a
	// constant, so its product has an input gradient only.
	bwd := 2 * 2 * (conv1 + 2*conv2 + lrn + 2*fc)
	if f.Backward != bwd {
		t.Errorf("AlexNet backward: got %d, want %d (ratio %.3f)", f.Backward, bwd, float64(f.Backward)/float64(bwd))
	}
}

func TestStepFLOPsInception(t *testing.T) {
	f, err := StepFLOPs(Architecture{Arch: Inception, BatchNorm: true}, 128, 28, 28, 3, 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Inception, batch 128: forward %.1f GFLOP, backward %.1f GFLOP", float64(f.Forward)/1e9, float64(f.Backward)/1e9)
	if r := float64(f.Backward) / float64(f.Forward); r < 1.9 || r > 2.0 {
		t.Errorf("backward/forward = %.3f; want just under 2 (all but the first conv's input gradient)", r)
	}
}
