package data

import (
	"errors"
	"fmt"
	"io/fs"
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
// returned as HxWx1 in [0, 1]; labels must be below 10. A folder or file
// that does not exist gives an error wrapping ErrNotFound (naming the
// missing files), a dir that is a file one wrapping ErrInvalid, a file or
// folder that cannot be read the system's error (wrapping fs.ErrPermission
// for a permission denied), a malformed file one wrapping ErrFormat.
func LoadIDXDir(dir, name string) (*Dataset, error) {
	if dir == "" {
		return nil, fmt.Errorf("load %s: %w: no folder given", name, ErrNotFound)
	}
	ds, err := loadIDXDir(openFolder(dir), dir, name)
	if err != nil {
		return nil, fmt.Errorf("load %s from %s: %w", name, dir, err)
	}
	return ds, nil
}

// loadIDXDir is LoadIDXDir on fsys, the folder dir.
func loadIDXDir(fsys fs.FS, dir, name string) (*Dataset, error) {
	if err := findIDX(fsys, dir); err != nil {
		return nil, err
	}
	return loadIDXFS(fsys, dir, name)
}

// FindFashionMNIST returns the folder to load Fashion-MNIST from: userDir
// when it is not empty, otherwise FashionMNISTSystemDir. It checks that the
// folder holds the four idx files (compressed or not) and otherwise returns
// an error that names the folder looked in, what is wrong with it (see
// findIDX: missing files wrap ErrNotFound) and the ways to fix it.
func FindFashionMNIST(userDir string) (string, error) {
	dir := userDir
	if dir == "" {
		dir = FashionMNISTSystemDir
	}
	if err := fashionMNISTAdvice(findIDX(openFolder(dir), dir), userDir != ""); err != nil {
		return "", err
	}
	return dir, nil
}

// fashionMNISTAdvice adds to err, the result of findIDX on the chosen folder (chosen) or on
// FashionMNISTSystemDir, the ways to get Fashion-MNIST; a nil err stays nil.
func fashionMNISTAdvice(err error, chosen bool) error {
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrInvalid):
		return fmt.Errorf("Fashion-MNIST: %w", err) // a permission denied: the files may be there
	case chosen:
		return fmt.Errorf("Fashion-MNIST: the chosen folder: %w; pick the folder that holds the four idx files "+
			"(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz), "+
			"or clear the choice to use %s, where `apt-get install dataset-fashion-mnist` puts them",
			err, FashionMNISTSystemDir)
	}
	return fmt.Errorf("Fashion-MNIST: no folder was chosen and the system folder: %w; "+
		"install it with `sudo apt-get install dataset-fashion-mnist` (Debian, Ubuntu), "+
		"or pick a folder that holds the four idx files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "+
		"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)", err)
}

// findMNISTDir checks a data_dir given for "mnist": a folder of the four idx
// files of MNIST or of a data set in its format (KMNIST, say), used instead
// of the embedded copy.
func findMNISTDir(dir string) error {
	err := findIDX(openFolder(dir), dir)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return fmt.Errorf("MNIST from a folder: %w; the data folder of \"mnist\" must hold the four idx files "+
			"(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, "+
			"each gzip-compressed with .gz or not); leave it empty for the embedded MNIST", err)
	}
	if err != nil {
		return fmt.Errorf("MNIST from a folder: %w", err)
	}
	return nil
}

// findIDX checks that fsys, the folder dir, holds the four idx files. It
// says what is wrong otherwise: the folder does not exist (ErrNotFound), is
// a file (ErrInvalid), cannot be read (the system's error, e.g. a
// permission denied), or lacks files, which it names (ErrNotFound).
func findIDX(fsys fs.FS, dir string) error {
	if err := checkFolder(fsys, dir); err != nil {
		return err
	}
	var missing []string
	for _, base := range idxFiles {
		_, err := findIDXFile(fsys, base)
		switch {
		case errors.Is(err, ErrNotFound):
			missing = append(missing, base+"[.gz]")
		case err != nil:
			return fmt.Errorf("%s: %w", dir, err)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s is missing %s", ErrNotFound, dir, strings.Join(missing, ", "))
	}
	return nil
}

// findIDXFile returns the name of base+".gz" or base in fsys, whichever is a
// regular file, preferring the compressed one. Neither gives an error
// wrapping ErrNotFound; a failed look-up (permission denied) its own error.
func findIDXFile(fsys fs.FS, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		ok, err := statRegular(fsys, name)
		if err != nil {
			return "", fmt.Errorf("cannot look up %s: %w", name, err)
		}
		if ok {
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
