package archnoise

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"

	"rethink/experiments"
)

// MinSignal is the least clean signal, acc_0 - chance (a fraction of the test set), that the
// share kept is measured against: below one point above chance the share would be a quotient
// of two noises (and at chance a division by zero), so it is left undefined (ErrNoCleanSignal).
const MinSignal = 0.01

// Errors of SignalKept, saying why a share of signal is undefined.
var (
	// ErrNoCleanSignal: the clean accuracy acc_0 is not MinSignal above chance, so there is no
	// signal to keep a share of.
	ErrNoCleanSignal = errors.New("archnoise: no clean signal to keep (accuracy at p = 0 within one point of chance)")
	// ErrNoAccuracy: an accuracy or the chance level is not a number in [0, 1].
	ErrNoAccuracy = errors.New("archnoise: accuracy not measured")
)

// SignalKept is the share of the clean signal a network keeps at corruption p:
// (accP - chance) / (acc0 - chance), where accP is its test accuracy at p, acc0 its test
// accuracy on clean labels (p = 0) and chance the accuracy of a guess (all fractions in [0, 1]).
// 1 keeps all of it, 0 is chance, below 0 is worse than chance. It fails with ErrNoCleanSignal
// when acc0 - chance < MinSignal and with ErrNoAccuracy when an input is NaN or outside [0, 1].
func SignalKept(accP, acc0, chance float64) (float64, error) {
	for _, v := range []float64{accP, acc0, chance} {
		if !(v >= 0 && v <= 1) {
			return math.NaN(), ErrNoAccuracy
		}
	}
	if acc0-chance < MinSignal-1e-12 { // the tolerance keeps 0.11 - 0.1 from falling short of 0.01
		return math.NaN(), ErrNoCleanSignal
	}
	return (accP - chance) / (acc0 - chance), nil
}

// Point is what the measures need of one ended run of a sweep: fractions in [0, 1], times in
// SGD steps and seconds of wall time since the run started (evaluations included).
type Point struct {
	// Model is the network's display name ("MLP 1x512"); P the label corruption.
	Model string
	P     float64
	Seed  uint64
	// TestAcc and TrainAcc are the final accuracies (the training set's with its corrupted
	// labels, in evaluation mode).
	TestAcc, TrainAcc float64
	// FitStep is the first step at 100% training accuracy (-1: not fitted); FitSeconds the
	// wall time at that check (NaN: not fitted).
	FitStep    int
	FitSeconds float64
	// Chance is the test accuracy of a guess: 1 / classes.
	Chance float64
}

// Fitted reports whether the run fitted its training set.
func (p Point) Fitted() bool { return p.FitStep >= 0 }

// Chance is the accuracy of a uniform guess on the data sets of rethink, which all have ten
// classes (MNIST, Fashion-MNIST, CIFAR-10).
const Chance = 0.1

// PointOf is the point of a stored run; ok is false for a run that has not ended done (still
// running, cancelled, killed, failed or diverged) or has no evaluation.
func PointOf(rec experiments.RunRecord) (Point, bool) {
	s := rec.Summary
	if s.Status != experiments.StatusDone || len(rec.Metrics) == 0 {
		return Point{}, false
	}
	last := rec.Metrics[len(rec.Metrics)-1]
	return Point{Model: rec.Config.Model.String(), P: rec.Config.Randomization.P, Seed: rec.Config.Seed,
		TestAcc: last.TestAcc, TrainAcc: last.TrainAcc, FitStep: s.FitStep,
		FitSeconds: FitSeconds(rec.Metrics, s.FitStep), Chance: Chance}, true
}

// FitSeconds is the wall time of the fit at fitStep: the seconds of the first evaluation at or
// after it (exact when the fit is checked at epoch ends, as the presets do; an upper bound by
// less than an epoch when it was found by a check inside an epoch). NaN when fitStep < 0.
func FitSeconds(rows []experiments.Metrics, fitStep int) float64 {
	if fitStep < 0 {
		return math.NaN()
	}
	for _, m := range rows {
		if m.Step >= fitStep {
			return m.Seconds
		}
	}
	return math.NaN()
}

// Measure is one run's measures: its point, the clean accuracy its share of signal is taken
// against, the share, and the 1 - p a pure memorizer of the corrupted part would keep.
type Measure struct {
	Point
	// Acc0 is the clean test accuracy of the same network (NaN: none); Acc0From says where it
	// comes from: "same seed" (the run of the same network and seed at p = 0), "median of N
	// seeds" (no run of that seed at p = 0: the median over the seeds there) or "" (none).
	Acc0     float64
	Acc0From string
	// SignalKept is SignalKept(TestAcc, Acc0, Chance) (NaN when undefined); Why says why it is
	// undefined ("" when it is defined).
	SignalKept float64
	Why        string
	// Memorizer is 1 - P: the share a network keeps that learns the clean part of the labels
	// as well as it would alone and memorizes the corrupted part without generalizing from it,
	// if the share kept fell in proportion to the clean labels.
	Memorizer float64
}

// Measures computes the measures of points: each point's share of signal against the run of the
// same network and seed at p = 0, or, when that seed has none, the median clean accuracy over
// the seeds of that network at p = 0. Order is kept.
func Measures(points []Point) []Measure {
	clean := map[string]map[uint64]float64{} // model -> seed -> acc at p = 0
	for _, pt := range points {
		if pt.P == 0 {
			if clean[pt.Model] == nil {
				clean[pt.Model] = map[uint64]float64{}
			}
			clean[pt.Model][pt.Seed] = pt.TestAcc
		}
	}
	out := make([]Measure, len(points))
	for i, pt := range points {
		m := Measure{Point: pt, Acc0: math.NaN(), SignalKept: math.NaN(), Memorizer: 1 - pt.P}
		byseed := clean[pt.Model]
		if a, ok := byseed[pt.Seed]; ok {
			m.Acc0, m.Acc0From = a, "same seed"
		} else if len(byseed) > 0 {
			vs := make([]float64, 0, len(byseed))
			for _, a := range byseed {
				vs = append(vs, a)
			}
			m.Acc0, m.Acc0From = SpreadOf(vs).Median, "median of "+experiments.Count(len(vs), "seed")
		}
		if m.Acc0From == "" {
			m.Why = "no run at p = 0"
		} else if s, err := SignalKept(pt.TestAcc, m.Acc0, pt.Chance); err != nil {
			m.Why = err.Error()
		} else {
			m.SignalKept = s
		}
		out[i] = m
	}
	return out
}

// Spread is experiments.Spread: the median and range of a number over the seeds that have it.
type Spread = experiments.Spread

// SpreadOf is experiments.SpreadOf: the Spread of the finite values of vs.
func SpreadOf(vs []float64) Spread { return experiments.SpreadOf(vs) }

// Cell is one network at one p over its seeds: medians and ranges of the measures. The times
// to fit are over the runs that fitted (Fitted of Runs).
type Cell struct {
	Model                string
	P                    float64
	Runs, Fitted         int
	TestAcc, TrainAcc    Spread
	SignalKept           Spread
	FitSteps, FitSeconds Spread
	Memorizer            float64
}

// MostFitted reports whether more than half of the cell's runs fitted: then its time to fit is
// drawn (at the median of those that did).
func (c Cell) MostFitted() bool { return 2*c.Fitted > c.Runs }

// Cells groups measures by network (in the order networks first appear) and p (ascending).
func Cells(ms []Measure) []Cell {
	var models []string
	by := map[string]map[float64][]Measure{}
	for _, m := range ms {
		if by[m.Model] == nil {
			by[m.Model] = map[float64][]Measure{}
			models = append(models, m.Model)
		}
		by[m.Model][m.P] = append(by[m.Model][m.P], m)
	}
	var out []Cell
	for _, model := range models {
		var ps []float64
		for p := range by[model] {
			ps = append(ps, p)
		}
		slices.Sort(ps)
		for _, p := range ps {
			g := by[model][p]
			c := Cell{Model: model, P: p, Runs: len(g), Memorizer: 1 - p}
			var te, tr, sk, st, sec []float64
			for _, m := range g {
				te, tr, sk = append(te, m.TestAcc), append(tr, m.TrainAcc), append(sk, m.SignalKept)
				if m.Fitted() {
					c.Fitted++
					st, sec = append(st, float64(m.FitStep)), append(sec, m.FitSeconds)
				}
			}
			c.TestAcc, c.TrainAcc, c.SignalKept = SpreadOf(te), SpreadOf(tr), SpreadOf(sk)
			c.FitSteps, c.FitSeconds = SpreadOf(st), SpreadOf(sec)
			out = append(out, c)
		}
	}
	return out
}

// num formats v for a CSV ("" for NaN).
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// WriteMeasuresCSV writes one row per run: network, p, seed, accuracies (fractions), the clean
// accuracy and where it comes from, the share of signal kept (empty when undefined, with why),
// 1 - p, whether it fitted, and steps and seconds to fit (empty when not fitted).
func WriteMeasuresCSV(w io.Writer, ms []Measure) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"model", "p", "seed", "test_acc", "train_acc", "chance", "acc0", "acc0_from",
		"signal_kept", "memorizer_1_minus_p", "fitted", "fit_steps", "fit_seconds", "note"})
	for _, m := range ms {
		steps := ""
		if m.Fitted() {
			steps = strconv.Itoa(m.FitStep)
		}
		cw.Write([]string{m.Model, num(m.P), strconv.FormatUint(m.Seed, 10), num(m.TestAcc), num(m.TrainAcc),
			num(m.Chance), num(m.Acc0), m.Acc0From, num(m.SignalKept), num(m.Memorizer),
			strconv.FormatBool(m.Fitted()), steps, num(m.FitSeconds), m.Why})
	}
	cw.Flush()
	return cw.Error()
}

// WriteCellsCSV writes one row per network and p: the number of runs and of those that fitted,
// and the median, min and max over the seeds of test accuracy, training accuracy, the share
// of signal kept, and steps and seconds to fit (over the runs that fitted), beside 1 - p.
func WriteCellsCSV(w io.Writer, cells []Cell) error {
	cw := csv.NewWriter(w)
	head := []string{"model", "p", "runs", "fitted", "memorizer_1_minus_p"}
	for _, n := range []string{"test_acc", "train_acc", "signal_kept", "fit_steps", "fit_seconds"} {
		head = append(head, n+"_median", n+"_min", n+"_max")
	}
	cw.Write(head)
	for _, c := range cells {
		row := []string{c.Model, num(c.P), strconv.Itoa(c.Runs), strconv.Itoa(c.Fitted), num(c.Memorizer)}
		for _, s := range []Spread{c.TestAcc, c.TrainAcc, c.SignalKept, c.FitSteps, c.FitSeconds} {
			row = append(row, num(s.Median), num(s.Min), num(s.Max))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
