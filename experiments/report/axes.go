package report

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// Range is the extent of an axis, in the data's units.
type Range struct{ Min, Max float64 }

// Ranges are the x and y extents c is drawn with, computed from every finite point of every
// series and every fit mark, so that no curve leaves its plot whatever arrives (a run starting
// high beside one that has fit, a short run, a run of thousands of steps):
//   - the axes start at 0 where c asks (XFromZero, YFromZero), and the y axis keeps its fixed
//     range (YMin, YMax) unless a point falls outside it;
//   - both ends are whole multiples of the axis's tick step, so the first and last ticks are
//     labelled; the y axis keeps headroom above the highest point, and a fit mark at the last
//     step is moved off the right frame, where it could not be seen.
//
// ok is false when c has no point to draw.
func (c Chart) Ranges() (x, y Range, ok bool) {
	x = Range{math.Inf(1), math.Inf(-1)}
	y = x
	grow := func(r *Range, v float64) {
		r.Min, r.Max = math.Min(r.Min, v), math.Max(r.Max, v)
	}
	var marks []float64
	for _, s := range c.Series {
		n := 0
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.X[i]) && finite(s.Y[i]) {
				grow(&x, s.X[i])
				grow(&y, s.Y[i])
				n++
			}
		}
		if n > 0 && finite(s.Mark) {
			grow(&x, s.Mark)
			marks = append(marks, s.Mark)
		}
	}
	if x.Min > x.Max {
		if c.YMax > c.YMin {
			return Range{0, 1}, Range{c.YMin, c.YMax}, false
		}
		return Range{0, 1}, Range{0, 1}, false
	}
	if c.XFromZero {
		x.Min = math.Min(x.Min, 0)
	}
	if c.YFromZero {
		y.Min = math.Min(y.Min, 0)
	}
	fixed := c.YMax > c.YMin
	if fixed {
		y.Min, y.Max = math.Min(y.Min, c.YMin), math.Max(y.Max, c.YMax)
	}
	markAtEnd := false
	for _, m := range marks {
		markAtEnd = markAtEnd || m >= x.Max-1e-9*math.Max(1, math.Abs(x.Max))
	}
	x = nice(x, markAtEnd)
	if !(fixed && y.Min == c.YMin && y.Max == c.YMax) {
		y = nice(y, true)
	}
	return x, y, true
}

// nice widens r to whole multiples of its tick step; with headroom, a maximum that falls on
// (or within 3% of the span below) a multiple gets one more step.
func nice(r Range, headroom bool) Range {
	if r.Max-r.Min <= 0 {
		// One value: widened both ways, but not below 0 when it is not (the first point of a
		// sweep over p, at p = 0, drew an axis from p = -1).
		d := math.Max(math.Abs(r.Max)*0.1, 1)
		lo := r.Min - d
		if r.Min >= 0 {
			lo = math.Max(lo, 0)
		}
		r = Range{lo, r.Max + d}
	}
	step := tickStep(r.Max-r.Min, 5)
	lo, hi := math.Floor(r.Min/step)*step, math.Ceil(r.Max/step)*step
	if headroom && hi-r.Max < 0.03*(hi-lo) {
		hi += step
	}
	if r.Min >= 0 && lo < 0 {
		lo = 0
	}
	return Range{lo, hi}
}

// tickStep is a round step (1, 2, 2.5 or 5 times a power of ten) giving about n ticks over
// span.
func tickStep(span float64, n int) float64 {
	raw := span / float64(max(n, 1))
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*pow*1.0001 {
			return m * pow
		}
	}
	return 10 * pow
}

// ticks labels about n round values (tickStep) across an axis, with no more decimals than the
// step needs: "50000", not "50000.00"; "0.25", not "0.250".
type ticks struct{ n int }

// ticksFor are the tickers of a plot of sz pixels: a label about every 90 pixels across and
// every 45 up, 2 to 10 of them, so that a short plot does not pile its labels up.
func ticksFor(sz Size) (x, y ticks) {
	return ticks{n: min(10, max(2, sz.W/90))}, ticks{n: min(10, max(2, sz.H/45))}
}

// Ticks implements plot.Ticker.
func (t ticks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(lo) || !finite(hi) {
		return nil
	}
	step := tickStep(hi-lo, t.n)
	dec := 0
	if step >= 1 && math.Abs(step-math.Round(step)) > 1e-6 { // 2.5: "2.5 5.0 7.5", not "2 5 8"
		dec = 1
	}
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
		if r := step * math.Pow(10, float64(dec)); math.Abs(r-math.Round(r)) > 1e-6 { // 0.25
			dec++
		}
	}
	var out []plot.Tick
	for i := math.Ceil(lo/step - 1e-9); i*step <= hi+step*1e-9; i++ {
		v := i * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', dec, 64)})
	}
	return out
}
