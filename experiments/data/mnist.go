package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"rethink/assets"
)

// FashionMNISTSystemDir is where Debian's package dataset-fashion-mnist
// installs Fashion-MNIST: train-images-idx3-ubyte.gz,
// train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and
// t10k-labels-idx1-ubyte.gz (about 30 MB).
const FashionMNISTSystemDir = "/usr/share/datasets/fashion-mnist"

// Base names of the four idx files of MNIST and Fashion-MNIST. Each may also
// carry the suffix ".gz".
const (
	idxTrainImages = "train-images-idx3-ubyte"
	idxTrainLabels = "train-labels-idx1-ubyte"
	idxTestImages  = "t10k-images-idx3-ubyte"
	idxTestLabels  = "t10k-labels-idx1-ubyte"
)

var idxFiles = []string{idxTrainImages, idxTrainLabels, idxTestImages, idxTestLabels}

// LoadMNIST decodes the MNIST data set embedded in the binary
// (assets.MNIST): 60,000 train and 10,000 test images of 28x28x1, values in
// [0, 1], labels 0-9. It needs no network and no file. Decoding takes about a
// second and 220 MB; Load caches the result.
func LoadMNIST() (*Dataset, error) {
	sub, err := fs.Sub(assets.MNIST, "mnist")
	if err != nil {
		return nil, fmt.Errorf("data: embedded MNIST: %w", err)
	}
	ds, err := loadIDXFS(sub, "embedded mnist", MNISTName)
	if err != nil {
		return nil, fmt.Errorf("load embedded MNIST: %w", err)
	}
	return ds, nil
}

// LoadIDXDir decodes a data set in the idx format of MNIST from the folder
// dir, which must hold train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each either
// gzip-compressed with the suffix ".gz" or raw. name becomes Dataset.Name
// ("mnist" or "fashion-mnist"; it also selects the class names). Images are
// returned as HxWx1 in [0, 1]; labels must be below 10. A missing file gives
// an error wrapping ErrNotFound, a malformed one an error wrapping ErrFormat.
func LoadIDXDir(dir, name string) (*Dataset, error) {
	if dir == "" {
		return nil, fmt.Errorf("load %s: %w: no folder given", name, ErrNotFound)
	}
	ds, err := loadIDXFS(os.DirFS(dir), dir, name)
	if err != nil {
		return nil, fmt.Errorf("load %s from %s: %w", name, dir, err)
	}
	return ds, nil
}

// FindFashionMNIST returns the folder to load Fashion-MNIST from: userDir
// when it is not empty, otherwise FashionMNISTSystemDir. It checks that the
// folder holds the four idx files (compressed or not) and otherwise returns
// an error wrapping ErrNotFound that names the folder looked in and the ways
// to fix it.
func FindFashionMNIST(userDir string) (string, error) {
	dir := userDir
	if dir == "" {
		dir = FashionMNISTSystemDir
	}
	missing := missingIDXFiles(os.DirFS(dir))
	if len(missing) == 0 {
		return dir, nil
	}
	what := fmt.Sprintf("%s is missing %s", dir, strings.Join(missing, ", "))
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		what = dir + " does not exist"
	}
	if userDir != "" {
		return "", fmt.Errorf("%w: Fashion-MNIST: the chosen folder %s; pick the folder that holds the four idx files "+
			"(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz), "+
			"or clear the choice to use %s, where `apt-get install dataset-fashion-mnist` puts them",
			ErrNotFound, what, FashionMNISTSystemDir)
	}
	return "", fmt.Errorf("%w: Fashion-MNIST: no folder was chosen and the system folder %s; "+
		"install it with `sudo apt-get install dataset-fashion-mnist` (Debian, Ubuntu), "+
		"or pick a folder that holds the four idx files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "+
		"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)",
		ErrNotFound, what)
}

// missingIDXFiles lists the idx base names for which neither name nor
// name+".gz" exists in fsys.
func missingIDXFiles(fsys fs.FS) []string {
	var missing []string
	for _, base := range idxFiles {
		if _, err := findIDXFile(fsys, base); err != nil {
			missing = append(missing, base+"[.gz]")
		}
	}
	return missing
}

// findIDXFile returns the name of base+".gz" or base in fsys, whichever is a
// regular file, preferring the compressed one.
func findIDXFile(fsys fs.FS, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		if info, err := fs.Stat(fsys, name); err == nil && info.Mode().IsRegular() {
			return name, nil
		}
	}
	return "", fmt.Errorf("%w: neither %s.gz nor %s exists", ErrNotFound, base, base)
}

// loadIDXFS decodes the four idx files in fsys. where names fsys in errors.
func loadIDXFS(fsys fs.FS, where, name string) (*Dataset, error) {
	classes := MNISTClasses
	if name == FashionMNISTName {
		classes = FashionMNISTClasses
	}
	train, err := loadIDXSplit(fsys, where, idxTrainImages, idxTrainLabels, len(classes))
	if err != nil {
		return nil, fmt.Errorf("train split: %w", err)
	}
	test, err := loadIDXSplit(fsys, where, idxTestImages, idxTestLabels, len(classes))
	if err != nil {
		return nil, fmt.Errorf("test split: %w", err)
	}
	if train.H != test.H || train.W != test.W {
		return nil, fmt.Errorf("%w: train images are %dx%d but test images are %dx%d", ErrFormat, train.H, train.W, test.H, test.W)
	}
	return &Dataset{Name: name, Classes: len(classes), ClassNames: classes, Train: train, Test: test}, nil
}

// loadIDXSplit decodes one pair of idx image and label files.
func loadIDXSplit(fsys fs.FS, where, imagesBase, labelsBase string, classes int) (Set, error) {
	imagesName, err := findIDXFile(fsys, imagesBase)
	if err != nil {
		return Set{}, fmt.Errorf("%s: %w", where, err)
	}
	labelsName, err := findIDXFile(fsys, labelsBase)
	if err != nil {
		return Set{}, fmt.Errorf("%s: %w", where, err)
	}
	imagesPath, labelsPath := filepath.Join(where, imagesName), filepath.Join(where, labelsName)

	n, h, w, pixels, err := parseIDXFile(fsys, imagesName, imagesPath, true)
	if err != nil {
		return Set{}, err
	}
	_, _, _, labels, err := parseIDXFile(fsys, labelsName, labelsPath, false)
	if err != nil {
		return Set{}, err
	}
	if len(labels) != n {
		return Set{}, fmt.Errorf("%w: %s has %d labels but %s has %d images", ErrFormat, labelsPath, len(labels), imagesPath, n)
	}
	for i, l := range labels {
		if int(l) >= classes {
			return Set{}, fmt.Errorf("read %s: %w: label %d of image %d is not below %d classes", labelsPath, ErrFormat, l, i, classes)
		}
	}
	s := Set{Images: make([]float32, len(pixels)), Labels: labels, N: n, H: h, W: w, C: 1}
	bytesToFloats(s.Images, pixels)
	return s, nil
}

// parseIDXFile opens name in fsys and parses it as images or labels; shown is
// the name used in errors.
func parseIDXFile(fsys fs.FS, name, shown string, images bool) (n, h, w int, b []uint8, err error) {
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return 0, 0, 0, nil, fmt.Errorf("open %s: %w", shown, err)
	}
	defer f.Close()
	if images {
		return ParseIDXImages(f, shown)
	}
	b, err = ParseIDXLabels(f, shown)
	return len(b), 0, 0, b, err
}
