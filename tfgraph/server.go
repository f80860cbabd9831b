package tfgraph

// #cgo LDFLAGS: -ltensorflow
// #include <stdlib.h>
// #include "tensorflow/c/c_api.h"
import "C"

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	pb "github.com/wamuir/graft/tensorflow/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// WorkerJob is the job name of every rethink worker: a one-task cluster, task 0.
const WorkerJob = "worker"

// Server is an in-process TensorFlow gRPC server (the C API's TF_NewServer): a master and a
// worker that run the graphs of sessions opened with Target "grpc://host:port". Its methods
// may be called from any goroutine, but not concurrently with Delete.
type Server struct {
	c      *C.TF_Server
	target string
}

// ServerOptions configure NewServer.
type ServerOptions struct {
	// Listen is host:port. Port 0 takes a free port (see Server.Target for the one taken).
	Listen string
	// Device is "auto" or "gpu" (the worker offers its GPUs) or "cpu" (it hides them).
	Device string
	// Threads bounds the worker's intra-op and inter-op thread pools (0: TensorFlow's default,
	// one per core).
	Threads int
}

// NewServer creates a server for a one-task cluster: job "worker", task 0, at opts.Listen,
// protocol "grpc". It does not serve until Start.
func NewServer(opts ServerOptions) (*Server, error) {
	host, port, err := splitHostPort(opts.Listen)
	if err != nil {
		return nil, err
	}
	if port == 0 {
		// TensorFlow's server names its target after the cluster address, so a free port is
		// chosen here, not by gRPC.
		if port, err = freePort(host); err != nil {
			return nil, err
		}
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	cfg := &pb.ConfigProto{AllowSoftPlacement: true}
	switch opts.Device {
	case "", "auto", "gpu":
	case "cpu":
		cfg.DeviceCount = map[string]int32{"GPU": 0}
	default:
		return nil, fmt.Errorf("tfgraph: server device %q: want auto, cpu or gpu", opts.Device)
	}
	if opts.Threads > 0 {
		cfg.IntraOpParallelismThreads = int32(opts.Threads)
		cfg.InterOpParallelismThreads = int32(opts.Threads)
	}
	def := &pb.ServerDef{
		Cluster: &pb.ClusterDef{Job: []*pb.JobDef{{Name: WorkerJob, Tasks: map[int32]string{0: addr}}}},
		JobName: WorkerJob, TaskIndex: 0, Protocol: "grpc", Port: int32(port),
		DefaultSessionConfig: cfg,
	}
	b, err := proto.Marshal(def)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: server definition: %w", err)
	}
	status := C.TF_NewStatus()
	defer C.TF_DeleteStatus(status)
	cb := C.CBytes(b)
	defer C.free(cb)
	var s *C.TF_Server
	withLoopbackOnly(IsLoopback(addr), func() { s = C.TF_NewServer(cb, C.size_t(len(b)), status) })
	if err := statusErr(status); err != nil {
		return nil, fmt.Errorf("tfgraph: new server at %s: %w", addr, err)
	}
	return &Server{c: s, target: C.GoString(C.TF_ServerTarget(s))}, nil
}

// Start makes the server serve; it returns at once.
func (s *Server) Start() error {
	return s.call("start", func(st *C.TF_Status) { C.TF_ServerStart(s.c, st) })
}

// Target is the address sessions use, "grpc://host:port".
func (s *Server) Target() string { return s.target }

// Stop asks the server to stop serving. TensorFlow 2.18's gRPC server has no clean shutdown
// once started: it answers with an Unimplemented error, and a started server lives until its
// process ends (which is how `rethink serve` stops).
func (s *Server) Stop() error {
	return s.call("stop", func(st *C.TF_Status) { C.TF_ServerStop(s.c, st) })
}

// Join blocks until the server has stopped.
func (s *Server) Join() error {
	return s.call("join", func(st *C.TF_Status) { C.TF_ServerJoin(s.c, st) })
}

// Delete frees a server that was never started. On a started server TensorFlow would try to
// stop it and abort the process (see Stop), so Delete refuses.
func (s *Server) Delete(started bool) error {
	if s.c == nil {
		return nil
	}
	if started {
		return errors.New("tfgraph: a started TensorFlow server cannot be deleted; it ends with its process")
	}
	C.TF_DeleteServer(s.c)
	s.c = nil
	return nil
}

func (s *Server) call(what string, f func(*C.TF_Status)) error {
	if s.c == nil {
		return errors.New("tfgraph: server deleted")
	}
	status := C.TF_NewStatus()
	defer C.TF_DeleteStatus(status)
	f(status)
	if err := statusErr(status); err != nil {
		return fmt.Errorf("tfgraph: server %s: %w", what, err)
	}
	return nil
}

func statusErr(s *C.TF_Status) error {
	if C.TF_GetCode(s) == C.TF_OK {
		return nil
	}
	return errors.New(C.GoString(C.TF_Message(s)))
}

// splitHostPort checks a listen address host:port.
func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("tfgraph: listen address %q: want host:port, e.g. 127.0.0.1:2222", addr)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("tfgraph: listen address %q: port must be a number in [0, 65535]", addr)
	}
	if host == "" {
		return "", 0, fmt.Errorf("tfgraph: listen address %q: name the host (127.0.0.1 for this machine only)", addr)
	}
	return host, port, nil
}

// freePort asks the kernel for a free TCP port on host.
func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("tfgraph: find a free port on %s: %w", host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// IsLoopback reports whether the host of a host:port address is a loopback address or
// "localhost".
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TargetOf turns a worker address host:port (or an already full target) into a session
// target "grpc://host:port".
func TargetOf(worker string) string {
	if strings.Contains(worker, "://") {
		return worker
	}
	return "grpc://" + worker
}
