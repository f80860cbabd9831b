package tfgraph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	tf "github.com/wamuir/graft/tensorflow"
)

// Float is the element type of the closed-form and kernel graphs, which run in either precision.
type Float interface{ ~float32 | ~float64 }

// dtypeOf is TensorFlow's data type for T: tf.Float or tf.Double.
func dtypeOf[T Float]() tf.DataType {
	var z T
	if unsafe.Sizeof(z) == 4 {
		return tf.Float
	}
	return tf.Double
}

// asBytes views values as raw bytes in the host's (little-endian) order, without a copy.
func asBytes[T Float](values []T) []byte {
	if len(values) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&values[0])), len(values)*int(unsafe.Sizeof(z)))
}

// NewFlatTensor makes a float32 or float64 tensor of the given shape from row-major values with
// one copy (into TensorFlow's buffer). The product of shape must equal len(values).
func NewFlatTensor[T Float](values []T, shape ...int64) (*tf.Tensor, error) {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	if n != int64(len(values)) {
		return nil, fmt.Errorf("tfgraph: tensor of shape %v needs %d values, got %d", shape, n, len(values))
	}
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		return nil, errors.New("tfgraph: big-endian hosts are not supported")
	}
	return tf.ReadTensor(dtypeOf[T](), shape, bytes.NewReader(asBytes(values)))
}

// sliceWriter copies what is written into a fixed byte slice.
type sliceWriter struct {
	dst []byte
	n   int
}

func (w *sliceWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > len(w.dst) {
		return 0, errors.New("tfgraph: tensor larger than its destination")
	}
	w.n += copy(w.dst[w.n:], p)
	return len(p), nil
}

// ReadFlat copies a float32 or float64 tensor's values, row-major, into dst (which it grows when
// too short) and returns them; one copy, no reflection.
func ReadFlat[T Float](t *tf.Tensor, dst []T) ([]T, error) {
	if t.DataType() != dtypeOf[T]() {
		return nil, fmt.Errorf("tfgraph: tensor is %v, want %v", t.DataType(), dtypeOf[T]())
	}
	n := int64(1)
	for _, d := range t.Shape() {
		n *= d
	}
	if int64(cap(dst)) < n {
		dst = make([]T, n)
	}
	dst = dst[:n]
	w := &sliceWriter{dst: asBytes(dst)}
	if _, err := t.WriteContentsTo(w); err != nil {
		return nil, fmt.Errorf("tfgraph: read tensor: %w", err)
	}
	if w.n != len(w.dst) {
		return nil, fmt.Errorf("tfgraph: tensor gave %d bytes, want %d", w.n, len(w.dst))
	}
	return dst, nil
}
