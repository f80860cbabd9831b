package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Trend is how one model's time to fit moves with the label corruption p in a sweep (Figure
// 1b): the paper's claim is that it grows with p, by a small constant factor at p = 1.
type Trend struct {
	// Model names the model, as the sweep's charts do.
	Model string
	// P are the corruption levels of the finished runs, ascending; Steps the median steps to
	// 100% training accuracy over the seeds at each, a seed that did not fit counting as the
	// slowest (NaN when half or more did not fit).
	P, Steps []float64
	// Spearman is the Spearman rank correlation of Steps against P over the levels with a
	// median (NaN with fewer than 3 of them): 1 when the medians rise with every step of p,
	// near 0 when they do not follow p.
	Spearman float64
	// Ratio is the median at the largest p over the median at p = 0 (NaN when either is missing).
	Ratio float64
}

// Rises reports whether the medians rise with p as the paper's Figure 1b: a Spearman rank
// correlation of at least min over 3 or more levels and more steps at the largest p than at
// p = 0.
func (t Trend) Rises(min float64) bool {
	return t.Spearman >= min && t.Ratio > 1
}

// String is the trend in one line: "MLP 1x512: 400, 620, ... steps for p = 0, 0.2, ...;
// Spearman 0.94 over p, p = 1 at 2.6x p = 0".
func (t Trend) String() string {
	steps := make([]string, len(t.Steps))
	ps := make([]string, len(t.P))
	for i, s := range t.Steps {
		steps[i] = "not fitted"
		if finite(s) {
			steps[i] = Thousands(int64(math.Round(s)))
		}
		ps[i] = fmt.Sprintf("%g", t.P[i])
	}
	out := fmt.Sprintf("%s: median steps to fit %s for p = %s", t.Model, strings.Join(steps, ", "), strings.Join(ps, ", "))
	if finite(t.Spearman) {
		out += fmt.Sprintf("; Spearman %.2f over p", t.Spearman)
	}
	if finite(t.Ratio) && len(t.P) > 0 {
		out += fmt.Sprintf(", p = %g at %.1fx p = 0", t.P[len(t.P)-1], t.Ratio)
	}
	return out
}

// FitTrends are the trends of a label-corruption sweep, one per model in the order the models
// first appear, from the finished runs (nil when the runs are not a sweep).
func FitTrends(runs []Run) []Trend {
	if !IsSweep(runs) {
		return nil
	}
	order, byModel := sweepPoints(runs)
	var out []Trend
	for _, m := range order {
		t := Trend{Model: m, Ratio: math.NaN()}
		base := math.NaN()
		var xs, ys []float64
		for _, pt := range byModel[m] {
			t.P, t.Steps = append(t.P, pt.p), append(t.Steps, pt.fitMark)
			if finite(pt.fitMark) {
				xs, ys = append(xs, pt.p), append(ys, pt.fitMark)
				if pt.p == 0 {
					base = pt.fitMark
				}
			}
		}
		t.Spearman = math.NaN()
		if len(xs) >= 3 {
			t.Spearman = Spearman(xs, ys)
		}
		if n := len(t.Steps); n > 0 && finite(base) && base > 0 {
			t.Ratio = t.Steps[n-1] / base
		}
		out = append(out, t)
	}
	return out
}

// Spearman is the Spearman rank correlation of x and y (the Pearson correlation of their
// ranks, tied values taking the mean of their ranks), in [-1, 1]. It is NaN when the lengths
// differ, there are fewer than 2 values, or either side is constant.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		return math.NaN()
	}
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// ranks are the ranks of v from 1, ties sharing the mean of the ranks they span.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}
