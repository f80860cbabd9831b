package experiments

// The first kind of experiment: train a network with SGD with momentum from the fields of
// Config (the paper's every figure and table). Its run loop is run.go.
func init() {
	Register(Kind{Name: KindSGD, Description: "train a network with SGD with momentum (the paper's experiments)", Run: runSGD})
}
