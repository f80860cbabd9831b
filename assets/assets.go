// Package assets owns the files that rethink embeds in its binary: the MNIST
// data set (the default data set, so that the app works without a download)
// and, later, the application icons.
//
// The data are exposed as plain embedded file systems; decoding them is the
// job of package rethink/experiments/data.
package assets

import "embed"

// MNIST holds the four original MNIST files, gzip-compressed idx files, under
// the folder "mnist":
//
//	mnist/train-images-idx3-ubyte.gz  60,000 images of 28x28 uint8 pixels
//	mnist/train-labels-idx1-ubyte.gz  60,000 labels in [0, 9]
//	mnist/t10k-images-idx3-ubyte.gz   10,000 images of 28x28 uint8 pixels
//	mnist/t10k-labels-idx1-ubyte.gz   10,000 labels in [0, 9]
//
// They add about 11.6 MB to the binary. mnist/README.md names their source
// and licence. MNIST is safe for concurrent use.
//
//go:embed mnist/*.gz
var MNIST embed.FS

// Icon is the application icon: a 256x256 PNG of first-layer filters, learned (top left) and
// random, under a falling training loss. Wrap it in a fyne.StaticResource where it is needed;
// this package does not import Fyne.
//
//go:embed icon.png
var Icon []byte
