// Command bench compares rethink's training speed with Keras and PyTorch on the same machine, in
// one invocation, alternating between the three (`make bench`).
//
// It measures, for the small Inception, small AlexNet and MLP 1x512 of SPEC.md on 28x28x3 inputs,
// batch 128, SGD with momentum and the same number of threads: training images/s (the median of
// several timed windows after a warm-up, pooled over rounds in which the order of the three
// rotates). Then the wall time to fit random labels on a fixed 2,000-image MNIST subset (MLP 1x512
// and AlexNet). Then the limit: the FLOPs of one Inception training step (tfgraph.StepFLOPs)
// divided by its time, against the GFLOP/s of a large float32 matrix product in TensorFlow.
//
// Each measurement runs in a fresh process: this binary re-executed as `bench worker`, or the
// Python workers in bench/peers run by the interpreters of the virtual environments that
// bench/setup-peers makes under the cache (~/.cache/rethink/peers, or $RETHINK_CACHE/peers). The
// workers speak one JSON object per line on stdout (see peers/common.py). The table is printed
// and written, with every window, to results/bench/ (-out).
package main
