package tfgraph

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	tf "github.com/wamuir/graft/tensorflow"
	pb "github.com/wamuir/graft/tensorflow/core/protobuf/for_core_protos_go_proto"
	"github.com/wamuir/graft/tensorflow/op"
	"google.golang.org/protobuf/proto"
)

// TensorFlow's gRPC server has no handshake of its own. A rethink worker publishes its version
// in a resource variable of the server (container "rethink", shared name "version", a string
// on its CPU) that outlives the session that set it; a client reads it through a graph naming
// the same resource before it runs anything there. Training sessions isolate their state
// (ConfigProto.isolate_session_state), so runs never see each other's variables nor this one.
const (
	versionContainer  = "rethink"
	versionSharedName = "version"
)

// RemoteTimeout is the default bound of every call a model makes to its worker (TensorFlow's
// operation_timeout_in_ms; see Spec.Timeout): a training step, an evaluation batch, the data
// upload. TensorFlow's client retries a worker that stopped answering, or died, until this
// passes, so it is also how long a lost worker takes to be noticed.
const RemoteTimeout = 5 * time.Minute

// ErrWorker is wrapped by the errors of workers that cannot be reached or refuse a client: no
// server at the address, not a rethink worker, or another version.
var ErrWorker = errors.New("tfgraph: worker unusable")

// remoteSessionOptions is the session config for a worker at target: isolated state (or the
// server's shared state, for the version), a timeout on every call, soft placement.
func remoteSessionOptions(target string, isolate bool, timeout time.Duration) (*tf.SessionOptions, error) {
	// The RPC path even to a server in this process (tests, benchmarks), as to any other.
	cfg := &pb.ConfigProto{AllowSoftPlacement: true, IsolateSessionState: isolate,
		OperationTimeoutInMs: max(timeout.Milliseconds(), 1),
		RpcOptions:           &pb.RPCOptions{UseRpcForInprocessMaster: true}}
	b, err := proto.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: session config: %w", err)
	}
	return &tf.SessionOptions{Target: target, Config: b}, nil
}

// versionGraph builds the graph that reads and (when value is not "") writes the version
// resource, pinned to the worker's CPU.
func versionGraph(value string) (g *tf.Graph, read tf.Output, write *tf.Operation, err error) {
	s := op.NewScope().WithDevice("/job:" + WorkerJob + "/replica:0/task:0/device:CPU:0")
	h := op.VarHandleOp(s, tf.String, tf.ScalarShape(), op.VarHandleOpContainer(versionContainer),
		op.VarHandleOpSharedName(versionSharedName))
	read = op.ReadVariableOp(s.SubScope("read"), h, tf.String)
	if value != "" {
		write = op.AssignVariableOp(s.SubScope("write"), h, op.Const(s.SubScope("value"), value))
	}
	g, err = s.Finalize()
	return g, read, write, err
}

// PublishVersion stores version in the server at target (normally this process's own server,
// just started), for WorkerVersion to read.
func PublishVersion(target, version string) error {
	g, _, write, err := versionGraph(version)
	if err != nil {
		return fmt.Errorf("tfgraph: version graph: %w", err)
	}
	opts, err := remoteSessionOptions(target, false, time.Minute)
	if err != nil {
		return err
	}
	sess, err := tf.NewSession(g, opts)
	if err != nil {
		return fmt.Errorf("tfgraph: publish version: %w", err)
	}
	defer sess.Close()
	if _, err := sess.Run(nil, nil, []*tf.Operation{write}); err != nil {
		return fmt.Errorf("tfgraph: publish version on %s: %w", target, err)
	}
	return nil
}

// WorkerVersion reads the version a rethink worker at addr (host:port) published, within
// timeout. The errors wrap ErrWorker and say what is wrong: nothing listens there, it does not
// answer, or it is a TensorFlow server that is not a rethink worker.
func WorkerVersion(addr string, timeout time.Duration) (string, error) {
	hostPort := strings.TrimPrefix(addr, "grpc://")
	// TensorFlow's client waits for an absent server until its deadline: a plain TCP connection
	// says at once whether anything listens.
	c, err := net.DialTimeout("tcp", hostPort, timeout)
	if err != nil {
		return "", fmt.Errorf("%w: no worker at %s (%v); start one there with rethink serve --listen %s", ErrWorker, hostPort, err, hostPort)
	}
	c.Close()
	g, read, _, err := versionGraph("")
	if err != nil {
		return "", fmt.Errorf("tfgraph: version graph: %w", err)
	}
	opts, err := remoteSessionOptions(TargetOf(hostPort), false, timeout)
	if err != nil {
		return "", err
	}
	sess, err := tf.NewSession(g, opts)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrWorker, hostPort, err)
	}
	defer sess.Close()
	out, err := sess.Run(nil, []tf.Output{read}, nil)
	switch {
	case err != nil && strings.Contains(err.Error(), "Deadline Exceeded"):
		return "", fmt.Errorf("%w: %s accepts connections but gave no answer within %s: is it a TensorFlow server (rethink serve)?", ErrWorker, hostPort, timeout)
	case err != nil && (strings.Contains(err.Error(), "Could not find") || strings.Contains(err.Error(), "does not exist")):
		return "", fmt.Errorf("%w: %s is a TensorFlow server but not a rethink worker (it published no version); start it with rethink serve", ErrWorker, hostPort)
	case err != nil:
		return "", fmt.Errorf("%w: %s: %v", ErrWorker, hostPort, err)
	}
	v, _ := out[0].Value().(string)
	return v, nil
}

// CheckWorker refuses a worker whose published version is not want, in words that name both.
func CheckWorker(addr, want string, timeout time.Duration) error {
	got, err := WorkerVersion(addr, timeout)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%w: %s runs %s, this program is %s: run the same rethink build with the same TensorFlow on every machine", ErrWorker, addr, got, want)
	}
	return nil
}

// WorkerDevices lists the devices a worker at target offers (each named
// "/job:worker/replica:0/task:0/device:TYPE:N").
func WorkerDevices(target string, timeout time.Duration) ([]DeviceInfo, error) {
	s := op.NewScope()
	op.NoOp(s)
	g, err := s.Finalize()
	if err != nil {
		return nil, err
	}
	opts, err := remoteSessionOptions(TargetOf(target), true, timeout)
	if err != nil {
		return nil, err
	}
	sess, err := tf.NewSession(g, opts)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: session on %s: %w", target, err)
	}
	defer sess.Close()
	devices, err := sess.ListDevices()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: list devices of %s: %w", target, err)
	}
	out := make([]DeviceInfo, len(devices))
	for i, d := range devices {
		out[i] = DeviceInfo{Name: d.Name, Type: d.Type, MemoryBytes: d.MemoryLimitBytes}
	}
	return out, nil
}
