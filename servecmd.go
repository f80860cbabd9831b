package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"rethink/experiments"
	"rethink/tfgraph"
)

// cmdServe is `rethink serve`: a TensorFlow gRPC server in this process that runs, trains and
// evaluates the runs other rethink processes send it (run and sweep with --workers), until
// SIGINT or SIGTERM.
func cmdServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:2222", "host:port to serve on; loopback unless --allow-remote")
	device := fs.String("device", "auto", "auto (a GPU if TensorFlow sees one), cpu (hide the GPUs) or gpu (fail without one)")
	threads := fs.Int("threads", 0, "TensorFlow threads of the worker (0: one per core)")
	allowRemote := fs.Bool("allow-remote", false, "serve on an address other machines can reach (no authentication, no encryption)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if !tfgraph.IsLoopback(*listen) {
		if !*allowRemote {
			return fmt.Errorf("serve --listen %s: not a loopback address. TensorFlow's gRPC server has neither authentication nor encryption: anyone who reaches the port can run any graph on it, including ones that read and write files. Serve on 127.0.0.1 and reach it through an SSH tunnel (see the README), or pass --allow-remote on a private network you trust", *listen)
		}
		fmt.Fprintf(os.Stderr, "WARNING: serving on %s, that is on every interface of this machine (TensorFlow binds 0.0.0.0). TensorFlow's gRPC server has neither authentication nor encryption: anyone who reaches this port can run any graph here, including ones that read and write this machine's files. Use it only on a private network you trust, or serve on 127.0.0.1 behind an SSH tunnel.\n", *listen)
	}
	srv, devs, err := experiments.StartWorker(experiments.WorkerOptions{Listen: *listen, Device: *device, Threads: *threads})
	if err != nil {
		return err
	}
	fmt.Printf("rethink worker: %s\n", experiments.VersionString())
	fmt.Printf("target: %s (clients: --workers %s)\n", srv.Target(), workerAddr(*listen, srv.Target()))
	sort.Slice(devs, func(i, j int) bool { return devs[i].Name < devs[j].Name })
	for _, d := range devs {
		fmt.Printf("  %-4s %s (%d MB)\n", d.Type, d.Name, d.MemoryBytes>>20)
	}
	fmt.Println("serving until Ctrl+C (SIGINT) or SIGTERM")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	// TensorFlow's gRPC server has no clean shutdown (Server.Stop): it ends with the process,
	// which drops the runs under way; their clients continue them elsewhere from a checkpoint.
	fmt.Println("rethink worker: stopped")
	return nil
}

// workerAddr is the address clients give: the listen address, with the port the server took.
func workerAddr(listen, target string) string {
	_, port, err := splitHostPortLoose(target)
	host, _, lerr := splitHostPortLoose(listen)
	if err != nil || lerr != nil {
		return listen
	}
	return host + ":" + port
}
