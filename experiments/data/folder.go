package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// osFolder is the folder dir as a file system: os.DirFS(dir), except that its "." is dir
// itself, so that a dir that is a file stats as that file (os.DirFS says "not a directory").
type osFolder struct {
	fs.FS
	dir string
}

// openFolder returns the folder dir as a file system (see osFolder).
func openFolder(dir string) fs.FS { return osFolder{FS: os.DirFS(dir), dir: dir} }

// Stat implements fs.StatFS.
func (f osFolder) Stat(name string) (fs.FileInfo, error) {
	if name == "." {
		return os.Stat(f.dir)
	}
	return fs.Stat(f.FS, name)
}

// checkFolder reports whether the root of fsys, which is the folder dir (named in messages), is
// a folder this process may look into (a folder whose entries cannot be looked up fails later,
// on its files, with statRegular's error). A folder that does not exist gives an error wrapping
// ErrNotFound; a path that is a file, one wrapping ErrInvalid; a folder that cannot be read
// (permission denied), the file system's error, which wraps fs.ErrPermission, and not
// ErrNotFound: the files may well be there.
func checkFolder(fsys fs.FS, dir string) error {
	info, err := fs.Stat(fsys, ".")
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s does not exist", ErrNotFound, dir)
	case err != nil:
		return fmt.Errorf("cannot read the folder %s: %w", dir, err)
	case !info.IsDir():
		return fmt.Errorf("%w: %s is a file, not a folder: give the folder that holds the data set's files", ErrInvalid, dir)
	}
	return nil
}

// statRegular looks name up in fsys: it returns true when it is a regular file, false when it
// does not exist or is something else (a folder), and an error for any other failure (a
// permission denied), so that no such failure passes for a missing file.
func statRegular(fsys fs.FS, name string) (bool, error) {
	info, err := fs.Stat(fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	}
	return info.Mode().IsRegular(), nil
}
