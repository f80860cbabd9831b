# rethink: make run (the app), make test (all tests). Both set up the native parts first.
SHELL := /bin/bash
TF_DIR := $(shell scripts/setup --print-dir)
export CGO_CFLAGS := -I$(TF_DIR)/include
export CGO_LDFLAGS := -L$(TF_DIR)/lib -Wl,-rpath,$(TF_DIR)/lib
export TF_CPP_MIN_LOG_LEVEL ?= 2
TAGS := migrated_fynedo
GO ?= go

.PHONY: all setup build run test vet lint bench clean

all: build

setup:
	@scripts/setup

build: setup
	$(GO) build -tags $(TAGS) -o bin/rethink .

# With a display, the app; without one (or until the app lands), the quick Figure 1a preset.
run: build
	@if [ -z "$(ARGS)" ] && [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then bin/rethink demo; else bin/rethink $(or $(ARGS),demo); fi

test: setup
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -race -timeout 45m ./...

bench: setup
	$(GO) test -tags $(TAGS) -run '^$$' -bench 'TrainStep' -benchtime 3s ./tfgraph/

clean:
	rm -rf bin
