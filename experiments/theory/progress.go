package theory

// Progress is told how far a computation is: done out of total units of the stage what (e.g.
// "kernel matrix", "conjugate gradients"). It is called on the computing goroutine, at most a
// few times a second per stage, and must return quickly. A nil Progress is allowed.
type Progress func(done, total int, what string)

func (p Progress) report(done, total int, what string) {
	if p != nil {
		p(done, total, what)
	}
}
