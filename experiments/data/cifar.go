package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// Layout of a CIFAR-10 binary record: one label byte, then the 32x32 red,
// green and blue planes, each row-major.
const (
	cifarSide       = 32
	cifarChannels   = 3
	cifarImageBytes = cifarSide * cifarSide * cifarChannels // 3072
	cifarRecord     = 1 + cifarImageBytes                   // 3073
	cifarClasses    = 10
	// maxCIFARBatchBytes bounds what ParseCIFAR10Batch reads (the real
	// batches have 30,730,000 bytes each).
	maxCIFARBatchBytes = 1 << 30
)

// CIFAR10BatchesDir is the name of the folder inside the CIFAR-10 binary
// archive that holds the batches.
const CIFAR10BatchesDir = "cifar-10-batches-bin"

// Names of the CIFAR-10 binary batch files, five training and one test.
var (
	CIFAR10TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	CIFAR10TestFile   = "test_batch.bin"
)

// ParseCIFAR10Batch decodes one CIFAR-10 binary batch file: a sequence of
// 3073-byte records, each one label byte (< 10) followed by 3072 bytes of
// image, the 32x32 R, G and B planes one after the other (channel-major). It
// returns images in NHWC order (N x 32 x 32 x 3, so len 3072*N) with values
// in [0, 1], and N labels. The size must be a positive multiple of 3073.
// name is used in error messages only; malformed input gives an error
// wrapping ErrFormat.
func ParseCIFAR10Batch(r io.Reader, name string) (images []float32, labels []uint8, err error) {
	if r == nil {
		return nil, nil, formatErr(name, "no reader")
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxCIFARBatchBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > maxCIFARBatchBytes {
		return nil, nil, formatErr(name, "larger than %d bytes, not a CIFAR-10 batch", maxCIFARBatchBytes)
	}
	n, err := cifarRecords(len(raw), name)
	if err != nil {
		return nil, nil, err
	}
	images = make([]float32, n*cifarImageBytes)
	labels = make([]uint8, n)
	if err := decodeCIFAR(raw, name, images, labels); err != nil {
		return nil, nil, err
	}
	return images, labels, nil
}

// cifarRecords returns the number of records in a batch of size bytes.
func cifarRecords(size int, name string) (int, error) {
	if size == 0 {
		return 0, formatErr(name, "empty file, not a CIFAR-10 batch")
	}
	if size%cifarRecord != 0 {
		return 0, formatErr(name, "size %d bytes is not a multiple of the 3073-byte record (%d whole records and %d bytes left over)",
			size, size/cifarRecord, size%cifarRecord)
	}
	return size / cifarRecord, nil
}

// decodeCIFAR decodes len(labels) records from raw into images (NHWC, len
// 3072*len(labels)) and labels. The caller has checked the sizes.
func decodeCIFAR(raw []byte, name string, images []float32, labels []uint8) error {
	const plane = cifarSide * cifarSide
	for i := range labels {
		rec := raw[i*cifarRecord : (i+1)*cifarRecord]
		if rec[0] >= cifarClasses {
			return formatErr(name, "record %d has label %d, want 0 to %d", i, rec[0], cifarClasses-1)
		}
		labels[i] = rec[0]
		pix := rec[1:]
		img := images[i*cifarImageBytes : (i+1)*cifarImageBytes]
		for p := range plane {
			img[p*3] = float32(pix[p]) / 255
			img[p*3+1] = float32(pix[plane+p]) / 255
			img[p*3+2] = float32(pix[2*plane+p]) / 255
		}
	}
	return nil
}

// LoadCIFAR10 decodes CIFAR-10 from dir, the cifar-10-batches-bin folder
// holding data_batch_1.bin ... data_batch_5.bin and test_batch.bin; the
// folder that contains cifar-10-batches-bin is accepted too. The result has
// 50,000 train and 10,000 test images of 32x32x3 (NHWC, [0, 1]) for the real
// data (about 740 MB of float32); any number of records per batch is
// accepted. Missing files give an error wrapping ErrNotFound that names them,
// a dir that is a file one wrapping ErrInvalid, files or folders that cannot
// be read the system's error (fs.ErrPermission for a permission denied),
// malformed ones an error wrapping ErrFormat.
func LoadCIFAR10(dir string) (*Dataset, error) {
	if dir == "" {
		_, err := FindCIFAR10(dir)
		return nil, err
	}
	fsys := openFolder(dir)
	sub, err := findCIFAR10(fsys, dir)
	if err != nil {
		return nil, err
	}
	batches := filepath.Join(dir, sub)
	train, err := loadCIFARFiles(fsys, sub, batches, CIFAR10TrainFiles)
	if err != nil {
		return nil, fmt.Errorf("load CIFAR-10 train split: %w", err)
	}
	test, err := loadCIFARFiles(fsys, sub, batches, []string{CIFAR10TestFile})
	if err != nil {
		return nil, fmt.Errorf("load CIFAR-10 test split: %w", err)
	}
	return &Dataset{Name: CIFAR10Name, Classes: cifarClasses, ClassNames: CIFAR10Classes, Train: train, Test: test}, nil
}

// FindCIFAR10 returns the folder that holds the six CIFAR-10 binary batches:
// dir itself or dir/cifar-10-batches-bin. Otherwise it returns an error that
// says what is wrong and how to fix it: the folder does not exist, or lacks
// batches, which it names (ErrNotFound); dir is a file (ErrInvalid); a
// folder or file cannot be looked up (the system's error, e.g. wrapping
// fs.ErrPermission).
func FindCIFAR10(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("%w: CIFAR-10: no folder given; download it (rethink data download cifar10) "+
			"or pick the %s folder", ErrNotFound, CIFAR10BatchesDir)
	}
	sub, err := findCIFAR10(openFolder(dir), dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, sub), nil
}

// findCIFAR10 is FindCIFAR10 on fsys, the folder dir: it returns "." or
// CIFAR10BatchesDir, the folder of fsys that holds the six batches. When
// neither holds all six, it reports the one that holds some of them (or
// exists, for the batches folder), naming just the batches it lacks.
func findCIFAR10(fsys fs.FS, dir string) (string, error) {
	if err := checkFolder(fsys, dir); errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("CIFAR-10: %w; download it (rethink data download cifar10) or pick the %s folder of the binary version",
			err, CIFAR10BatchesDir)
	} else if err != nil {
		return "", fmt.Errorf("CIFAR-10: %w", err)
	}
	missing, err := missingCIFARFiles(fsys, ".")
	if err != nil {
		return "", fmt.Errorf("CIFAR-10: %s: %w", dir, err)
	}
	if len(missing) == 0 {
		return ".", nil
	}
	all := len(CIFAR10TrainFiles) + 1
	batches := filepath.Join(dir, CIFAR10BatchesDir)
	info, err := fs.Stat(fsys, CIFAR10BatchesDir)
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("CIFAR-10: cannot look up %s: %w", batches, err)
	case err == nil && info.IsDir():
		subMissing, err := missingCIFARFiles(fsys, CIFAR10BatchesDir)
		if err != nil {
			return "", fmt.Errorf("CIFAR-10: %s: %w", batches, err)
		}
		if len(subMissing) == 0 {
			return CIFAR10BatchesDir, nil
		}
		if len(missing) == all || len(subMissing) <= len(missing) {
			return "", incompleteCIFAR(batches, subMissing)
		}
	}
	if len(missing) < all {
		return "", incompleteCIFAR(dir, missing)
	}
	return "", fmt.Errorf("%w: CIFAR-10: neither %s nor %s holds the binary batches (%s); "+
		"download it (rethink data download cifar10) or pick the %s folder of the binary version",
		ErrNotFound, dir, batches, strings.Join(append(append([]string(nil), CIFAR10TrainFiles...), CIFAR10TestFile), ", "), CIFAR10BatchesDir)
}

// incompleteCIFAR is the error of a batches folder dir that lacks the batches missing.
func incompleteCIFAR(dir string, missing []string) error {
	return fmt.Errorf("%w: CIFAR-10: %s lacks %s of the six binary batches; restore the missing ones, "+
		"or delete the folder and download CIFAR-10 again (rethink data download cifar10)",
		ErrNotFound, dir, strings.Join(missing, ", "))
}

// missingCIFARFiles lists the batch files that are not regular files in the
// folder dir of fsys. A look-up that fails otherwise than with "does not
// exist" (a permission denied) is returned as an error.
func missingCIFARFiles(fsys fs.FS, dir string) ([]string, error) {
	var missing []string
	for _, name := range append(append([]string(nil), CIFAR10TrainFiles...), CIFAR10TestFile) {
		ok, err := statRegular(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("cannot look up %s: %w", name, err)
		}
		if !ok {
			missing = append(missing, name)
		}
	}
	return missing, nil
}

// loadCIFARFiles decodes and concatenates the batch files names in the
// folder sub of fsys (shown as dir in errors) into one Set, allocating the
// result once.
func loadCIFARFiles(fsys fs.FS, sub, dir string, names []string) (Set, error) {
	paths := make([]string, len(names))
	total := 0
	counts := make([]int, len(names))
	for i, name := range names {
		paths[i] = filepath.Join(dir, name)
		info, err := fs.Stat(fsys, path.Join(sub, name))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = fmt.Errorf("%w: %w", ErrNotFound, err)
			}
			return Set{}, fmt.Errorf("%s: %w", paths[i], err)
		}
		if info.Size() > maxCIFARBatchBytes {
			return Set{}, formatErr(paths[i], "larger than %d bytes, not a CIFAR-10 batch", maxCIFARBatchBytes)
		}
		if counts[i], err = cifarRecords(int(info.Size()), paths[i]); err != nil {
			return Set{}, err
		}
		total += counts[i]
	}
	s := Set{
		Images: make([]float32, total*cifarImageBytes),
		Labels: make([]uint8, total),
		N:      total, H: cifarSide, W: cifarSide, C: cifarChannels,
	}
	at := 0
	for i, p := range paths {
		raw, err := fs.ReadFile(fsys, path.Join(sub, names[i]))
		if err != nil {
			return Set{}, fmt.Errorf("read %s: %w", p, err)
		}
		if len(raw) != counts[i]*cifarRecord {
			return Set{}, fmt.Errorf("read %s: the file changed size while being read", p)
		}
		err = decodeCIFAR(raw, p, s.Images[at*cifarImageBytes:(at+counts[i])*cifarImageBytes], s.Labels[at:at+counts[i]])
		if err != nil {
			return Set{}, err
		}
		at += counts[i]
	}
	return s, nil
}
