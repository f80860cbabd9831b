package tfgraph

import (
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkWorkerStep measures the MLP 1x512's SGD step (batch 128, 28x28x3; the most
// latency-bound model) in this process and on a worker reached through gRPC on the loopback
// address (a server in this process, contacted through the RPC stack as a worker in another
// process would be), side by side: the difference is the per-step cost of a worker.
func BenchmarkWorkerStep(b *testing.B) {
	arch := Architecture{Arch: MLP, Hidden: []int64{512}}
	for _, where := range []string{"in-process", "worker"} {
		b.Run(where, func(b *testing.B) {
			const n = 1024
			spec := Spec{Arch: arch, Height: 28, Width: 28, Channels: 3, Classes: 10, TrainSize: n,
				Batch: 128, Momentum: 0.9, Seed: 1, Device: "auto", Threads: 2}
			if where == "worker" {
				spec.Target = sharedServer(b).Target()
			}
			m := newModel(b, spec, noise(n, 28, 28, 3, 10, 1), Data{})
			if err := m.SetLearningRate(0.01); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 1))
			idx := make([]int32, 128)
			for i := range idx {
				idx[i] = int32(rng.IntN(n))
			}
			for range 5 { // warm-up: graph optimization, allocations, the connection
				if _, _, err := m.TrainStep(idx); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for range b.N {
				if _, _, err := m.TrainStep(idx); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(128/sec, "images/s")
			b.ReportMetric(1000*sec, "ms/step")
		})
	}
}

// BenchmarkWorkerStepOverhead alternates windows of 24 MLP steps in this process (one call a
// step), on the loopback worker with one call a step, and on the worker with StepsForCall steps
// a call (what runs on workers use), so that all three see the same machine load, and reports the
// median ratio of each worker window to the in-process window beside it, as a percentage
// overhead: overhead-% for one call a step, overhead-batched-% for several.
func BenchmarkWorkerStepOverhead(b *testing.B) {
	arch := Architecture{Arch: MLP, Hidden: []int64{512}}
	const n, window = 1024, 24
	spec := Spec{Arch: arch, Height: 28, Width: 28, Channels: 3, Classes: 10, TrainSize: n,
		Batch: 128, Momentum: 0.9, Seed: 1, Device: "auto", Threads: 2}
	f, err := StepFLOPs(arch, spec.Batch, spec.Height, spec.Width, spec.Channels, spec.Classes)
	if err != nil {
		b.Fatal(err)
	}
	k := StepsForCall(f)
	if window%k != 0 {
		b.Fatalf("StepsForCall = %d does not divide the window of %d steps", k, window)
	}
	local := newModel(b, spec, noise(n, 28, 28, 3, 10, 1), Data{})
	spec.Target = sharedServer(b).Target()
	remote := newModel(b, spec, noise(n, 28, 28, 3, 10, 1), Data{})
	spec.StepsPerCall = k
	batched := newModel(b, spec, noise(n, 28, 28, 3, 10, 1), Data{})
	rng := rand.New(rand.NewPCG(1, 1))
	idx := make([][]int32, k)
	for j := range idx {
		idx[j] = make([]int32, 128)
		for i := range idx[j] {
			idx[j][i] = int32(rng.IntN(n))
		}
	}
	// run returns the wall time and the CPU time of this process (client and server) per step.
	run := func(m *Model) (wall, cpu float64) {
		start, cpu0 := time.Now(), processCPU()
		for range window / m.StepsPerCall() {
			if _, _, err := m.TrainSteps(idx[:m.StepsPerCall()]); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start).Seconds() / window, (processCPU() - cpu0) / window
	}
	for _, m := range []*Model{local, remote, batched} {
		run(m)
	}
	b.ResetTimer()
	var ratios, bratios, ls, rs, bs, lc, rc, bc []float64
	for range b.N {
		l, lcpu := run(local)
		r, rcpu := run(remote)
		bt, bcpu := run(batched)
		ls, rs, bs = append(ls, l), append(rs, r), append(bs, bt)
		ratios, bratios = append(ratios, r/l), append(bratios, bt/l)
		lc, rc, bc = append(lc, lcpu), append(rc, rcpu), append(bc, bcpu)
	}
	b.ReportMetric(float64(k), "steps/call")
	b.ReportMetric(1000*median(ls), "ms/step-in-process")
	b.ReportMetric(1000*median(rs), "ms/step-worker")
	b.ReportMetric(1000*median(bs), "ms/step-worker-batched")
	b.ReportMetric(100*(median(ratios)-1), "overhead-%")
	b.ReportMetric(100*(median(bratios)-1), "overhead-batched-%")
	b.ReportMetric(1000*median(lc), "cpu-ms/step-in-process")
	b.ReportMetric(1000*median(rc), "cpu-ms/step-worker")
	b.ReportMetric(1000*median(bc), "cpu-ms/step-worker-batched")
}

// processCPU is the user and system CPU time of this process so far, in seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
