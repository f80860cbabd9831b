package data

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
)

// maxUnpackBytes bounds the bytes untarGz writes (CIFAR-10 unpacks to 185 MB),
// so that a hostile archive cannot fill the disk.
const maxUnpackBytes = 4 << 30

// untarGz unpacks the regular files and folders of the tar.gz archive at
// archive into the folder dest. Entries whose names would leave dest
// (absolute, or with "..") are an error; links and special files are skipped.
func untarGz(ctx context.Context, archive, dest string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%w: not a gzip file: %w", ErrFormat, err)
	}
	tr := tar.NewReader(zr)
	var written int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrFormat, err)
		}
		name := path.Clean(hdr.Name)
		if name == "." {
			continue
		}
		local := filepath.FromSlash(name)
		if !filepath.IsLocal(local) {
			return fmt.Errorf("%w: archive entry %q points outside the folder", ErrFormat, hdr.Name)
		}
		target := filepath.Join(dest, local)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if written+hdr.Size > maxUnpackBytes {
				return fmt.Errorf("%w: archive unpacks to more than %d bytes", ErrFormat, int64(maxUnpackBytes))
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			n, err := writeFile(target, tr)
			written += n
			if err != nil {
				return fmt.Errorf("unpack %s: %w", hdr.Name, err)
			}
		}
	}
}

// writeFile creates the file p with the content of r.
func writeFile(p string, r io.Reader) (int64, error) {
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}
