package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"rethink/experiments"
	"rethink/experiments/earlystop"
)

// writeEarlyStop writes, for the runs of an early-stopping preset, one row per corruption
// level p with the median [range] over its seeds of the best (early-stopped) and the final
// test accuracy, the gain of stopping early, the step of the peak and the step of fit, and how
// many runs peaked before their fit. Runs are matched to their p by name (earlystop.RunName);
// runs that did not finish are left out. Other presets write nothing.
func writeEarlyStop(w io.Writer, sums []experiments.Summary, p experiments.Preset) {
	if p.Group != earlystop.PresetGroup {
		return
	}
	pOf := map[string]float64{}
	for _, c := range p.Runs {
		pOf[c.Name] = c.Randomization.P
	}
	var res []earlystop.Result
	for _, s := range sums {
		pr, known := pOf[s.Name]
		if r, ok := earlystop.FromSummary(s, pr); ok && known {
			res = append(res, r)
		}
	}
	if len(res) == 0 {
		return
	}
	pct := func(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) }
	pts := func(v float64) string { return fmt.Sprintf("%.2f", 100*v) }
	steps := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nearly stopping, median [range] over seeds\tseeds\tbest test\tfinal test\tgain (points)\tpeak step\tfit step\tpeak before fit")
	for _, l := range earlystop.Levels(res) {
		fit := spreadText(l.FitStep, steps)
		if l.Fitted < l.Runs {
			fit = fmt.Sprintf("%d of %d: %s", l.Fitted, l.Runs, fit)
		}
		fmt.Fprintf(tw, "p = %g\t%d\t%s\t%s\t%s\t%s\t%s\t%d of %d\n", l.P, l.Runs, spreadText(l.Best, pct), spreadText(l.Final, pct),
			spreadText(l.Gain, pts), spreadText(l.PeakStep, steps), fit, l.PeakBeforeFit, l.Runs)
	}
	tw.Flush()
}
