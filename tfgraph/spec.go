package tfgraph

import (
	"fmt"
	"math"
	"time"
)

// Spec says everything needed to build a training graph. It is plain data.
type Spec struct {
	Arch Architecture
	// Height, Width and Channels are the size of the images the network sees (after any crop).
	Height, Width, Channels int64
	Classes                 int64
	// TrainSize and TestSize are the number of images uploaded into the graph.
	TrainSize, TestSize int64
	// Batch is the training batch size; EvalBatch the batch of evaluation passes (0: 500).
	Batch, EvalBatch int64
	// Momentum of SGD (the paper: 0.9); WeightDecay is the L2 coefficient (0 = off).
	Momentum, WeightDecay float64
	// ClipNorm, when above 0, clips the gradients of each step (of the loss with weight decay)
	// to this global L2 norm before the momentum update (see MomentumClipped); 0: no clipping.
	ClipNorm float64
	Augment  Augment
	// Seed makes initial weights, dropout and crops reproducible.
	Seed int64
	// Device is where the model runs ("": auto).
	Device Device
	// Threads bounds TensorFlow's intra-op and inter-op thread pools (0: TensorFlow's default).
	Threads int
	// Target is the session target of the TensorFlow server that runs the graph
	// ("grpc://host:port", see Server), "" for this process. On a worker the data, the training
	// and the evaluation stay there, the worker's own thread pools apply (Threads is ignored),
	// and checkpoints are written on this machine.
	Target string
	// Timeout bounds every call to the worker of Target (0: RemoteTimeout). TensorFlow's client
	// waits for a lost worker until it passes: it is how long a killed worker takes to notice.
	Timeout time.Duration
	// StepsPerCall, when above 1, adds to the graph that many copies of the training step run
	// one after the other in one call (see Model.TrainSteps): on a worker every call is a round
	// trip, so a model whose steps are short loses less of its time to them.
	StepsPerCall int
}

// Device says where a model runs: DeviceAuto (a GPU when TensorFlow sees one, else the CPU),
// DeviceCPU or DeviceGPU; "" is DeviceAuto.
type Device string

// The devices a run can ask for.
const (
	DeviceAuto Device = "auto"
	DeviceCPU  Device = "cpu"
	DeviceGPU  Device = "gpu"
)

// Valid reports whether d is one of the devices (or "").
func (d Device) Valid() bool { return d == "" || d == DeviceAuto || d == DeviceCPU || d == DeviceGPU }

func (s *Spec) withDefaults() {
	if s.EvalBatch <= 0 {
		s.EvalBatch = 500
	}
	if s.Device == "" {
		s.Device = "auto"
	}
	if s.Augment.On() {
		if s.Augment.StoredHeight == 0 {
			s.Augment.StoredHeight = s.Height
		}
		if s.Augment.StoredWidth == 0 {
			s.Augment.StoredWidth = s.Width
		}
	}
}

// Validate reports settings that cannot build a graph.
func (s Spec) Validate() error {
	if err := s.Arch.Validate(); err != nil {
		return err
	}
	switch {
	case s.Height <= 0 || s.Width <= 0 || s.Channels <= 0:
		return fmt.Errorf("tfgraph: image size %dx%dx%d must be positive", s.Height, s.Width, s.Channels)
	case s.Classes < 2:
		return fmt.Errorf("tfgraph: %d classes: need at least 2", s.Classes)
	case s.TrainSize <= 0:
		return fmt.Errorf("tfgraph: empty training set")
	case s.Batch <= 0:
		return fmt.Errorf("tfgraph: batch size %d must be positive", s.Batch)
	case !(s.Momentum >= 0 && s.Momentum < 1): // NaN too
		return fmt.Errorf("tfgraph: momentum %g must be in [0, 1)", s.Momentum)
	case !(s.WeightDecay >= 0) || math.IsInf(s.WeightDecay, 1):
		return fmt.Errorf("tfgraph: weight decay %g must not be negative", s.WeightDecay)
	case !(s.ClipNorm >= 0) || math.IsInf(s.ClipNorm, 1):
		return fmt.Errorf("tfgraph: gradient clip norm %g must be a finite number, not negative (0: off)", s.ClipNorm)
	case !s.Device.Valid():
		return fmt.Errorf("tfgraph: device %q: want auto, cpu or gpu", s.Device)
	}
	a := s.Augment
	if a.On() && (a.StoredHeight < s.Height || a.StoredWidth < s.Width) {
		return fmt.Errorf("tfgraph: stored images %dx%d are smaller than the crop %dx%d", a.StoredHeight, a.StoredWidth, s.Height, s.Width)
	}
	return nil
}

// storedShape is the shape of one uploaded image.
func (s Spec) storedShape() (h, w, c int64) {
	if s.Augment.On() {
		return s.Augment.StoredHeight, s.Augment.StoredWidth, s.Channels
	}
	return s.Height, s.Width, s.Channels
}
