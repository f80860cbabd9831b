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

// BenchmarkWorkerStepOverhead alternates windows of 20 MLP steps in this process and on the
// loopback worker, so that both see the same machine load, and reports the median ratio of a
// worker window to the in-process window beside it, as a percentage overhead.
func BenchmarkWorkerStepOverhead(b *testing.B) {
	arch := Architecture{Arch: MLP, Hidden: []int64{512}}
	const n = 1024
	spec := Spec{Arch: arch, Height: 28, Width: 28, Channels: 3, Classes: 10, TrainSize: n,
		Batch: 128, Momentum: 0.9, Seed: 1, Device: "auto", Threads: 2}
	local := newModel(b, spec, noise(n, 28, 28, 3, 10, 1), Data{})
	spec.Target = sharedServer(b).Target()
	remote := newModel(b, spec, noise(n, 28, 28, 3, 10, 1), Data{})
	rng := rand.New(rand.NewPCG(1, 1))
	idx := make([]int32, 128)
	for i := range idx {
		idx[i] = int32(rng.IntN(n))
	}
	// window returns the wall time and the CPU time of this process (client and server) per step.
	window := func(m *Model) (wall, cpu float64) {
		start, cpu0 := time.Now(), processCPU()
		for range 20 {
			if _, _, err := m.TrainStep(idx); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start).Seconds() / 20, (processCPU() - cpu0) / 20
	}
	window(local)
	window(remote)
	b.ResetTimer()
	var ratios, ls, rs, lc, rc []float64
	for range b.N {
		l, lcpu := window(local)
		r, rcpu := window(remote)
		ls, rs, ratios = append(ls, l), append(rs, r), append(ratios, r/l)
		lc, rc = append(lc, lcpu), append(rc, rcpu)
	}
	b.ReportMetric(1000*median(ls), "ms/step-in-process")
	b.ReportMetric(1000*median(rs), "ms/step-worker")
	b.ReportMetric(100*(median(ratios)-1), "overhead-%")
	b.ReportMetric(1000*median(lc), "cpu-ms/step-in-process")
	b.ReportMetric(1000*median(rc), "cpu-ms/step-worker")
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
