package tfgraph

import (
	"fmt"
	"strings"
	"time"

	tf "github.com/wamuir/graft/tensorflow"
	pb "github.com/wamuir/graft/tensorflow/core/protobuf/for_core_protos_go_proto"
	"github.com/wamuir/graft/tensorflow/op"
	"google.golang.org/protobuf/proto"
)

// Version is the version of the TensorFlow C library in use, e.g. "2.18.1".
func Version() string { return tf.Version() }

// sessionOptions serializes the ConfigProto for a device choice and thread count. "cpu" hides
// every GPU from the session; "auto" and "gpu" leave TensorFlow's placement, which puts ops with
// a GPU kernel on the first GPU when there is one, and set how much GPU memory TensorFlow takes
// (gpuMemory).
func sessionOptions(device string, threads int) (*tf.SessionOptions, error) {
	cfg := &pb.ConfigProto{AllowSoftPlacement: true}
	if device == "cpu" {
		cfg.DeviceCount = map[string]int32{"GPU": 0}
	} else {
		gpu, err := gpuMemory()
		if err != nil {
			return nil, err
		}
		cfg.GpuOptions = gpu
	}
	if threads > 0 {
		cfg.IntraOpParallelismThreads = int32(threads)
		cfg.InterOpParallelismThreads = int32(threads)
	}
	b, err := proto.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: session config: %w", err)
	}
	return &tf.SessionOptions{Config: b}, nil
}

// openSession opens a session on g, in this process or (target not "") on a worker, and
// reports the devices it sees and the one the model uses.
func openSession(g *tf.Graph, device string, threads int, target string, timeout time.Duration) (*tf.Session, []tf.Device, string, error) {
	opts, err := sessionOptions(device, threads)
	if target != "" {
		if timeout <= 0 {
			timeout = RemoteTimeout
		}
		opts, err = remoteSessionOptions(target, true, timeout)
	}
	if err != nil {
		return nil, nil, "", err
	}
	sess, err := tf.NewSession(g, opts)
	if err != nil {
		if device != "cpu" {
			if b, berr := LoadedBuild(); berr == nil && b.CUDA {
				// A GPU that TensorFlow sees but cannot initialise fails every session
				// ("cudaGetDevice() failed"); the CPU still works.
				noteGPUStartError(err)
				return nil, nil, "", &gpuStartFailed{err: err, why: WhyNoGPU()}
			}
		}
		return nil, nil, "", fmt.Errorf("tfgraph: new session: %w", err)
	}
	devices, err := sess.ListDevices()
	if err != nil {
		sess.Close()
		return nil, nil, "", fmt.Errorf("tfgraph: list devices: %w", err)
	}
	used := pickDevice(devices, device)
	if used == "" {
		sess.Close()
		return nil, nil, "", fmt.Errorf("tfgraph: device %q: TensorFlow sees no GPU (devices: %s): %s Or choose device auto, which falls back to the CPU", device, deviceNames(devices), WhyNoGPU())
	}
	if target != "" && device == "cpu" && pickDevice(devices, "auto") != pickDevice(devices, "cpu") {
		sess.Close()
		return nil, nil, "", fmt.Errorf("tfgraph: device cpu: the worker at %s offers a GPU (%s); to train on its CPU, start it with rethink serve --device cpu", target, deviceNames(devices))
	}
	return sess, devices, used, nil
}

// pickDevice names the device the model runs on: the first GPU unless device is "cpu", else the
// CPU. It returns "" when device is "gpu" and there is none.
func pickDevice(devices []tf.Device, device string) string {
	var cpu, gpu string
	for _, d := range devices {
		switch {
		case d.Type == "GPU" && gpu == "":
			gpu = d.Name
		case d.Type == "CPU" && cpu == "":
			cpu = d.Name
		}
	}
	switch {
	case device != "cpu" && gpu != "":
		return gpu
	case device == "gpu":
		return ""
	}
	return cpu
}

func deviceNames(devices []tf.Device) string {
	names := make([]string, len(devices))
	for i, d := range devices {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

// DeviceInfo describes one device TensorFlow sees.
type DeviceInfo struct {
	Name, Type  string
	MemoryBytes int64
}

// ListDevices returns the devices TensorFlow sees and the one a model with device choice
// "auto" would run on.
func ListDevices() ([]DeviceInfo, string, error) {
	s := op.NewScope()
	op.NoOp(s)
	g, err := s.Finalize()
	if err != nil {
		return nil, "", err
	}
	sess, devices, used, err := openSession(g, "auto", 0, "", 0)
	if err != nil && gpuStartError() != nil {
		// The CUDA build with a GPU it cannot start: list what the CPU session sees;
		// WhyNoGPU says what went wrong.
		sess, devices, used, err = openSession(g, "cpu", 0, "", 0)
	}
	if err != nil {
		return nil, "", err
	}
	defer sess.Close()
	out := make([]DeviceInfo, len(devices))
	for i, d := range devices {
		out[i] = DeviceInfo{Name: d.Name, Type: d.Type, MemoryBytes: d.MemoryLimitBytes}
	}
	return out, used, nil
}

// gpuStartFailed is the error of a session TensorFlow's CUDA build could not start on the GPU:
// it reads as the explanation (which quotes TensorFlow's error) and unwraps to TensorFlow's error.
type gpuStartFailed struct {
	err error
	why string
}

func (e *gpuStartFailed) Error() string { return "tfgraph: new session: " + e.why }
func (e *gpuStartFailed) Unwrap() error { return e.err }
