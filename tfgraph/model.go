package tfgraph

import (
	"errors"
	"fmt"
	"math"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Arch names one of the paper's network families.
type Arch string

const (
	// Inception is the small Inception of the paper's appendix (1,649,402 parameters on 28x28x3).
	Inception Arch = "inception"
	// AlexNet is the small AlexNet of the paper's appendix (1,387,786 parameters on 28x28x3).
	AlexNet Arch = "alexnet"
	// MLP is a multi-layer perceptron with ReLU hidden layers (1x512: 1,209,866; 3x512: 1,735,178).
	MLP Arch = "mlp"
)

// Architecture says which network to build. It is plain data (JSON-serializable).
type Architecture struct {
	Arch Arch `json:"arch"`
	// BatchNorm turns the conv modules' batch norm on (Inception only; the paper's default).
	BatchNorm bool `json:"batch_norm,omitempty"`
	// Hidden holds the MLP's hidden widths, e.g. [512] or [512, 512, 512].
	Hidden []int64 `json:"hidden,omitempty"`
	// Dropout is the drop rate before each fully connected layer after the first (0 = off).
	Dropout float64 `json:"dropout,omitempty"`
	// Width scales AlexNet's widths (64 and 64 channels, 384 and 192 hidden units) by this
	// factor in (0, 1]; 0 means 1, the paper's network. Each width is rounded, at least 1.
	Width float64 `json:"width,omitempty"`
}

// String is a short human name, e.g. "Inception", "Inception w/o BN", "MLP 3x512".
func (a Architecture) String() string {
	switch a.Arch {
	case Inception:
		if a.BatchNorm {
			return "Inception"
		}
		return "Inception w/o BN"
	case AlexNet:
		if a.Width != 0 && a.Width != 1 {
			return fmt.Sprintf("AlexNet x%g", a.Width)
		}
		return "AlexNet"
	case MLP:
		if len(a.Hidden) == 0 {
			return "Softmax regression"
		}
		same := true
		for _, h := range a.Hidden {
			same = same && h == a.Hidden[0]
		}
		if same {
			return fmt.Sprintf("MLP %dx%d", len(a.Hidden), a.Hidden[0])
		}
		parts := make([]string, len(a.Hidden))
		for i, h := range a.Hidden {
			parts[i] = fmt.Sprint(h)
		}
		return "MLP " + strings.Join(parts, "-")
	}
	return string(a.Arch)
}

// Validate reports an unknown architecture or impossible settings.
func (a Architecture) Validate() error {
	switch a.Arch {
	case Inception, AlexNet:
	case MLP:
		for _, h := range a.Hidden {
			if h <= 0 {
				return fmt.Errorf("tfgraph: MLP hidden width %d must be positive", h)
			}
		}
	default:
		return fmt.Errorf("tfgraph: unknown architecture %q (want inception, alexnet or mlp)", a.Arch)
	}
	if !(a.Dropout >= 0 && a.Dropout < 1) { // NaN too
		return fmt.Errorf("tfgraph: dropout rate %g must be in [0, 1)", a.Dropout)
	}
	if a.Width != 0 {
		if a.Arch != AlexNet {
			return fmt.Errorf("tfgraph: width %g is for AlexNet only, not %s (leave it out)", a.Width, a)
		}
		if !(a.Width > 0 && a.Width <= 1) { // NaN too
			return fmt.Errorf("tfgraph: AlexNet width %g must be in (0, 1]: the fraction of the paper's 64 channels and 384, 192 hidden units", a.Width)
		}
	}
	return nil
}

// scaled is n units scaled by the architecture's Width (0 = 1), rounded, at least 1.
func (a Architecture) scaled(n int64) int64 {
	if a.Width == 0 {
		return n
	}
	return max(1, int64(math.Round(float64(n)*a.Width)))
}

// FirstLayer is the variable path of the first layer's weights: [k, k, in, out] for the CNNs,
// [h*w*c, out] for an MLP.
func (a Architecture) FirstLayer() string {
	switch a.Arch {
	case Inception:
		return "conv0/kernel"
	case AlexNet:
		return "conv1/kernel"
	default:
		if len(a.Hidden) == 0 {
			return "logits/weights"
		}
		return "fc1/weights"
	}
}

// Logits adds the network's forward pass on images x [batch, h, w, c] and returns logits
// [batch, classes]. Called once per pass with the same c.Vars, the passes share weights.
func (a Architecture) Logits(c Ctx, x tf.Output, classes int64) tf.Output {
	switch a.Arch {
	case Inception:
		return a.inception(c, x, classes)
	case AlexNet:
		return a.alexnet(c, x, classes)
	default:
		return a.mlp(c, x, classes)
	}
}

// inception follows the table of SPEC.md section 3: 28 -> 14 -> 7, 11 blocks, mean pool, fc 10.
func (a Architecture) inception(c Ctx, x tf.Output, classes int64) tf.Output {
	bn := a.BatchNorm
	h := ConvModule(c.Sub("conv0"), x, 3, 96, 1, bn)
	c.tap("conv0", h)
	for _, m := range []struct {
		name       string
		ch1, ch3   int64
		downsample bool
	}{{"inception1", 32, 32, false}, {"inception2", 32, 48, false}, {"downsample3", 80, 0, true},
		{"inception4", 112, 48, false}, {"inception5", 96, 64, false}, {"inception6", 80, 80, false},
		{"inception7", 48, 96, false}, {"downsample8", 96, 0, true}, {"inception9", 176, 160, false},
		{"inception10", 176, 160, false}} {
		if m.downsample {
			h = DownsampleModule(c.Sub(m.name), h, m.ch1, bn)
		} else {
			h = InceptionModule(c.Sub(m.name), h, m.ch1, m.ch3, bn)
		}
		c.tap(m.name, h)
	}
	h = GlobalMeanPool(c.Sub("pool"), h)
	c.tap("pool", h)
	h = Dropout(c.Sub("dropout"), h, a.Dropout)
	h = Dense(c.Sub("logits"), h, classes, false)
	c.tap("logits", h)
	return h
}

// alexnet: two [conv 5x5 64, ReLU, max-pool 3x3/2, LRN] blocks, then fc 384, 192, classes
// (each width times a.Width when it is set).
func (a Architecture) alexnet(c Ctx, x tf.Output, classes int64) tf.Output {
	h := x
	for i, name := range []string{"conv1", "conv2"} {
		l := c.Sub(name)
		h = AddBias(l, Conv2D(l, h, 5, a.scaled(64), 1))
		if l.S.Err() != nil {
			return tf.Output{}
		}
		h = ReLU(l, h)
		c.tap(name, h)
		h = MaxPool(c.Sub(fmt.Sprintf("pool%d", i+1)), h, 3, 2)
		h = LRN(c.Sub(fmt.Sprintf("norm%d", i+1)), h)
	}
	h = Flatten(c.Sub("flatten"), h)
	h = Dense(c.Sub("fc3"), h, a.scaled(384), true)
	c.tap("fc3", h)
	h = Dropout(c.Sub("dropout3"), h, a.Dropout)
	h = Dense(c.Sub("fc4"), h, a.scaled(192), true)
	c.tap("fc4", h)
	h = Dropout(c.Sub("dropout4"), h, a.Dropout)
	h = Dense(c.Sub("logits"), h, classes, false)
	c.tap("logits", h)
	return h
}

// mlp: flatten, ReLU hidden layers with biases, linear output.
func (a Architecture) mlp(c Ctx, x tf.Output, classes int64) tf.Output {
	h := Flatten(c.Sub("flatten"), x)
	for i, width := range a.Hidden {
		if i > 0 {
			h = Dropout(c.Sub(fmt.Sprintf("dropout%d", i+1)), h, a.Dropout)
		}
		h = Dense(c.Sub(fmt.Sprintf("fc%d", i+1)), h, width, true)
		c.tap(fmt.Sprintf("fc%d", i+1), h)
	}
	if len(a.Hidden) > 0 {
		h = Dropout(c.Sub("dropout_out"), h, a.Dropout)
	}
	h = Dense(c.Sub("logits"), h, classes, false)
	c.tap("logits", h)
	return h
}

// Bounds of the input sizes CountParams takes: a side, and the values of one image (2^31).
const (
	MaxInputSide  = 1 << 16
	MaxInputElems = 1 << 31
)

// withoutStack is err without the Go stack that graft's op.Scope appends to the error of an
// operation it could not add ("... (Stacktrace: goroutine 1 [running]: ..."), which is
// nothing a user can act on.
func withoutStack(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, " (Stacktrace:"); i >= 0 {
		return errors.New(msg[:i])
	}
	return err
}

// CountParams builds the forward pass of a on h x w x c inputs in a scratch graph and returns its
// number of trainable parameters (weights, biases, batch-norm shifts).
func CountParams(a Architecture, h, w, c, classes int64) (int64, error) {
	if err := a.Validate(); err != nil {
		return 0, err
	}
	// TensorFlow aborts the process on a shape whose element count overflows int64, and
	// answers a zero or negative size with an error that carries a Go stack: both are refused.
	if h < 1 || w < 1 || c < 1 || classes < 1 {
		return 0, fmt.Errorf("tfgraph: input %dx%dx%d with %d classes: every size must be at least 1", h, w, c, classes)
	}
	if h > MaxInputSide || w > MaxInputSide || c > MaxInputSide || h*w*c > MaxInputElems {
		return 0, fmt.Errorf("tfgraph: input %dx%dx%d: at most %d a side and %d values an image", h, w, c, MaxInputSide, int64(MaxInputElems))
	}
	root := op.NewScope()
	vs := NewVarStore(root.SubScope("vars"), 1)
	x := op.Placeholder(root.SubScope("images"), tf.Float, op.PlaceholderShape(tf.MakeShape(-1, h, w, c)))
	a.Logits(Ctx{S: root.SubScope("net"), Vars: vs, Training: true}, x, classes)
	if _, err := root.Finalize(); err != nil {
		return 0, fmt.Errorf("tfgraph: build %s on %dx%dx%d images: %w", a, h, w, c, withoutStack(err))
	}
	return vs.Params(), nil
}
