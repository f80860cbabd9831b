package report

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"rethink/experiments"
	"rethink/experiments/layers"
)

func init() { layers.FigureWriter = WriteLayersFigures }

// layersNames are the file names of the four charts of LayersFigures.
var layersNames = [4]string{"probe-accuracy", "cka-same-layer", "cka-matrix", "top-patches"}

// layersViews name the app's three views of them.
var layersViews = [3]string{"Probes and CKA per layer", "CKA heat map", "Top patches"}

// layersRun is one finished "layers" run's details with the run it came from.
type layersRun struct {
	run Run
	det layers.Details
}

// layersRuns decodes the details of the finished "layers" runs, grouped by model (in the order
// the models first come), each group's runs one per seed.
func layersRuns(runs []Run) [][]layersRun {
	var groups [][]layersRun
	at := map[string]int{}
	for _, r := range runs {
		if r.Config.KindName() != layers.Kind || r.Summary == nil || len(r.Summary.Details) == 0 {
			continue
		}
		var d layers.Details
		if json.Unmarshal(r.Summary.Details, &d) != nil || len(d.Nets) == 0 {
			continue
		}
		i, ok := at[d.Model]
		if !ok {
			i = len(groups)
			at[d.Model] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], layersRun{run: r, det: d})
	}
	return groups
}

// spread is the median, lowest and highest of each position of equal-length rows (NaN where a
// row has no finite value).
func spread(rows [][]float64) (med, lo, hi []float64) {
	if len(rows) == 0 {
		return nil, nil, nil
	}
	n := len(rows[0])
	for i := range n {
		var vs []float64
		for _, r := range rows {
			if i < len(r) && finite(r[i]) {
				vs = append(vs, r[i])
			}
		}
		if len(vs) == 0 {
			med, lo, hi = append(med, math.NaN()), append(lo, math.NaN()), append(hi, math.NaN())
			continue
		}
		sort.Float64s(vs)
		m := vs[len(vs)/2]
		if len(vs)%2 == 0 {
			m = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
		}
		med, lo, hi = append(med, m), append(lo, vs[0]), append(hi, vs[len(vs)-1])
	}
	return med, lo, hi
}

// layerAxis names the layers of a group on the x axis label.
func layerAxis(d layers.Details) string {
	names := make([]string, len(d.Layers))
	for i, l := range d.Layers {
		names[i] = fmt.Sprintf("%d %s", i, l.Name)
	}
	return "layer: " + strings.Join(names, ", ")
}

// LayersFigures draws "layers" runs (experiments/layers) as four charts in the places of
// Figures, named by Names, from each finished run's details (medians over seeds, shaded:
// range):
//
//   - probe test accuracy against layer (0 = the input pixels), one curve per model and
//     labeling, beside chance;
//   - linear CKA between the same layer of the true-label network and each other network;
//   - the layer-by-layer CKA heat map of the first model's true-label against its last network
//     (random labels in the presets), rows the true-label network's layers from the input
//     down, columns the other's from the input rightwards;
//   - the top patches of the first model's last conv layer: per network a block of rows (the
//     channels) of patches (strongest first), true labels left.
func LayersFigures(runs []Run) Figures {
	groups := layersRuns(runs)
	probe := Chart{Title: "Linear probe test accuracy per layer", YLabel: "probe test accuracy %", XLabel: "layer (0: input pixels)",
		Scatter: true, YMin: 0, YMax: 100, Empty: waitNote, XSteps: true}
	same := Chart{Title: "Linear CKA with the true-label network, same layer", YLabel: "CKA", XLabel: "layer (0: input pixels)",
		Scatter: true, YMin: 0, YMax: 1.05, Empty: waitNote, XSteps: true}
	heat := Chart{Title: "Linear CKA, layer by layer", Empty: waitNote}
	mosaic := Chart{Title: "Top patches", Empty: "waiting for a network with conv layers", GridGray: true}
	col := 0
	multi := false
	for gi, g := range groups {
		d0 := g[0].det
		if len(groups) == 1 {
			probe.XLabel, same.XLabel = layerAxis(d0), layerAxis(d0)
		}
		multi = multi || len(g) > 1
		x := make([]float64, len(d0.Layers))
		for i := range x {
			x[i] = float64(i)
		}
		for ni, n := range d0.Nets {
			var rows [][]float64
			for _, lr := range g {
				if ni < len(lr.det.Nets) {
					rows = append(rows, scale(lr.det.Nets[ni].Probe, 100))
				}
			}
			med, lo, hi := spread(rows)
			s := Series{Name: fmt.Sprintf("%s: %s", d0.Model, n.Name), Color: col, X: x, Y: med, Mark: math.NaN()}
			if len(rows) > 1 {
				s.Lo, s.Hi = lo, hi
			}
			probe.Series = append(probe.Series, s)
			col++
		}
		for pi, p := range d0.CKA {
			if p.A == p.B {
				continue
			}
			var rows [][]float64
			for _, lr := range g {
				if pi < len(lr.det.CKA) {
					rows = append(rows, lr.det.CKA[pi].Same)
				}
			}
			med, lo, hi := spread(rows)
			s := Series{Name: fmt.Sprintf("%s: %s vs %s", d0.Model, p.A, p.B), Color: col, X: x, Y: med, Mark: math.NaN(), Dash: true}
			if len(rows) > 1 {
				s.Lo, s.Hi = lo, hi
			}
			same.Series = append(same.Series, s)
			col++
		}
		if gi == 0 {
			last := -1
			for pi, p := range d0.CKA {
				if p.A != p.B {
					last = pi
				}
			}
			if last >= 0 {
				var mats [][]float64
				for _, lr := range g {
					var flat []float64
					for _, row := range lr.det.CKA[last].Matrix {
						flat = append(flat, row...)
					}
					mats = append(mats, flat)
				}
				med, _, _ := spread(mats)
				nl := len(d0.CKA[last].Matrix)
				for i := range nl {
					heat.Grid = append(heat.Grid, med[i*nl:(i+1)*nl])
				}
				heat.Title = fmt.Sprintf("Linear CKA, %s: rows %s, columns %s (input first); blue 0, red 1", d0.Model, d0.CKA[last].A, d0.CKA[last].B)
				heat.GridMin, heat.GridMax = 0, 1
			}
		}
		if mosaic.Grid == nil {
			for _, lr := range g {
				if lr.run.Summary.Dir == "" {
					continue
				}
				p, err := layers.ReadPatches(lr.run.Summary.Dir)
				if err != nil || len(p.Nets) == 0 || len(p.Nets[0].Layers) == 0 {
					continue
				}
				layer := p.Nets[0].Layers[len(p.Nets[0].Layers)-1].Layer
				mosaic.Grid = MosaicGrid(p, layer)
				mosaic.Title = fmt.Sprintf("%s, %s: top patches of %s (rows), %s", d0.Model, layer, experiments.Count(len(p.Nets[0].Layers[len(p.Nets[0].Layers)-1].Channels), "channel"), netsLeftToRight(p))
				break
			}
		}
	}
	if multi {
		probe.Title += seedNote
		same.Title += seedNote
		heat.Title += " (median over seeds)"
	}
	if len(probe.Series) > 0 && len(groups) > 0 {
		probe.Refs = []Ref{{Y: 100 / float64(max(groups[0][0].det.Classes, 1)), Label: "chance"}}
	}
	return Figures{Loss: probe, Accuracy: same, Fit: heat, TestError: mosaic, Sweep: true, Names: &layersNames, Choices: &layersViews}
}

func netsLeftToRight(p layers.Patches) string {
	var names []string
	for _, n := range p.Nets {
		names = append(names, n.Net)
	}
	return strings.Join(names, " | ")
}

func scale(v []float64, k float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * k
	}
	return out
}

// mosaicLayout places every patch of layer: per network a block of channels (rows) x top
// patches (columns) of side+1 pixels, blocks side by side with a gap of 3 pixels. It calls put
// with each patch's top-left corner and returns the mosaic's size.
func mosaicLayout(p layers.Patches, layer string, put func(x0, y0 int, lp layers.LayerPatches, pt layers.Patch)) (w, h int) {
	x := 0
	for ni, n := range p.Nets {
		i := slices.IndexFunc(n.Layers, func(l layers.LayerPatches) bool { return l.Layer == layer })
		if i < 0 {
			continue
		}
		lp := n.Layers[i]
		cols := 0
		for ci, c := range lp.Channels {
			for k, pt := range c.Top {
				if put != nil {
					put(x+k*(lp.Size+1), ci*(lp.Size+1), lp, pt)
				}
			}
			cols = max(cols, len(c.Top))
			h = max(h, len(lp.Channels)*(lp.Size+1)-1)
		}
		x += cols * (lp.Size + 1)
		if ni < len(p.Nets)-1 {
			x += 3
		}
		w = x
	}
	return max(w-1, 0), h
}

// patchRange is the lowest and highest pixel of a patch (each patch is drawn on its own range).
func patchRange(pt layers.Patch) (lo, hi float32) {
	if len(pt.Pixels) == 0 {
		return 0, 1
	}
	lo, hi = slices.Min(pt.Pixels), slices.Max(pt.Pixels)
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// MosaicGrid is the mosaic of layer's top patches as a grey-level grid in [0, 1] (mean over
// colour channels, each patch stretched to its own range; gaps 0.5), rows top to bottom.
func MosaicGrid(p layers.Patches, layer string) [][]float64 {
	w, h := mosaicLayout(p, layer, nil)
	if w == 0 || h == 0 {
		return nil
	}
	g := make([][]float64, h)
	for y := range g {
		g[y] = make([]float64, w)
		for x := range g[y] {
			g[y][x] = 0.5
		}
	}
	mosaicLayout(p, layer, func(x0, y0 int, lp layers.LayerPatches, pt layers.Patch) {
		lo, hi := patchRange(pt)
		for y := range lp.Size {
			for x := range lp.Size {
				var s float32
				for c := range lp.C {
					s += pt.Pixels[(y*lp.Size+x)*lp.C+c]
				}
				if y0+y < h && x0+x < w {
					g[y0+y][x0+x] = float64((s/float32(lp.C) - lo) / (hi - lo))
				}
			}
		}
	})
	return g
}

// MosaicImage draws the mosaic of layer's top patches in colour, each pixel scale x scale,
// on a mid-grey background (nil when the layer has no patches).
func MosaicImage(p layers.Patches, layer string, scale int) *image.RGBA {
	w, h := mosaicLayout(p, layer, nil)
	if w == 0 || h == 0 {
		return nil
	}
	img := image.NewRGBA(image.Rect(0, 0, w*scale, h*scale))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	mosaicLayout(p, layer, func(x0, y0 int, lp layers.LayerPatches, pt layers.Patch) {
		lo, hi := patchRange(pt)
		for y := range lp.Size {
			for x := range lp.Size {
				px := pt.Pixels[(y*lp.Size+x)*lp.C : (y*lp.Size+x+1)*lp.C]
				v := func(c int) uint8 {
					return uint8(math.Round(float64(255 * (px[min(c, lp.C-1)] - lo) / (hi - lo))))
				}
				col := color.RGBA{v(0), v(1), v(2), 255}
				for dy := range scale {
					for dx := range scale {
						img.SetRGBA((x0+x)*scale+dx, (y0+y)*scale+dy, col)
					}
				}
			}
		}
	})
	return img
}

// WriteLayersFigures writes a "layers" run's figures into its folder dir: the four charts of
// LayersFigures (PNG) and one colour mosaic of top patches per conv layer
// (patches-<layer>.png), each file atomically.
func WriteLayersFigures(dir string, d layers.Details, p layers.Patches) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	sum := experiments.Summary{Status: experiments.StatusDone, Details: raw, Dir: dir}
	run := Run{Config: experiments.Config{Kind: layers.Kind}, Summary: &sum, Started: true, Done: true}
	for _, nc := range LayersFigures([]Run{run}).Named() {
		img := nc.Chart.Render(Light(), DefaultSize)
		if err := writeAtomic(filepath.Join(dir, nc.Name+".png"), func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
			return err
		}
	}
	if len(p.Nets) == 0 {
		return nil
	}
	for _, lp := range p.Nets[0].Layers {
		img := MosaicImage(p, lp.Layer, max(1, 96/max(lp.Size, 1)))
		if img == nil {
			continue
		}
		if err := writeAtomic(filepath.Join(dir, "patches-"+lp.Layer+".png"), func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
			return err
		}
	}
	return nil
}
