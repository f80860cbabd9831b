// Package theory computes the explanations of Zhang et al. (2017) beside its experiments:
// Theorem 1's two-layer ReLU network of 2n + d weights built in closed form (theorem1.go), SGD's
// convergence to the minimum-norm solution of an underdetermined least-squares problem
// (minnorm.go), and exact interpolation with a Gaussian kernel on raw pixels up to all of MNIST
// (kernel.go, solved by preconditioned conjugate gradients on a kernel matrix held once inside
// TensorFlow; memory.go refuses sizes that do not fit).
//
// Every entry point takes a context, checked between TensorFlow calls, and a Progress callback;
// each builds and owns its TensorFlow session and closes it before returning. Results are plain
// Go values. Functions may be called from any goroutine but not from the UI goroutine: they
// block for as long as the computation takes.
package theory
