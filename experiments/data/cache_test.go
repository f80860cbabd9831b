package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoad_CIFAR10(t *testing.T) {
	resetCache()
	t.Cleanup(resetCache)
	c := newTinyCIFAR(2)
	dir := t.TempDir()
	writeTinyCIFAR(t, c, dir)

	// Concurrent loads share one decoded data set.
	const callers = 8
	results := make([]*Dataset, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds, err := Load(context.Background(), Source{Name: "CIFAR-10", Dir: dir})
			if err != nil {
				t.Errorf("Load: %v", err)
			}
			results[i] = ds
		}()
	}
	wg.Wait()
	for i, ds := range results {
		if ds == nil || ds != results[0] {
			t.Fatalf("caller %d got %p, want the shared %p", i, ds, results[0])
		}
	}
	checkTinyCIFAR(t, results[0], c)
	again, err := Load(context.Background(), Source{Name: CIFAR10Name, Dir: dir + "/"})
	if err != nil || again != results[0] {
		t.Errorf("Load again = %p, %v, want the cached %p", again, err, results[0])
	}
}

func TestLoad_Errors(t *testing.T) {
	resetCache()
	t.Cleanup(resetCache)
	empty := t.TempDir()
	t.Setenv("RETHINK_DATA", empty)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := map[string]struct {
		ctx     context.Context
		src     Source
		wantErr error
		want    string
	}{
		"unknown name":      {context.Background(), Source{Name: "imagenet"}, ErrUnknownDataset, "imagenet"},
		"cifar10 absent":    {context.Background(), Source{Name: CIFAR10Name}, ErrNotFound, "rethink data download cifar10"},
		"cifar10 folder":    {context.Background(), Source{Name: CIFAR10Name, Dir: filepath.Join(empty, "x")}, ErrNotFound, "pick the cifar-10-batches-bin folder"},
		"fashion absent":    {context.Background(), Source{Name: FashionMNISTName, Dir: empty}, ErrNotFound, "apt-get install dataset-fashion-mnist"},
		"cancelled context": {cancelled, Source{Name: MNISTName}, context.Canceled, "mnist"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Load(tt.ctx, tt.src)
			if got, want := errors.Is(err, tt.wantErr), true; got != want {
				t.Fatalf("errors.Is(%v, %v) = %v, want %v", err, tt.wantErr, got, want)
			}
			if got, want := err.Error(), tt.want; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
		})
	}

	// A failed load is not cached: once the files are there, Load succeeds.
	writeTinyCIFAR(t, newTinyCIFAR(1), empty)
	if _, err := Load(context.Background(), Source{Name: CIFAR10Name}); err != nil {
		t.Errorf("Load after the files appeared: %v", err)
	}
	if _, err := os.Stat(filepath.Join(empty, CIFAR10BatchesDir)); err != nil {
		t.Fatal(err)
	}
}
