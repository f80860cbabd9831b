package report

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"

	"rethink/experiments"
	"rethink/experiments/archnoise"
	"rethink/experiments/layers"
	"rethink/experiments/theory"
)

// FiguresOf makes the figures of an experiment by the kind of its first run: TheoryFigures
// for package theory's kinds, LayersFigures for the layers kind, ArchFigures for package
// archnoise's, EarlyStopFigures for the runs of an early-stopping preset, Charts otherwise.
func FiguresOf(runs []Run) Figures {
	if len(runs) > 0 && theory.IsTheoryKind(runs[0].Config.KindName()) {
		return TheoryFigures(runs)
	}
	if len(runs) > 0 && runs[0].Config.KindName() == layers.Kind {
		return LayersFigures(runs)
	}
	if IsEarlyStop(runs) {
		return EarlyStopFigures(runs)
	}
	if len(runs) > 0 && runs[0].Config.KindName() == archnoise.Kind {
		return ArchFigures(runs)
	}
	return Charts(runs)
}

// TheoryFigures draws the runs of one of package theory's kinds (the first run's kind) as four
// charts in the places of Figures (Sweep set, so that the app lays them out 2x2), named by
// Names. Each run's numbers come from its summary's details, so a run draws once it has ended.
//
//   - theorem1: the largest residual against n in float32 and float64 with the smallest gap
//     between sorted projections (log), the triangular matrix, training accuracy against n,
//     and the training accuracy of the preset's SGD runs (the MLP of about the same size).
//   - minnorm: the relative distance to the minimum-norm interpolant W* (log), the training
//     loss (log), the norms beside ||W*||, and the distance to the interpolant predicted from
//     the start (log).
//   - kernel: test error against n with the paper's point, the conjugate-gradient residual per
//     iteration (log), training accuracy per iteration, and the time of each run.
func TheoryFigures(runs []Run) Figures {
	kind := ""
	if len(runs) > 0 {
		kind = runs[0].Config.KindName()
	}
	runs = colored(runs)
	switch kind {
	case theory.KindTheorem1:
		return theorem1Figures(runs)
	case theory.KindMinNorm:
		return minNormFigures(runs)
	case theory.KindKernel:
		return kernelFigures(runs)
	}
	return Charts(runs)
}

const waitNote = "waiting for the run to finish"

// details decodes the summary details of the runs of kind into new values of T, with each
// run's index (runs of other kinds and runs without details are left out).
func details[T any](runs []Run, kind string) (idx []int, out []T) {
	for i, r := range runs {
		if r.Config.KindName() != kind || r.Summary == nil || len(r.Summary.Details) == 0 {
			continue
		}
		var v T
		if json.Unmarshal(r.Summary.Details, &v) == nil {
			idx, out = append(idx, i), append(out, v)
		}
	}
	return idx, out
}

func theorem1Figures(runs []Run) Figures {
	idx, dets := details[theory.Theorem1Details](runs, theory.KindTheorem1)
	res := Chart{Title: "Theorem 1: largest residual |c(x_i) - y_i| against n", XLabel: "n (training images)",
		YLabel: "residual, gap (log)", LogX: true, LogY: true, Scatter: true, Empty: waitNote}
	acc := Chart{Title: "Theorem 1: training accuracy of the closed-form network", XLabel: "n (training images)",
		YLabel: "accuracy %", LogX: true, Scatter: true, YMin: 0, YMax: 105, Empty: waitNote}
	pic := Chart{Title: "The triangular matrix A_ij = ReLU(z_i - b_j), sorted", XLabel: "j (threshold)", YLabel: "i (image)", Empty: waitNote}
	for k, d := range dets {
		name := runs[idx[k]].Label()
		var n, r32, r64, gap, a32, a64 []float64
		for _, p := range d.Points {
			n = append(n, float64(p.N))
			r32, r64, gap = append(r32, p.MaxResidual32), append(r64, p.MaxResidual64), append(gap, p.MinGap)
			a32, a64 = append(a32, 100*p.TrainAcc32), append(a64, 100*p.TrainAcc64)
		}
		c := 3 * k
		res.Series = append(res.Series,
			Series{Name: name + ": float32", Color: c, X: n, Y: r32, Mark: math.NaN()},
			Series{Name: name + ": float64", Color: c + 1, X: n, Y: r64, Mark: math.NaN()},
			Series{Name: "smallest gap of sorted projections", Color: c + 2, X: n, Y: gap, Dash: true, Mark: math.NaN()})
		acc.Series = append(acc.Series,
			Series{Name: name + ": float32", Color: c, X: n, Y: a32, Mark: math.NaN()},
			Series{Name: name + ": float64", Color: c + 1, X: n, Y: a64, Mark: math.NaN()})
		if pic.Grid == nil && d.Picture != nil {
			pic.Grid = d.Picture
			last := d.Points[0]
			pic.Title = fmt.Sprintf("A_ij = ReLU(z_i - b_j), n = %d: %s weights = 2n + d",
				d.PictureN, thousandsInt(last.Weights))
			if last.Weights != last.TwoNPlusD {
				pic.Title = fmt.Sprintf("A_ij = ReLU(z_i - b_j), n = %d: %s weights (%d outputs; 2n + d = %s)",
					d.PictureN, thousandsInt(last.Weights), (last.Weights-last.TwoNPlusD)/d.PictureN+1, thousandsInt(last.TwoNPlusD))
			}
		}
	}
	// The SGD contrast: the preset's runs of kind sgd, training accuracy per epoch.
	var sgd []Run
	for _, r := range runs {
		if r.Config.KindName() == experiments.KindSGD {
			sgd = append(sgd, r)
		}
	}
	contrast := AccuracyChart(sgd)
	contrast.Title = "SGD on the same kind of labels: an MLP of about the same size"
	contrast.Empty = "no SGD run in this experiment"
	if len(sgd) == 0 { // no contrast: the test accuracy against n instead
		contrast = Chart{Title: "Theorem 1: test accuracy against n (chance: 10%)", XLabel: "n (training images)", YLabel: "accuracy %",
			LogX: true, Scatter: true, YMin: 0, YMax: 105, Empty: waitNote}
		for k, d := range dets {
			var n, t32, t64 []float64
			for _, p := range d.Points {
				if p.TestAcc64 >= 0 {
					n, t32, t64 = append(n, float64(p.N)), append(t32, 100*p.TestAcc32), append(t64, 100*p.TestAcc64)
				}
			}
			name := runs[idx[k]].Label()
			contrast.Series = append(contrast.Series, Series{Name: name + ": float32", Color: 3 * k, X: n, Y: t32, Mark: math.NaN()},
				Series{Name: name + ": float64", Color: 3*k + 1, X: n, Y: t64, Mark: math.NaN()})
		}
	}
	return Figures{Loss: res, Accuracy: pic, Sweep: true, Fit: acc, TestError: contrast,
		Names: &[4]string{"theorem1-residual", "theorem1-matrix", "theorem1-accuracy", "theorem1-sgd-contrast"}}
}

func minNormFigures(runs []Run) Figures {
	idx, dets := details[theory.MinNormDetails](runs, theory.KindMinNorm)
	dist := Chart{Title: "Relative distance ||W - W*|| / ||W*|| to the minimum-norm interpolant", XLabel: "epoch",
		YLabel: "relative distance (log)", LogY: true, Empty: waitNote}
	loss := Chart{Title: "Training loss 1/(2n) ||XW - Y||^2", XLabel: "epoch", YLabel: "loss (log)", LogY: true, Empty: waitNote}
	norms := Chart{Title: "Norm ||W|| (dashed: ||W*|| and ||W* + null-space part of the start||)", XLabel: "epoch", YLabel: "norm",
		YFromZero: true, Empty: waitNote}
	pred := Chart{Title: "Distance to W* + (I - P_row) W0, the interpolant nearest the start", XLabel: "epoch",
		YLabel: "relative distance (log)", LogY: true, Empty: waitNote}
	for k, d := range dets {
		name, col := runs[idx[k]].Label(), runs[idx[k]].Color
		var e, di, lo, no, dp []float64
		for _, p := range d.Curve {
			e = append(e, float64(p.Epoch))
			di, lo, no, dp = append(di, p.Dist), append(lo, p.Loss), append(no, p.Norm), append(dp, p.DistPredicted)
		}
		dist.Series = append(dist.Series, Series{Name: name, Color: col, X: e, Y: di, Mark: math.NaN()})
		loss.Series = append(loss.Series, Series{Name: name, Color: col, X: e, Y: lo, Mark: math.NaN()})
		pred.Series = append(pred.Series, Series{Name: name, Color: col, X: e, Y: dp, Mark: math.NaN()})
		norms.Series = append(norms.Series, Series{Name: fmt.Sprintf("%s (start %.3g)", name, d.NormStart), Color: col, X: e, Y: no, Mark: math.NaN()})
		if len(e) > 0 {
			ends := []float64{e[0], e[len(e)-1]}
			ref := d.NormPredicted
			norms.Series = append(norms.Series, Series{Color: col, X: ends, Y: []float64{ref, ref}, Dash: true, Mark: math.NaN()})
		}
	}
	if len(dets) > 0 {
		d := dets[0]
		norms.Series = append(norms.Series, Series{Name: fmt.Sprintf("||W*|| = %.3g", d.NormStar), Color: 8,
			X: []float64{0, float64(d.Curve[len(d.Curve)-1].Epoch)}, Y: []float64{d.NormStar, d.NormStar}, Dash: true, Mark: math.NaN()})
	}
	return Figures{Loss: dist, Accuracy: loss, Sweep: true, Fit: norms, TestError: pred,
		Names: &[4]string{"minnorm-distance", "minnorm-loss", "minnorm-norms", "minnorm-distance-predicted"}}
}

func kernelFigures(runs []Run) Figures {
	idx, dets := details[theory.KernelDetails](runs, theory.KindKernel)
	errN := Chart{Title: fmt.Sprintf("Kernel interpolation: test error against n (paper: %.1f%% at 60,000)", theory.PaperKernelTestError),
		XLabel: "n (training images)", YLabel: "test error (%)", LogX: true, Scatter: true, YFromZero: true, Empty: waitNote}
	resid := Chart{Title: "Conjugate gradients: relative residual ||Y - K alpha|| / ||Y||", XLabel: "iteration",
		YLabel: "relative residual (log)", LogY: true, Empty: waitNote}
	train := Chart{Title: "Training accuracy of K alpha per iteration", XLabel: "iteration", YLabel: "accuracy %",
		YMin: 0, YMax: 105, Empty: waitNote}
	times := Chart{Title: "Wall time of the solve against n (kernel matrix, preconditioner, CG, test)", XLabel: "n (training images)",
		YLabel: "seconds", LogX: true, Scatter: true, YFromZero: true, Empty: waitNote}
	// Runs with the same labels and ridge make one curve against n.
	type key struct {
		mode  string
		ridge float64
	}
	curves := map[key][][3]float64{}
	var order []key
	for k, d := range dets {
		r := runs[idx[k]]
		name, col := r.Label(), r.Color
		var it, re, tr []float64
		for _, p := range d.Curve {
			it, re, tr = append(it, float64(p.Iter)), append(re, p.Residual), append(tr, 100*p.TrainAcc)
		}
		resid.Series = append(resid.Series, Series{Name: name, Color: col, X: it, Y: re, Mark: math.NaN()})
		train.Series = append(train.Series, Series{Name: name, Color: col, X: it, Y: tr, Mark: math.NaN()})
		if d.TestAcc < 0 {
			continue
		}
		kk := key{r.Config.Randomization.Mode.String(), d.Ridge}
		if _, ok := curves[kk]; !ok {
			order = append(order, kk)
		}
		total := d.KernelSeconds + d.EigenSeconds + d.SolveSeconds + d.PredictSeconds
		curves[kk] = append(curves[kk], [3]float64{float64(d.N), d.TestError, total})
	}
	for i, kk := range order {
		pts := curves[kk]
		sort.Slice(pts, func(a, b int) bool { return pts[a][0] < pts[b][0] })
		name := kk.mode
		if kk.ridge > 0 {
			name += fmt.Sprintf(", ridge %g", kk.ridge)
		}
		var x, y, t []float64
		for _, p := range pts {
			x, y, t = append(x, p[0]), append(y, p[1]), append(t, p[2])
		}
		errN.Series = append(errN.Series, Series{Name: "ours: " + name, Color: i, X: x, Y: y, Mark: math.NaN()})
		times.Series = append(times.Series, Series{Name: name, Color: i, X: x, Y: t, Mark: math.NaN()})
	}
	if len(errN.Series) > 0 {
		errN.Series = append(errN.Series, Series{Name: "paper (Zhang et al. 2017)", Color: 8, X: []float64{60000},
			Y: []float64{theory.PaperKernelTestError}, Mark: math.NaN()})
	}
	return Figures{Loss: errN, Accuracy: resid, Sweep: true, Fit: train, TestError: times,
		Names: &[4]string{"kernel-test-error", "kernel-residual", "kernel-train-accuracy", "kernel-time"}}
}

// positive leaves out the points a log axis cannot show.
func (c Chart) positive(pts plotter.XYs) plotter.XYs {
	if !c.LogX && !c.LogY {
		return pts
	}
	out := pts[:0:0]
	for _, p := range pts {
		if (!c.LogX || p.X > 0) && (!c.LogY || p.Y > 0) {
			out = append(out, p)
		}
	}
	return out
}

// logAxes puts the log axes on p once something is drawn (an empty plot keeps linear axes
// for its note).
func (c Chart) logAxes(p *plot.Plot, drawn bool) {
	if !drawn {
		return
	}
	if c.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: 1}
		p.X.Min = math.Max(p.X.Min, math.SmallestNonzeroFloat64)
	}
	if c.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: 1}
		if p.Y.Min <= 0 {
			p.Y.Min = math.SmallestNonzeroFloat64
		}
	}
}

// grid is a [][]float64 as a GridXYZ: row 0 at the top.
type grid [][]float64

func (g grid) Dims() (c, r int)   { return len(g[0]), len(g) }
func (g grid) Z(c, r int) float64 { return g[len(g)-1-r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// addGrid draws c.Grid as a heat map (blue low, red high) and reports whether it drew.
func (c Chart) addGrid(p *plot.Plot) bool {
	if len(c.Grid) == 0 || len(c.Grid[0]) == 0 {
		return false
	}
	for _, row := range c.Grid {
		if len(row) != len(c.Grid[0]) {
			return false
		}
		for _, v := range row {
			if !finite(v) {
				return false
			}
		}
	}
	var pal palette.Palette = moreland.SmoothBlueRed().Palette(64)
	if c.GridGray {
		pal = grayPalette(64)
	}
	h := plotter.NewHeatMap(grid(c.Grid), pal)
	if c.GridMax > c.GridMin {
		h.Min, h.Max = c.GridMin, c.GridMax
	}
	if h.Min == h.Max {
		h.Max = h.Min + 1
	}
	p.Add(h)
	p.Y.Tick.Marker = plot.ConstantTicks(nil)
	p.X.Tick.Marker = plot.ConstantTicks(nil)
	return true
}

// thousandsInt formats n with comma separators.
func thousandsInt(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// grayPalette is n grey levels from black to white.
type grayPalette int

func (n grayPalette) Colors() []color.Color {
	out := make([]color.Color, n)
	for i := range out {
		v := uint8(255 * i / max(int(n)-1, 1))
		out[i] = color.Gray{Y: v}
	}
	return out
}
