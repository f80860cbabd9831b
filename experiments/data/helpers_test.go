package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// idxImages returns an idx3 image file with n images of h x w pixels, pixel
// (i, k) = byte(i*7 + k).
func idxImages(n, h, w int) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{idxImagesMagic, uint32(n), uint32(h), uint32(w)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	for i := range n {
		for k := range h * w {
			b.WriteByte(byte(i*7 + k))
		}
	}
	return b.Bytes()
}

// idxLabels returns an idx1 label file with the given labels.
func idxLabels(labels ...byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(idxLabelsMagic))
	binary.Write(&b, binary.BigEndian, uint32(len(labels)))
	b.Write(labels)
	return b.Bytes()
}

// gz compresses b.
func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// cifarBatch returns a CIFAR-10 batch of len(labels) records. Pixel bytes
// are random from rng and also returned, channel-major per record.
func cifarBatch(labels []byte, rng *rand.Rand) (batch []byte, pixels [][]byte) {
	for _, l := range labels {
		pix := make([]byte, cifarImageBytes)
		for j := range pix {
			pix[j] = byte(rng.IntN(256))
		}
		batch = append(batch, l)
		batch = append(batch, pix...)
		pixels = append(pixels, pix)
	}
	return batch, pixels
}

// tarEntry is one file of a test archive; dir entries have a nil body.
type tarEntry struct {
	name string
	body []byte
	dir  bool
}

// tarGz builds a tar.gz archive of entries.
func tarGz(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if e.dir {
			hdr = &tar.Header{Name: e.name, Mode: 0o755, Typeflag: tar.TypeDir}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// tinyCIFAR is a CIFAR-10 look-alike: perBatch records in each of the six
// batches, with known labels and pixels.
type tinyCIFAR struct {
	batches     map[string][]byte // file name -> content
	trainLabels []byte
	testLabels  []byte
	trainPixels [][]byte // channel-major, per record
}

// newTinyCIFAR builds a tinyCIFAR with labels cycling through 0..9.
func newTinyCIFAR(perBatch int) tinyCIFAR {
	rng := rand.New(rand.NewPCG(7, 7))
	c := tinyCIFAR{batches: map[string][]byte{}}
	k := 0
	for _, name := range append(append([]string(nil), CIFAR10TrainFiles...), CIFAR10TestFile) {
		labels := make([]byte, perBatch)
		for i := range labels {
			labels[i] = byte(k % 10)
			k++
		}
		b, pix := cifarBatch(labels, rng)
		c.batches[name] = b
		if name == CIFAR10TestFile {
			c.testLabels = labels
		} else {
			c.trainLabels = append(c.trainLabels, labels...)
			c.trainPixels = append(c.trainPixels, pix...)
		}
	}
	return c
}

// archive returns the tiny data set packed like the real
// cifar-10-binary.tar.gz.
func (c tinyCIFAR) archive(t testing.TB) []byte {
	entries := []tarEntry{{name: CIFAR10BatchesDir + "/", dir: true}}
	for _, name := range append(append([]string(nil), CIFAR10TrainFiles...), CIFAR10TestFile) {
		entries = append(entries, tarEntry{name: CIFAR10BatchesDir + "/" + name, body: c.batches[name]})
	}
	entries = append(entries, tarEntry{name: CIFAR10BatchesDir + "/batches.meta.txt", body: []byte("airplane\n")})
	return tarGz(t, entries)
}

// syntheticDataset returns a data set of nTrain and nTest h x w x c images
// with labels i % classes and values from fill(split, image, value index).
func syntheticDataset(nTrain, nTest, h, w, c, classes int, fill func(split, i, j int) float32) *Dataset {
	mk := func(split, n int) Set {
		s := Set{N: n, H: h, W: w, C: c, Images: make([]float32, n*h*w*c), Labels: make([]uint8, n)}
		for i := range n {
			s.Labels[i] = uint8(i % classes)
			for j := range h * w * c {
				s.Images[i*h*w*c+j] = fill(split, i, j)
			}
		}
		return s
	}
	return &Dataset{Name: "synthetic", Classes: classes, Train: mk(0, nTrain), Test: mk(1, nTest)}
}
