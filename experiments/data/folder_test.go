package data

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// deniedFS is a file system in which looking up (stat) the names in noStat, or opening the
// names in noOpen, fails with a permission denied, as a folder without the x bit or a file
// without the r bit do for a user other than root.
type deniedFS struct {
	fstest.MapFS
	noStat, noOpen map[string]bool
}

func (d deniedFS) Open(name string) (fs.File, error) {
	if d.noStat[name] || d.noOpen[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.MapFS.Open(name)
}

func (d deniedFS) Stat(name string) (fs.FileInfo, error) {
	if d.noStat[name] {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrPermission}
	}
	return d.MapFS.Stat(name)
}

func (d deniedFS) ReadFile(name string) ([]byte, error) {
	if d.noStat[name] || d.noOpen[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.MapFS.ReadFile(name)
}

// mapFS turns file contents by name into a MapFS.
func mapFS(files map[string][]byte) fstest.MapFS {
	m := fstest.MapFS{}
	for name, b := range files {
		m[name] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m
}

// wantPermission checks that err says "permission denied", wraps fs.ErrPermission, does not
// pass for a missing data set (ErrNotFound) and names want.
func wantPermission(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want a permission denied")
	}
	if !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrNotFound) {
		t.Errorf("error %q: errors.Is(ErrPermission) = %v, errors.Is(ErrNotFound) = %v; want true, false",
			err, errors.Is(err, fs.ErrPermission), errors.Is(err, ErrNotFound))
	}
	for _, w := range []string{"permission denied", want} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "missing") || strings.Contains(err.Error(), "does not exist") {
		t.Errorf("error %q reports a permission denied as missing files", err)
	}
}

func TestIDXFolder_PermissionDenied(t *testing.T) {
	files := mapFS(tinyIDXFiles(t))
	t.Run("folder cannot be looked into", func(t *testing.T) {
		fsys := deniedFS{MapFS: files, noStat: map[string]bool{"train-images-idx3-ubyte.gz": true, "train-images-idx3-ubyte": true,
			"train-labels-idx1-ubyte.gz": true, "train-labels-idx1-ubyte": true, "t10k-images-idx3-ubyte.gz": true,
			"t10k-images-idx3-ubyte": true, "t10k-labels-idx1-ubyte.gz": true, "t10k-labels-idx1-ubyte": true}}
		_, err := loadIDXDir(fsys, "/data/mnist", MNISTName)
		wantPermission(t, err, "/data/mnist")
	})
	t.Run("folder itself", func(t *testing.T) {
		fsys := deniedFS{MapFS: files, noStat: map[string]bool{".": true}}
		_, err := loadIDXDir(fsys, "/data/mnist", MNISTName)
		wantPermission(t, err, "/data/mnist")
	})
	t.Run("file cannot be opened", func(t *testing.T) {
		fsys := deniedFS{MapFS: files, noOpen: map[string]bool{"t10k-images-idx3-ubyte": true}}
		_, err := loadIDXDir(fsys, "/data/mnist", MNISTName)
		wantPermission(t, err, "t10k-images-idx3-ubyte")
	})
}

func TestCIFARFolder_PermissionDenied(t *testing.T) {
	c := newTinyCIFAR(2)
	files := fstest.MapFS{}
	for name, b := range c.batches {
		files[CIFAR10BatchesDir+"/"+name] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	t.Run("batches folder cannot be looked into", func(t *testing.T) {
		deny := map[string]bool{}
		for name := range c.batches {
			deny[CIFAR10BatchesDir+"/"+name] = true
		}
		_, err := findCIFAR10(deniedFS{MapFS: files, noStat: deny}, "/data")
		wantPermission(t, err, "/data/"+CIFAR10BatchesDir)
	})
	t.Run("batch cannot be read", func(t *testing.T) {
		fsys := deniedFS{MapFS: files, noOpen: map[string]bool{CIFAR10BatchesDir + "/data_batch_3.bin": true}}
		sub, err := findCIFAR10(fsys, "/data")
		if err != nil {
			t.Fatalf("findCIFAR10: %v (the files are there)", err)
		}
		_, err = loadCIFARFiles(fsys, sub, filepath.Join("/data", sub), CIFAR10TrainFiles)
		wantPermission(t, err, "data_batch_3.bin")
	})
}

// TestLoad_PermissionDeniedOnDisk is the same with real file modes, which only bind a user
// other than root.
func TestLoad_PermissionDeniedOnDisk(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, whom file modes do not stop; TestIDXFolder_PermissionDenied and TestCIFARFolder_PermissionDenied cover the same with a file system that denies")
	}
	dir := writeIDXDir(t, tinyIDXFiles(t))
	if err := os.Chmod(dir, 0o600); err != nil { // no x: entries cannot be looked up
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	_, err := Load(context.Background(), Source{Name: MNISTName, Dir: dir})
	wantPermission(t, err, dir)

	batches := writeTinyCIFAR(t, newTinyCIFAR(2), t.TempDir())
	if err := os.Chmod(filepath.Join(batches, "data_batch_2.bin"), 0); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), Source{Name: CIFAR10Name, Dir: batches})
	wantPermission(t, err, "data_batch_2.bin")
}

func TestLoad_DataDirNotAFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "train-images-idx3-ubyte.gz")
	if err := os.WriteFile(file, gz(t, idxImages(3, 2, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	absent := filepath.Join(t.TempDir(), "no-such-folder")
	for _, name := range []string{MNISTName, FashionMNISTName, CIFAR10Name} {
		t.Run(name+" file", func(t *testing.T) {
			_, err := Load(context.Background(), Source{Name: name, Dir: file})
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
				t.Errorf("error %q: want ErrInvalid, not ErrNotFound", err)
			}
			if got, want := err.Error(), file+" is a file, not a folder"; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
			if strings.Contains(err.Error(), "does not exist") || strings.Contains(err.Error(), "missing") {
				t.Errorf("error %q reports a file as a missing folder", err)
			}
		})
		t.Run(name+" absent", func(t *testing.T) {
			_, err := Load(context.Background(), Source{Name: name, Dir: absent})
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("error %v: want ErrNotFound", err)
			}
			if got, want := err.Error(), absent+" does not exist"; !strings.Contains(got, want) {
				t.Errorf("error %q does not say %q", got, want)
			}
		})
	}
}

func TestLoadCIFAR10_NamesTheMissingBatch(t *testing.T) {
	for _, from := range []string{"batches folder", "parent folder"} {
		t.Run(from, func(t *testing.T) {
			parent := t.TempDir()
			batches := writeTinyCIFAR(t, newTinyCIFAR(2), parent)
			if err := os.Remove(filepath.Join(batches, "data_batch_4.bin")); err != nil {
				t.Fatal(err)
			}
			dir := batches
			if from == "parent folder" {
				dir = parent
			}
			for what, call := range map[string]func() error{
				"LoadCIFAR10": func() error { _, err := LoadCIFAR10(dir); return err },
				"FindCIFAR10": func() error { _, err := FindCIFAR10(dir); return err },
			} {
				err := call()
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("%s: error %v, want ErrNotFound", what, err)
				}
				for _, want := range []string{batches + " lacks data_batch_4.bin", "rethink data download cifar10"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%s: error %q does not say %q", what, err, want)
					}
				}
				for _, present := range []string{"data_batch_1.bin", "data_batch_5.bin", "test_batch.bin"} {
					if strings.Contains(err.Error(), present) {
						t.Errorf("%s: error %q names %s, which is there", what, err, present)
					}
				}
			}
		})
	}
}

func TestLoad_MNISTFromDataDir(t *testing.T) {
	raw := map[string][]byte{
		"train-images-idx3-ubyte": idxImages(3, 2, 3),
		"train-labels-idx1-ubyte": idxLabels(1, 2, 3),
		"t10k-images-idx3-ubyte":  idxImages(2, 2, 3),
		"t10k-labels-idx1-ubyte":  idxLabels(9, 0),
	}
	for name, files := range map[string]map[string][]byte{"raw": raw, "gzip and raw": tinyIDXFiles(t)} {
		t.Run(name, func(t *testing.T) {
			dir := writeIDXDir(t, files)
			ds, err := Load(context.Background(), Source{Name: "MNIST", Dir: dir})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if ds.Name != MNISTName || ds.ClassNames[9] != "9" {
				t.Errorf("Name %q, ClassNames[9] %q, want mnist and 9", ds.Name, ds.ClassNames[9])
			}
			// The folder's 3 + 2 images of 2x3, not the embedded 60,000 + 10,000 of 28x28.
			if ds.Train.N != 3 || ds.Test.N != 2 || ds.Train.H != 2 || ds.Train.W != 3 {
				t.Errorf("train %d, test %d images of %dx%d, want 3 and 2 of 2x3 from %s", ds.Train.N, ds.Test.N, ds.Train.H, ds.Train.W, dir)
			}
			if got, want := string(ds.Test.Labels), string([]byte{9, 0}); got != want {
				t.Errorf("test labels %v, want %v", []byte(got), []byte(want))
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		files := tinyIDXFiles(t)
		delete(files, "train-labels-idx1-ubyte")
		dir := writeIDXDir(t, files)
		_, err := Load(context.Background(), Source{Name: MNISTName, Dir: dir})
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("error %v, want ErrNotFound", err)
		}
		for _, want := range []string{dir + " is missing train-labels-idx1-ubyte[.gz]", "embedded MNIST"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if strings.Contains(err.Error(), "t10k-images-idx3-ubyte[.gz]") {
			t.Errorf("error %q names a file that is there", err)
		}
	})
	t.Run("empty dir is the embedded copy", func(t *testing.T) {
		ds, err := Load(context.Background(), Source{Name: MNISTName})
		if err != nil {
			t.Fatal(err)
		}
		if ds.Train.N != 60000 || ds.Train.H != 28 {
			t.Errorf("train %d images of %d rows, want the embedded 60,000 of 28", ds.Train.N, ds.Train.H)
		}
	})
}
