package tfgraph

import (
	"fmt"
	"os"
	"strconv"

	pb "github.com/wamuir/graft/tensorflow/core/protobuf/for_core_protos_go_proto"
)

// GPUMemoryEnv names the setting for how much GPU memory TensorFlow may take: unset or "grow"
// (the default) lets it grow as needed, a fraction in (0, 1] reserves that share of the GPU's
// memory up front. Without it TensorFlow reserves nearly all free GPU memory at the first
// session, and on a laptop the same GPU draws the window. TensorFlow applies the options of the
// first session that uses a GPU to the whole process.
const GPUMemoryEnv = "RETHINK_GPU_MEMORY"

// gpuMemory returns the GPU options GPUMemoryEnv asks for, or an error naming the fix.
func gpuMemory() (*pb.GPUOptions, error) {
	v := os.Getenv(GPUMemoryEnv)
	if v == "" || v == "grow" {
		return &pb.GPUOptions{AllowGrowth: true}, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f <= 1) {
		return nil, fmt.Errorf("tfgraph: %s=%q: want grow, or a fraction of the GPU's memory such as 0.5 (more than 0, at most 1)", GPUMemoryEnv, v)
	}
	return &pb.GPUOptions{PerProcessGpuMemoryFraction: f}, nil
}
