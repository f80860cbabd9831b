package experiments

import (
	"fmt"

	"rethink/tfgraph"
)

// Version is rethink's version.
const Version = "0.1.0"

// VersionString names this build's rethink and TensorFlow versions, as a worker publishes them
// and clients require them: "rethink 0.1.0, TensorFlow 2.18.1".
func VersionString() string {
	return "rethink " + Version + ", TensorFlow " + tfgraph.Version()
}

// WorkerOptions configure StartWorker.
type WorkerOptions struct {
	// Listen is host:port (port 0: a free one).
	Listen string
	// Device is auto, cpu (the worker hides its GPUs) or gpu (it must have one).
	Device string
	// Threads bounds the worker's TensorFlow thread pools (0: one per core).
	Threads int
	// Version is what the worker tells clients ("": VersionString()). Tests set another to
	// see a client refuse it.
	Version string
}

// StartWorker starts a TensorFlow gRPC server in this process, publishes the version for
// clients to check, and returns it serving, with the devices it offers. A started server
// lives until the process ends (TensorFlow has no clean shutdown of it).
func StartWorker(opts WorkerOptions) (*tfgraph.Server, []tfgraph.DeviceInfo, error) {
	if opts.Version == "" {
		opts.Version = VersionString()
	}
	if opts.Device == "" {
		opts.Device = "auto"
	}
	if opts.Threads < 0 || opts.Threads > MaxThreads {
		return nil, nil, fmt.Errorf("experiments: worker threads = %d: want 0 (one per core) to %d", opts.Threads, MaxThreads)
	}
	srv, err := tfgraph.NewServer(tfgraph.ServerOptions{Listen: opts.Listen, Device: opts.Device, Threads: opts.Threads})
	if err != nil {
		return nil, nil, err
	}
	if err := srv.Start(); err != nil {
		srv.Delete(false)
		return nil, nil, err
	}
	devs, err := tfgraph.WorkerDevices(srv.Target(), workerTimeout)
	if err != nil {
		return srv, nil, err
	}
	if opts.Device == "gpu" && !hasGPU(devs) {
		return srv, devs, fmt.Errorf("experiments: serve --device gpu: TensorFlow sees no GPU here (this is the CPU build, or no NVIDIA driver is loaded); run scripts/setup --gpu, or serve --device cpu")
	}
	if err := tfgraph.PublishVersion(srv.Target(), opts.Version); err != nil {
		return srv, devs, err
	}
	return srv, devs, nil
}

func hasGPU(devs []tfgraph.DeviceInfo) bool {
	for _, d := range devs {
		if d.Type == "GPU" {
			return true
		}
	}
	return false
}
