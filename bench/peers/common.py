"""Shared command line and output of the peer workers (Keras, PyTorch) of rethink's benchmark.

A worker is started by `go run ./bench` with the same flags as rethink's own worker. It prints one
JSON object per line on stdout: {"window": i, "images_per_s": v} for each timed window of a
throughput run, {"epoch": e, "train_acc": a, "seconds": t} for each epoch of a fit run, and a last
line {"done": true, ...} with what it ran on. Anything else on stdout or stderr is diagnostics.
"""

import argparse
import json
import os
import sys

import numpy as np

# SPEC.md's constants, shared by both peers so that the three implementations do the same work.
LRN_RADIUS, LRN_BIAS, LRN_ALPHA, LRN_BETA = 4, 1.0, 0.001 / 9, 0.75
BN_EPSILON, BN_MOMENTUM = 1e-3, 0.9
# The small Inception (SPEC.md section 3): ("conv", filters) | ("inception", ch1, ch3) | ("down", ch).
INCEPTION = [("conv", 96), ("inception", 32, 32), ("inception", 32, 48), ("down", 80),
             ("inception", 112, 48), ("inception", 96, 64), ("inception", 80, 80),
             ("inception", 48, 96), ("down", 96), ("inception", 176, 160),
             ("inception", 176, 160)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", choices=["inception", "alexnet", "mlp"], required=True)
    p.add_argument("--mode", choices=["throughput", "fit"], default="throughput")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--warmup", type=int, default=3, help="steps before the first window")
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--steps", type=int, default=10, help="steps per window")
    p.add_argument("--size", type=int, default=1024, help="images in memory (throughput)")
    p.add_argument("--data", help="folder with images.f32 and labels.i32 (fit)")
    p.add_argument("--height", type=int, default=28)
    p.add_argument("--width", type=int, default=28)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--max-epochs", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


def emit(**fields):
    print(json.dumps(fields), flush=True)


def throughput_data(a):
    """Uniform noise images [N, H, W, C] and labels in [0, 10): what is in them does not matter."""
    rng = np.random.default_rng(a.seed)
    x = rng.random((a.size, a.height, a.width, a.channels), dtype=np.float32)
    y = rng.integers(0, 10, a.size).astype(np.int64)
    return x, y


def fit_data(a):
    """The fixed subset written by the driver: float32 NHWC images and int32 labels."""
    if not a.data:
        sys.exit("--data is needed with --mode fit")
    y = np.fromfile(os.path.join(a.data, "labels.i32"), dtype="<i4").astype(np.int64)
    x = np.fromfile(os.path.join(a.data, "images.f32"), dtype="<f4")
    per = a.height * a.width * a.channels
    if x.size != y.size * per:
        sys.exit(f"{a.data}: {x.size} values for {y.size} labels of {a.height}x{a.width}x{a.channels}")
    return x.reshape(y.size, a.height, a.width, a.channels), y
