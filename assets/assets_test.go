package assets

import (
	"io/fs"
	"testing"
)

func TestMNIST_Files(t *testing.T) {
	// Sizes of the original gzip files; a different size means a different or damaged copy.
	tests := map[string]int64{
		"mnist/train-images-idx3-ubyte.gz": 9912422,
		"mnist/train-labels-idx1-ubyte.gz": 28881,
		"mnist/t10k-images-idx3-ubyte.gz":  1648877,
		"mnist/t10k-labels-idx1-ubyte.gz":  4542,
	}
	for name, size := range tests {
		t.Run(name, func(t *testing.T) {
			info, err := fs.Stat(MNIST, name)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if got, want := info.Size(), size; got != want {
				t.Errorf("size = %d, want %d", got, want)
			}
			b, err := fs.ReadFile(MNIST, name)
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if got, want := len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b, true; got != want {
				t.Errorf("gzip magic present = %v, want %v", got, want)
			}
		})
	}
}
