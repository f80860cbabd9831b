# rethink: make run (the app), make test (all tests). Both set up the native parts first.
SHELL := /bin/bash
# The TensorFlow build, CPU or CUDA, is the one scripts/setup remembers (scripts/setup --gpu or
# --cpu); make RETHINK_GPU=1 ... (or 0) picks one for a single command without remembering it.
SETUP := RETHINK_GPU=$(RETHINK_GPU) scripts/setup
TF_DIR := $(shell $(SETUP) --print-dir)
export CGO_CFLAGS := -I$(TF_DIR)/include
export CGO_LDFLAGS := -L$(TF_DIR)/lib -Wl,-rpath,$(TF_DIR)/lib
export TF_CPP_MIN_LOG_LEVEL ?= 2
# TensorFlow's oneDNN kernels, as bin/rethink turns them on (tfgraph/env.go): tests run what ships.
export TF_ENABLE_ONEDNN_OPTS ?= 1
TAGS := migrated_fynedo
GO ?= go

.PHONY: all setup build run test screenshots bench bench-step bench-workers package clean check-gpu print-tf-dir

all: build

setup:
	@$(SETUP)

# The library folder this make uses (for scripts and tests).
print-tf-dir:
	@echo $(TF_DIR)

# Not in CI: installs the real CUDA build (2.4 GB) into a temporary cache and shows, on a machine
# without a GPU, TensorFlow's loader opening the CUDA libraries from it, with a stand-in
# libcuda.so.1 that it builds (tfgraph/testdata/fakecuda.c). KEEP=1 keeps the cache; GPU_CACHE=dir
# reuses one.
check-gpu:
	scripts/check-gpu

# bin/rethink: the headless commands, no GUI toolkit; bin/rethink-app: the desktop app, which
# bin/rethink starts when it gets no arguments.
build: setup
	$(GO) build -tags $(TAGS) -o bin/rethink .
	$(GO) build -tags $(TAGS) -o bin/rethink-app ./app/rethink-app

# With a display, the app; without one, the quick Figure 1a preset headless. ARGS=... passes a command.
run: build
	@if [ -n "$(ARGS)" ]; then bin/rethink $(ARGS); \
	elif [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then bin/rethink; \
	else echo "no display: running the quick Figure 1a preset headless (bin/rethink demo)"; bin/rethink demo; fi

# The real app window under a bare Xvfb (1280x800), driven through its main views with small
# real runs (bin/rethink-app-tour tour: the tour build tag), one PNG a view in shots/1280x800/,
# then the views without runs at 1024x640 in shots/1024x640/. About five minutes on 2 cores.
# Needs Xvfb and xvfb-run (Debian: xvfb) and ImageMagick's import (Debian: imagemagick).
screenshots: build
	@command -v xvfb-run >/dev/null && command -v import >/dev/null || { \
		echo "make screenshots needs xvfb-run and import: sudo apt-get install -y xvfb imagemagick"; exit 1; }
	$(GO) build -tags "$(TAGS) tour" -o bin/rethink-app-tour ./app/rethink-app
	mkdir -p shots/1280x800 shots/1024x640
	xvfb-run -a -s "-screen 0 1280x800x24" bin/rethink-app-tour tour shots/1280x800
	xvfb-run -a -s "-screen 0 1024x640x24" bin/rethink-app-tour tour --no-training --size 1024x640 shots/1024x640
	@ls shots/*/*.png

test: setup
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -race -timeout 45m ./...

# rethink against Keras and PyTorch on this machine (bench/): prints the table, writes results/bench/.
# The peers' Python environments are made under the cache on first use (bench/setup-peers). BENCH_ARGS=-quick
# checks the pipeline in a few minutes; see go run ./bench -h.
bench: setup
	bench/setup-peers
	$(GO) build -o bin/rethink-bench ./bench
	bin/rethink-bench $(BENCH_ARGS)

# One training step of each model, as a Go benchmark (no peers).
bench-step: setup
	$(GO) test -tags $(TAGS) -run '^$$' -bench 'TrainStep' -benchtime 3s ./tfgraph/

# The MLP step in process and on a loopback worker (rethink serve), then sweep wall time on 1 and 2 local workers.
bench-workers: build
	$(GO) test -tags $(TAGS) -run '^$$' -bench 'WorkerStep' -benchtime 40x -count 3 ./tfgraph/
	scripts/measure-workers bin/rethink

# An installable archive for Linux (fyne.io/tools) of the desktop app (its metadata:
# app/rethink-app/FyneApp.toml).
package: setup
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package -os linux -tags $(TAGS) --release --src app/rethink-app
	@ls -la *.tar.xz

clean:
	rm -rf bin
