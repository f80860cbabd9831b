package theory

import (
	"context"
	"testing"

	"rethink/experiments/data"
)

// mnist returns the first n training and first testN test images of the embedded MNIST.
func mnist(t *testing.T, n, testN int) (train, test data.Set) {
	t.Helper()
	ds, err := data.Load(context.Background(), data.Source{Name: data.MNISTName})
	if err != nil {
		t.Fatalf("load MNIST: %v", err)
	}
	return data.FirstN(ds.Train, n), data.FirstN(ds.Test, testN)
}

// randomLabels returns n labels drawn uniformly from 10 classes with a fixed seed.
func randomLabels(t *testing.T, s data.Set) data.Set {
	t.Helper()
	ds := &data.Dataset{Name: data.MNISTName, Classes: 10, ClassNames: data.MNISTClasses, Train: s, Test: s}
	r, err := data.Apply(ds, data.Randomization{Mode: data.RandomLabels}, 7)
	if err != nil {
		t.Fatal(err)
	}
	return r.Train
}
