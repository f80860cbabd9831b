package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"rethink/tfgraph"
)

// workerFlags are the flags every worker takes, rethink's and the peers' (peers/common.py).
type workerFlags struct {
	model, mode, data                      string
	device                                 string // rethink's device: cpu or gpu (peers run on the CPU)
	batch, threads, warmup, windows, steps int
	size, height, width, channels          int
	maxEpochs                              int
	lr, momentum                           float64
	seed                                   uint64
}

func (w *workerFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&w.model, "model", "", "inception, alexnet or mlp")
	fs.StringVar(&w.mode, "mode", "throughput", "throughput, fit or matmul")
	fs.StringVar(&w.device, "device", "cpu", "cpu or gpu (rethink's worker only)")
	fs.StringVar(&w.data, "data", "", "folder with images.f32 and labels.i32 (fit)")
	fs.IntVar(&w.batch, "batch", 128, "batch size")
	fs.IntVar(&w.threads, "threads", 2, "TensorFlow intra- and inter-op threads")
	fs.IntVar(&w.warmup, "warmup", 3, "steps before the first window")
	fs.IntVar(&w.windows, "windows", 5, "timed windows")
	fs.IntVar(&w.steps, "steps", 10, "steps per window (matmul: products per window)")
	fs.IntVar(&w.size, "size", 1024, "images in memory (throughput); matrix side (matmul)")
	fs.IntVar(&w.height, "height", 28, "image height")
	fs.IntVar(&w.width, "width", 28, "image width")
	fs.IntVar(&w.channels, "channels", 3, "image channels")
	fs.IntVar(&w.maxEpochs, "max-epochs", 200, "give up fitting after this many epochs")
	fs.Float64Var(&w.lr, "lr", 0.01, "learning rate")
	fs.Float64Var(&w.momentum, "momentum", 0.9, "momentum")
	fs.Uint64Var(&w.seed, "seed", 1, "seed")
}

// args renders the flags for a peer worker (the same names).
func (w workerFlags) args() []string {
	return []string{"--model", w.model, "--mode", w.mode, "--batch", fmt.Sprint(w.batch),
		"--threads", fmt.Sprint(w.threads), "--warmup", fmt.Sprint(w.warmup), "--windows", fmt.Sprint(w.windows),
		"--steps", fmt.Sprint(w.steps), "--size", fmt.Sprint(w.size), "--height", fmt.Sprint(w.height),
		"--width", fmt.Sprint(w.width), "--channels", fmt.Sprint(w.channels), "--max-epochs", fmt.Sprint(w.maxEpochs),
		"--lr", fmt.Sprint(w.lr), "--momentum", fmt.Sprint(w.momentum), "--seed", fmt.Sprint(w.seed),
		"--data", w.data}
}

// runWorker is rethink's worker: the same work as peers/*.py, through tfgraph as the app runs it
// (data in graph variables, one Session.Run per step fed with the batch's indices, loss and
// correct count fetched).
func runWorker(argv []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	var w workerFlags
	w.register(fs)
	if err := fs.Parse(argv); err != nil {
		return err
	}
	switch w.mode {
	case "throughput":
		return workerThroughput(w)
	case "fit":
		return workerFit(w)
	case "matmul":
		return workerMatMul(w)
	}
	return fmt.Errorf("worker: mode %q: want throughput, fit or matmul", w.mode)
}

// architecture is the network of a short name of tfgraph's model table.
func architecture(name string) (tfgraph.Architecture, error) {
	m, err := tfgraph.PaperModelByID(name)
	return m.Arch, err
}

func newModel(w workerFlags, train tfgraph.Data) (*tfgraph.Model, error) {
	arch, err := architecture(w.model)
	if err != nil {
		return nil, err
	}
	m, err := tfgraph.New(tfgraph.Spec{Arch: arch, Height: int64(w.height), Width: int64(w.width),
		Channels: int64(w.channels), Classes: 10, TrainSize: int64(len(train.Labels)), Batch: int64(w.batch),
		Momentum: w.momentum, Seed: int64(w.seed), Device: tfgraph.Device(w.device), Threads: w.threads})
	if err != nil {
		return nil, err
	}
	if err := m.Upload(train, tfgraph.Data{}); err != nil {
		m.Close()
		return nil, err
	}
	if err := m.SetLearningRate(w.lr); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func workerThroughput(w workerFlags) error {
	rng := rand.New(rand.NewPCG(w.seed, 2))
	per := w.height * w.width * w.channels
	train := tfgraph.Data{Images: make([]float32, w.size*per), Labels: make([]int32, w.size)}
	for i := range train.Images {
		train.Images[i] = rng.Float32()
	}
	for i := range train.Labels {
		train.Labels[i] = int32(rng.IntN(10))
	}
	m, err := newModel(w, train)
	if err != nil {
		return err
	}
	defer m.Close()
	idx := make([]int32, w.batch)
	step := func() error {
		for i := range idx {
			idx[i] = int32(rng.IntN(w.size))
		}
		_, _, err := m.TrainStep(idx)
		return err
	}
	if err := timeWindows(w, step, func(i int, sec float64) {
		emit(map[string]any{"window": i, "images_per_s": float64(w.steps*w.batch) / sec})
	}); err != nil {
		return err
	}
	emit(map[string]any{"done": true, "framework": "rethink", "version": "rethink, TensorFlow " + tfgraph.Version(),
		"params": m.Params(), "device": m.Device()})
	return nil
}

// timeWindows runs step w.warmup times untimed, then w.windows windows of w.steps steps each,
// and reports every window's wall time in seconds.
func timeWindows(w workerFlags, step func() error, report func(window int, seconds float64)) error {
	for range w.warmup {
		if err := step(); err != nil {
			return err
		}
	}
	for i := range w.windows {
		t0 := time.Now()
		for range w.steps {
			if err := step(); err != nil {
				return err
			}
		}
		report(i, time.Since(t0).Seconds())
	}
	return nil
}

// workerFit trains on the driver's subset until the whole training set is classified right
// (evaluated after every epoch in inference mode, as the peers do), and reports each epoch.
func workerFit(w workerFlags) error {
	train, err := readFitData(w.data, w.height*w.width*w.channels)
	if err != nil {
		return err
	}
	m, err := newModel(w, train)
	if err != nil {
		return err
	}
	defer m.Close()
	rng := rand.New(rand.NewPCG(w.seed, 3))
	n := len(train.Labels)
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	t0 := time.Now()
	for epoch := 1; epoch <= w.maxEpochs; epoch++ {
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for i := 0; i < n; i += w.batch {
			if _, _, err := m.TrainStep(perm[i:min(i+w.batch, n)]); err != nil {
				return err
			}
		}
		_, acc, err := m.Evaluate(tfgraph.TrainSplit)
		if err != nil {
			return err
		}
		emit(map[string]any{"epoch": epoch, "train_acc": acc, "seconds": time.Since(t0).Seconds()})
		if acc >= 1 {
			break
		}
	}
	emit(map[string]any{"done": true, "framework": "rethink", "version": "rethink, TensorFlow " + tfgraph.Version(),
		"params": m.Params(), "device": m.Device()})
	return nil
}

// writeFitData writes images (N*per float32, NHWC) and labels as little-endian raw files into dir,
// for every worker to read the same subset.
func writeFitData(dir string, d tfgraph.Data) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	img := make([]byte, 0, 4*len(d.Images))
	for _, v := range d.Images {
		img = binary.LittleEndian.AppendUint32(img, math.Float32bits(v))
	}
	lab := make([]byte, 0, 4*len(d.Labels))
	for _, l := range d.Labels {
		lab = binary.LittleEndian.AppendUint32(lab, uint32(l))
	}
	if err := os.WriteFile(filepath.Join(dir, "images.f32"), img, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "labels.i32"), lab, 0o644)
}

func readFitData(dir string, per int) (tfgraph.Data, error) {
	if dir == "" {
		return tfgraph.Data{}, errors.New("worker: --data is needed with --mode fit")
	}
	img, err := os.ReadFile(filepath.Join(dir, "images.f32"))
	if err != nil {
		return tfgraph.Data{}, err
	}
	lab, err := os.ReadFile(filepath.Join(dir, "labels.i32"))
	if err != nil {
		return tfgraph.Data{}, err
	}
	n := len(lab) / 4
	if len(lab)%4 != 0 || len(img) != 4*n*per {
		return tfgraph.Data{}, fmt.Errorf("worker: %s: %d image bytes and %d label bytes do not hold images of %d values", dir, len(img), len(lab), per)
	}
	d := tfgraph.Data{Images: make([]float32, n*per), Labels: make([]int32, n)}
	for i := range d.Images {
		d.Images[i] = math.Float32frombits(binary.LittleEndian.Uint32(img[4*i:]))
	}
	for i := range d.Labels {
		d.Labels[i] = int32(binary.LittleEndian.Uint32(lab[4*i:]))
	}
	return d, nil
}
