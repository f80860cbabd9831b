package experiments

// Count is n followed by noun, singular for one and plural (noun+"s") for any other number,
// with commas between groups of three digits: Count(1, "run") is "1 run", Count(0, "run")
// "0 runs", Count(1200, "step") "1,200 steps". Every noun the app and the reports count (run,
// file, seed, epoch, step, channel, worker) takes an s.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return grouped(n) + " " + noun + "s"
}
