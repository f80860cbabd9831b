package data

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
)

// Source names a data set for Load.
type Source struct {
	Name string // "mnist", "fashion-mnist" or "cifar10" (case-insensitive; "cifar-10" and "fashion_mnist" are accepted)
	Dir  string // folder of the files; "" means the default place (for "mnist", the copy embedded in the binary)
}

// cacheEntry is one data set being loaded or loaded. ds and err are written
// once, before done is closed.
type cacheEntry struct {
	done chan struct{}
	ds   *Dataset
	err  error
}

// cache holds the decoded data sets by resolved Source.
var cache = struct {
	sync.Mutex
	m map[Source]*cacheEntry
}{m: map[Source]*cacheEntry{}}

// Load returns the data set spec names, decoding it on first use and keeping
// it in memory for later calls with the same Name and Dir. Concurrent calls
// for the same data set share one decoding. The returned *Dataset is shared:
// treat it as read-only (Apply, CenterCrop, Whiten and Subset return new data).
//
// "mnist" is the copy embedded in the binary or, when Dir is set, the four
// idx files of MNIST's format in Dir (see LoadIDXDir: MNIST itself, or a
// data set in its format such as KMNIST; labels below 10, class names the
// digits). "fashion-mnist" is read from Dir, or from FashionMNISTSystemDir
// when Dir is empty (see FindFashionMNIST). "cifar10" is read from Dir, or
// from DefaultDataDir() when Dir is empty (see LoadCIFAR10); Load never
// downloads: when the files are absent it returns an error wrapping
// ErrNotFound that says how to get them (EnsureCIFAR10 downloads). A Dir
// that is a file gives an error wrapping ErrInvalid, one that cannot be read
// the system's error (fs.ErrPermission), not ErrNotFound.
//
// Cancelling ctx makes Load return ctx's error at once; the decoding goes on
// in the background and its result is cached for the next call. Failed loads
// are not cached, so a later call tries again (after a download, say).
func Load(ctx context.Context, spec Source) (*Dataset, error) {
	key, err := resolveSource(spec)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", key.Name, err)
	}
	cache.Lock()
	e, ok := cache.m[key]
	if !ok {
		e = &cacheEntry{done: make(chan struct{})}
		cache.m[key] = e
		go func() {
			e.ds, e.err = loadSource(key)
			if e.err != nil {
				cache.Lock()
				if cache.m[key] == e {
					delete(cache.m, key)
				}
				cache.Unlock()
			}
			close(e.done)
		}()
	}
	cache.Unlock()
	select {
	case <-e.done:
		return e.ds, e.err
	case <-ctx.Done():
		return nil, fmt.Errorf("load %s: %w", key.Name, ctx.Err())
	}
}

// resolveSource canonicalizes the name and fills in the default folder.
func resolveSource(spec Source) (Source, error) {
	name := strings.ToLower(strings.TrimSpace(spec.Name))
	switch name {
	case MNISTName:
		dir := spec.Dir
		if dir != "" {
			dir = filepath.Clean(dir)
		}
		return Source{Name: MNISTName, Dir: dir}, nil
	case FashionMNISTName, "fashion_mnist", "fashionmnist":
		// An empty Dir stays empty so that FindFashionMNIST explains the system folder.
		dir := spec.Dir
		if dir != "" {
			dir = filepath.Clean(dir)
		}
		return Source{Name: FashionMNISTName, Dir: dir}, nil
	case CIFAR10Name, "cifar-10", "cifar_10":
		dir := spec.Dir
		if dir == "" {
			dir = DefaultDataDir()
		}
		return Source{Name: CIFAR10Name, Dir: filepath.Clean(dir)}, nil
	}
	return Source{}, fmt.Errorf("%w %q: want %q, %q or %q", ErrUnknownDataset, spec.Name, MNISTName, FashionMNISTName, CIFAR10Name)
}

// loadSource decodes a resolved Source without caching.
func loadSource(s Source) (*Dataset, error) {
	switch s.Name {
	case MNISTName:
		if s.Dir == "" {
			return LoadMNIST()
		}
		if err := findMNISTDir(s.Dir); err != nil {
			return nil, err
		}
		return LoadIDXDir(s.Dir, MNISTName)
	case FashionMNISTName:
		dir, err := FindFashionMNIST(s.Dir)
		if err != nil {
			return nil, err
		}
		return LoadIDXDir(dir, FashionMNISTName)
	case CIFAR10Name:
		return LoadCIFAR10(s.Dir)
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownDataset, s.Name)
}

// resetCache empties the cache; for tests.
func resetCache() {
	cache.Lock()
	cache.m = map[Source]*cacheEntry{}
	cache.Unlock()
}
