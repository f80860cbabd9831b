// Package tfgraph builds TensorFlow graphs for the small networks of Zhang et al. (2017):
// layers, resource variables, the paper's models, softmax cross-entropy, SGD with momentum, the
// data held inside the graph, devices, checkpoints, and TensorBoard summaries (SummaryWriter,
// ReadEventLog). It imports graft only and hands back plain Go values.
//
// Threading: a Model, its graph and its session belong to the goroutine that built it. None of its
// methods may be called concurrently.
package tfgraph
