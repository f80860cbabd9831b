package tfgraph

import (
	"strings"
	"testing"
)

func TestCountParams_Paper(t *testing.T) {
	cases := []struct {
		name string
		arch Architecture
		want int64
	}{
		{"Inception", Architecture{Arch: Inception, BatchNorm: true}, 1649402},
		{"Inception w/o BN", Architecture{Arch: Inception}, 1649402},
		{"AlexNet", Architecture{Arch: AlexNet}, 1387786},
		{"MLP 1x512", Architecture{Arch: MLP, Hidden: []int64{512}}, 1209866},
		{"MLP 3x512", Architecture{Arch: MLP, Hidden: []int64{512, 512, 512}}, 1735178},
		// Not the paper's: rethink's baseline, 28*28*3 weights per class and a bias.
		{"Softmax regression", Architecture{Arch: MLP}, 28*28*3*10 + 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CountParams(tc.arch, 28, 28, 3, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("CountParams(%s, 28x28x3) = %d, want %d (the paper's count)", tc.arch, got, tc.want)
			}
			if got, want := tc.arch.String(), tc.name; got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
			if m, ok := PaperModelOf(tc.arch); !ok || m.Params != tc.want {
				t.Errorf("the model table says %d parameters (found %v), want %d", m.Params, ok, tc.want)
			}
		})
	}
}

func TestCountParams_MNISTChangesOnlyFirstLayer(t *testing.T) {
	// 28x28x1 input: the first layer loses 2/3 of its input weights and nothing else changes.
	cases := []struct {
		arch  Architecture
		delta int64
	}{
		{Architecture{Arch: Inception, BatchNorm: true}, 3 * 3 * 2 * 96},
		{Architecture{Arch: AlexNet}, 5 * 5 * 2 * 64},
		{Architecture{Arch: MLP, Hidden: []int64{512}}, 28 * 28 * 2 * 512},
		{Architecture{Arch: MLP}, 28 * 28 * 2 * 10},
	}
	for _, tc := range cases {
		rgb, err := CountParams(tc.arch, 28, 28, 3, 10)
		if err != nil {
			t.Fatal(err)
		}
		gray, err := CountParams(tc.arch, 28, 28, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rgb-gray, tc.delta; got != want {
			t.Errorf("%s: 28x28x3 minus 28x28x1 = %d parameters, want %d", tc.arch, got, want)
		}
	}
}

// TestCountParams_BadInputSizes: rethink models --input 99999999x99999999x3 aborted the
// process inside TensorFlow (a shape that overflows int64), and 0x0x0 or -1x28x3 gave an error
// carrying a Go stack; each is a one-line error now, for every architecture.
func TestCountParams_BadInputSizes(t *testing.T) {
	archs := []Architecture{{Arch: Inception, BatchNorm: true}, {Arch: AlexNet}, {Arch: MLP, Hidden: []int64{8}}}
	for _, a := range archs {
		for _, in := range [][3]int64{{0, 0, 0}, {-1, 28, 3}, {28, 28, 0}, {99999999, 99999999, 3}, {1 << 17, 1, 1}} {
			_, err := CountParams(a, in[0], in[1], in[2], 10)
			if err == nil || strings.Contains(err.Error(), "Stacktrace") || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s on %v: err = %v, want a one-line error", a, in, err)
			}
		}
	}
	if n, err := CountParams(Architecture{Arch: MLP, Hidden: []int64{512}}, 28, 28, 3, 10); err != nil || n != 1209866 {
		t.Errorf("MLP 1x512 on 28x28x3: %d, %v; want 1209866", n, err)
	}
}

// An AlexNet narrowed by Width has every width scaled: at 1/8 on 14x14x1 images it has conv
// 5x5 1->8 and 8->8, then 4x4x8 = 128 features into fc 48, fc 24 and 10 logits.
func TestCountParams_AlexNetWidth(t *testing.T) {
	a := Architecture{Arch: AlexNet, Width: 0.125}
	got, err := CountParams(a, 14, 14, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := int64(5*5*1*8+8) + (5*5*8*8 + 8) + (128*48 + 48) + (48*24 + 24) + (24*10 + 10)
	if got != want {
		t.Errorf("CountParams(%s, 14x14x1) = %d, want %d", a, got, want)
	}
	if s := a.String(); s != "AlexNet x0.125" {
		t.Errorf("String() = %q, want %q", s, "AlexNet x0.125")
	}
	full, err := CountParams(Architecture{Arch: AlexNet, Width: 1}, 28, 28, 3, 10)
	if err != nil || full != 1387786 {
		t.Errorf("AlexNet with width 1: %d parameters (%v), want the paper's 1387786", full, err)
	}
	for _, bad := range []Architecture{{Arch: AlexNet, Width: -0.5}, {Arch: AlexNet, Width: 1.5},
		{Arch: MLP, Hidden: []int64{8}, Width: 0.5}, {Arch: Inception, Width: 0.5}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v validated; want an error naming the width", bad)
		}
	}
}
