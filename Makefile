# rethink: make run (the app), make test (all tests). Both set up the native parts first.
SHELL := /bin/bash
TF_DIR := $(shell scripts/setup --print-dir)
export CGO_CFLAGS := -I$(TF_DIR)/include
export CGO_LDFLAGS := -L$(TF_DIR)/lib -Wl,-rpath,$(TF_DIR)/lib
export TF_CPP_MIN_LOG_LEVEL ?= 2
TAGS := migrated_fynedo
GO ?= go

.PHONY: all setup build run test screenshots bench package clean

all: build

setup:
	@scripts/setup

build: setup
	$(GO) build -tags $(TAGS) -o bin/rethink .

# With a display, the app; without one, the quick Figure 1a preset headless. ARGS=... passes a command.
run: build
	@if [ -n "$(ARGS)" ]; then bin/rethink $(ARGS); \
	elif [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then bin/rethink; \
	else echo "no display: running the quick Figure 1a preset headless (bin/rethink demo)"; bin/rethink demo; fi

# The app's main views rendered with Fyne's software driver, from real small runs, into shots/.
screenshots: setup
	RETHINK_SHOTS=$(CURDIR)/shots $(GO) test -tags $(TAGS) -run TestShots -count=1 -timeout 20m ./app/
	@ls shots/*.png

test: setup
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -race -timeout 45m ./...

bench: setup
	$(GO) test -tags $(TAGS) -run '^$$' -bench 'TrainStep' -benchtime 3s ./tfgraph/

# An installable archive for Linux (fyne.io/tools).
package: setup
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package -os linux -tags $(TAGS) --release
	@ls -la *.tar.xz

clean:
	rm -rf bin
