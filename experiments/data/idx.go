package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Magic numbers of the idx format (big-endian): two zero bytes, the element
// type (0x08 = unsigned byte) and the number of dimensions.
const (
	idxImagesMagic = 0x00000803 // uint8, 3 dimensions: N x rows x cols
	idxLabelsMagic = 0x00000801 // uint8, 1 dimension: N
)

// maxIDXBytes bounds the pixel data an idx header may announce (2 GiB, also
// the largest count an int holds on 32-bit platforms), so that a corrupt
// header cannot make the parser allocate without limit.
const maxIDXBytes = 1<<31 - 1

// maybeGunzip returns a reader of the decompressed content when r starts with
// the gzip magic bytes 1f 8b, and of r itself otherwise.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	if r == nil {
		return nil, errors.New("no reader")
	}
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// readIDXHeader reads the magic number, checks it against magic (kind
// describes it), and reads the dims big-endian uint32 dimensions.
func readIDXHeader(r io.Reader, magic uint32, dims int, kind string) ([]uint32, error) {
	buf := make([]byte, 4*(1+dims))
	if n, err := io.ReadFull(r, buf[:4]); n == 0 && errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("empty file, not %s", kind)
	} else if err != nil {
		return nil, fmt.Errorf("truncated idx header: %w", err)
	}
	if got := binary.BigEndian.Uint32(buf); got != magic {
		return nil, fmt.Errorf("not %s: magic number 0x%08x, want 0x%08x", kind, got, magic)
	}
	if _, err := io.ReadFull(r, buf[4:]); err != nil {
		return nil, fmt.Errorf("truncated idx header: %w", err)
	}
	out := make([]uint32, dims)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(buf[4*(i+1):])
	}
	return out, nil
}

// readExactly reads exactly want bytes from r and checks that nothing
// follows them. It never allocates much more than the bytes really present,
// whatever want is.
func readExactly(r io.Reader, want int64) ([]byte, error) {
	buf, err := io.ReadAll(io.LimitReader(r, want+1))
	if errors.Is(err, io.ErrUnexpectedEOF) { // the gzip stream ends early
		return nil, fmt.Errorf("truncated: the compressed data end after %d of %d data bytes", len(buf), want)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case int64(len(buf)) < want:
		return nil, fmt.Errorf("truncated: %d of %d data bytes present", len(buf), want)
	case int64(len(buf)) > want:
		return nil, fmt.Errorf("trailing bytes after the %d data bytes", want)
	}
	return buf, nil
}

// formatErr wraps ErrFormat with the file name and a description.
func formatErr(name, format string, args ...any) error {
	return fmt.Errorf("read %s: %w: %s", name, ErrFormat, fmt.Sprintf(format, args...))
}

// ParseIDXImages decodes an idx3 image file (magic 0x00000803, big-endian
// header N, rows, cols, then N*rows*cols pixel bytes, row-major). The input
// may be gzip-compressed; gzip is recognized by its magic bytes 1f 8b. It
// returns the number of images n, their height h (rows) and width w (cols),
// and the pixels, len n*h*w, in [0, 255]. name is used in error messages
// only. Malformed input gives an error wrapping ErrFormat.
func ParseIDXImages(r io.Reader, name string) (n, h, w int, pixels []uint8, err error) {
	zr, err := maybeGunzip(r)
	if err != nil {
		return 0, 0, 0, nil, formatErr(name, "%v", err)
	}
	hdr, err := readIDXHeader(zr, idxImagesMagic, 3, "an idx3 file of unsigned-byte images")
	if err != nil {
		return 0, 0, 0, nil, formatErr(name, "%v", err)
	}
	n64, h64, w64 := int64(hdr[0]), int64(hdr[1]), int64(hdr[2])
	if h64 == 0 || w64 == 0 {
		return 0, 0, 0, nil, formatErr(name, "image size %dx%d", h64, w64)
	}
	// Each factor is below 2^32, so the product is checked stepwise to avoid overflow.
	if w64 > maxIDXBytes/h64 || (n64 > 0 && n64 > maxIDXBytes/(h64*w64)) {
		return 0, 0, 0, nil, formatErr(name, "header announces %d images of %dx%d, more than %d bytes", n64, h64, w64, int64(maxIDXBytes))
	}
	total := n64 * h64 * w64
	pixels, err = readExactly(zr, total)
	if err != nil {
		return 0, 0, 0, nil, formatErr(name, "%d images of %dx%d: %v", n64, h64, w64, err)
	}
	return int(n64), int(h64), int(w64), pixels, nil
}

// ParseIDXLabels decodes an idx1 label file (magic 0x00000801, big-endian
// count N, then N label bytes). The input may be gzip-compressed. It does not
// check the label range, since it does not know the number of classes; the
// loaders do. name is used in error messages only. Malformed input gives an
// error wrapping ErrFormat.
func ParseIDXLabels(r io.Reader, name string) ([]uint8, error) {
	zr, err := maybeGunzip(r)
	if err != nil {
		return nil, formatErr(name, "%v", err)
	}
	hdr, err := readIDXHeader(zr, idxLabelsMagic, 1, "an idx1 file of unsigned-byte labels")
	if err != nil {
		return nil, formatErr(name, "%v", err)
	}
	labels, err := readExactly(zr, int64(hdr[0]))
	if err != nil {
		return nil, formatErr(name, "%d labels: %v", hdr[0], err)
	}
	return labels, nil
}
