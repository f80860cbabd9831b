package experiments

import (
	"math"
	"sort"
)

// Spread is the median and range of a number over the seeds that have it: Median (the mean of
// the middle two for an even count), Min and Max, over N finite values (N = 0: all three NaN).
type Spread struct {
	Median, Min, Max float64
	N                int
}

// SpreadOf is the Spread of the finite values of vs; NaN and infinities are left out.
func SpreadOf(vs []float64) Spread {
	var f []float64
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			f = append(f, v)
		}
	}
	if len(f) == 0 {
		return Spread{Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	sort.Float64s(f)
	n := len(f)
	med := f[n/2]
	if n%2 == 0 {
		med = (f[n/2-1] + f[n/2]) / 2
	}
	return Spread{Median: med, Min: f[0], Max: f[n-1], N: n}
}
