package experiments

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sort"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// MaxFilters is the number of first-layer units a snapshot keeps (the mosaic shows 8x8).
const MaxFilters = 64

// FilterSnapshot is a FiltersReady event as stored in a run's filters/ folder: as JSON with
// float32 Weights in runs written before the compact format, as the header of a compact file
// (without Weights, see storeSnapshot) since.
type FilterSnapshot struct {
	Epoch      int     `json:"epoch"`
	Step       int     `json:"step"`
	Shape      []int64 `json:"shape"`
	ImageShape [3]int  `json:"image_shape"`
	Weights    []byte  `json:"weights"` // little-endian float32
	Delta      bool    `json:"delta,omitempty"`
	Units      []int   `json:"units,omitempty"`
	// PatchShare and PatchChance are FiltersReady's (0: not measured).
	PatchShare  float64 `json:"patch_share,omitempty"`
	PatchChance float64 `json:"patch_chance,omitempty"`
}

// initialFile holds, in a run's filters/ folder, the first layer's initial weights
// (little-endian float32), so that a resumed run still shows the change since initialization.
const initialFile = "initial.f32"

// snapshot reads the first layer, keeps its first MaxFilters units, sends FiltersReady and
// stores it. A failure to read or store is not fatal to the run: it only loses a picture, and is
// recorded as a warning of the run's summary.
func (r *runner) snapshot(ctx context.Context, m *tfgraph.Model, cfg Config, epoch, step int, p Prepared) {
	const what = "filter snapshots are incomplete"
	w, shape, err := m.FirstLayer()
	if err != nil {
		r.warn(what, fmt.Errorf("epoch %d: read the first layer: %w", epoch, err))
		return
	}
	dir := filepath.Join(r.dir, "filters")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.warn(what, err)
		return
	}
	ev := FiltersReady{Epoch: epoch, Step: step, ImageShape: [3]int{p.Shown.H, p.Shown.W, p.Shown.C}}
	if r.initialWeights(dir, w, epoch) {
		ev.Weights, ev.Shape, ev.Units = mostChanged(w, r.initial, shape, MaxFilters)
		ev.Delta = true
	} else {
		ev.Weights, ev.Shape = firstUnits(w, shape, MaxFilters)
	}
	if pca := r.patchPCA(ev.Shape, p); pca != nil {
		if share, chance, err := pca.MeanShare(ev.Weights, ev.Shape, PatchComponents); err == nil && !math.IsNaN(share) {
			ev.PatchShare, ev.PatchChance = share, chance
		}
	}
	r.send(ctx, ev)
	r.tb.filters(ev)
	if err := storeSnapshot(r.dir, ev, MaxSnapshotBytes); err != nil {
		r.warn(what, fmt.Errorf("epoch %d: %w", epoch, err))
	}
	if img := FilterMosaic(ev, 4); img != nil {
		var b bytes.Buffer
		err := png.Encode(&b, img)
		if err == nil {
			err = writeFileAtomic(filepath.Join(r.dir, "filters.png"), b.Bytes())
		}
		if err != nil {
			r.warn("filters.png is not up to date", fmt.Errorf("epoch %d: %w", epoch, err))
		}
	}
}

// patchPCA returns the patch basis of the run's training images for a conv kernel of shape
// [k, k, C, units], built on the first call from the whitened shown images; nil for an MLP.
func (r *runner) patchPCA(shape []int64, p Prepared) *PatchPCA {
	if len(shape) != 4 {
		return nil
	}
	if r.pca == nil || r.pca.Size != int(shape[0]) {
		pca, err := NewPatchPCA(data.Whiten(p.Shown), int(shape[0]), patchSamples, r.seed)
		if err != nil {
			return nil
		}
		r.pca = &pca
	}
	return r.pca
}

// patchSamples is the number of patches the filter share's basis is estimated from.
const patchSamples = 20000

// initialWeights makes sure r.initial holds the first layer's initial weights: at epoch 0
// they are w (and are stored in dir for a resume), later they are read back from dir. It says
// whether they are known.
func (r *runner) initialWeights(dir string, w []float32, epoch int) bool {
	if r.initial != nil {
		return len(r.initial) == len(w)
	}
	if epoch == 0 {
		r.initial = append([]float32(nil), w...)
		buf := new(bytes.Buffer)
		err := binary.Write(buf, binary.LittleEndian, w)
		if err == nil {
			err = writeFileAtomic(filepath.Join(dir, initialFile), buf.Bytes())
		}
		if err != nil {
			r.warn("the initial weights were not stored: a resumed run's filter pictures will show raw weights", err)
		}
		return true
	}
	b, err := os.ReadFile(filepath.Join(dir, initialFile))
	if err != nil || len(b) != 4*len(w) {
		return false
	}
	r.initial = make([]float32, len(w))
	return binary.Read(bytes.NewReader(b), binary.LittleEndian, r.initial) == nil
}

// mostChanged returns w - w0 for the n output units (the last dimension) whose weights changed
// most in L2 norm, most changed first, with the shape of the result and the units' indices.
// Ties (at initialization, nothing changed) keep the units' order.
func mostChanged(w, w0 []float32, shape []int64, n int64) ([]float32, []int64, []int) {
	out := int(shape[len(shape)-1])
	rows := len(w) / out
	norm := make([]float64, out)
	for r := range rows {
		for u := range out {
			d := float64(w[r*out+u] - w0[r*out+u])
			norm[u] += d * d
		}
	}
	units := make([]int, out)
	for u := range units {
		units[u] = u
	}
	sort.SliceStable(units, func(i, j int) bool { return norm[units[i]] > norm[units[j]] })
	units = units[:min(int(n), out)]
	kept := make([]float32, 0, rows*len(units))
	for r := range rows {
		for _, u := range units {
			kept = append(kept, w[r*out+u]-w0[r*out+u])
		}
	}
	s := append([]int64(nil), shape...)
	s[len(s)-1] = int64(len(units))
	return kept, s, units
}

// firstUnits keeps the first n output units of a weight whose last dimension is the unit.
func firstUnits(w []float32, shape []int64, n int64) ([]float32, []int64) {
	out := shape[len(shape)-1]
	if out <= n {
		return w, shape
	}
	rows := int64(len(w)) / out
	kept := make([]float32, 0, rows*n)
	for r := int64(0); r < rows; r++ {
		kept = append(kept, w[r*out:r*out+n]...)
	}
	s := append([]int64(nil), shape...)
	s[len(s)-1] = n
	return kept, s
}

// ReadFilterSnapshots reads a run's stored filter snapshots (compact .f16 files, and the JSON
// ones of older runs), in epoch order.
func ReadFilterSnapshots(dir string) ([]FiltersReady, error) {
	stored, err := listSnapshots(filepath.Join(dir, "filters"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []FiltersReady
	for _, s := range stored {
		f, err := readSnapshotFile(s.path)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Filter is one first-layer unit as an image: H x W pixels of C channels (1 or 3), row-major.
type Filter struct {
	H, W, C int
	Values  []float32
}

// Filters splits a snapshot into its units: a [k, k, in, out] kernel gives out filters of
// k x k x in; an MLP's [h*w*c, out] matrix gives out filters of h x w x c.
func (f FiltersReady) Filters() []Filter {
	var h, w, c, out int
	switch len(f.Shape) {
	case 4:
		h, w, c, out = int(f.Shape[0]), int(f.Shape[1]), int(f.Shape[2]), int(f.Shape[3])
	case 2:
		h, w, c, out = f.ImageShape[0], f.ImageShape[1], f.ImageShape[2], int(f.Shape[1])
		if h*w*c != int(f.Shape[0]) {
			return nil
		}
	default:
		return nil
	}
	if len(f.Weights) != h*w*c*out {
		return nil
	}
	filters := make([]Filter, out)
	for u := range filters {
		v := make([]float32, h*w*c)
		for i := range v {
			v[i] = f.Weights[i*out+u]
		}
		filters[u] = Filter{H: h, W: w, C: c, Values: v}
	}
	return filters
}

// FilterMosaic draws the snapshot's units in a square grid, each pixel scale x scale screen
// pixels, with gaps of (scale+1)/2 pixels so that they survive the app's resizing: RGB filters (3 input channels) are shown as colors, each filter
// rescaled to its own range; single-channel filters use a diverging map (blue negative, white
// zero, red positive), each scaled symmetrically by its own largest magnitude, so that weak
// units show their pattern too. It returns nil for an empty snapshot.
func FilterMosaic(f FiltersReady, scale int) *image.RGBA {
	filters := f.Filters()
	if len(filters) == 0 || scale < 1 {
		return nil
	}
	cols := int(math.Ceil(math.Sqrt(float64(len(filters)))))
	rows := (len(filters) + cols - 1) / cols
	fh, fw := filters[0].H*scale, filters[0].W*scale
	gap := (scale + 1) / 2
	img := image.NewRGBA(image.Rect(0, 0, cols*(fw+gap)+gap, rows*(fh+gap)+gap))
	for i := range img.Pix {
		img.Pix[i] = 0x60 // the gaps: opaque mid grey, visible on light and dark themes
		if i%4 == 3 {
			img.Pix[i] = 0xff
		}
	}
	for n, fl := range filters {
		x0, y0 := gap+(n%cols)*(fw+gap), gap+(n/cols)*(fh+gap)
		lo, hi := fl.Values[0], fl.Values[0]
		for _, v := range fl.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
		limit := max(hi, -lo)
		for y := range fl.H {
			for x := range fl.W {
				var c color.RGBA
				at := (y*fl.W + x) * fl.C
				if fl.C == 3 {
					c = color.RGBA{unit(fl.Values[at], lo, hi), unit(fl.Values[at+1], lo, hi), unit(fl.Values[at+2], lo, hi), 255}
				} else {
					c = Diverging(fl.Values[at], limit)
				}
				for dy := range scale {
					for dx := range scale {
						img.SetRGBA(x0+x*scale+dx, y0+y*scale+dy, c)
					}
				}
			}
		}
	}
	return img
}

func unit(v, lo, hi float32) uint8 {
	if hi <= lo {
		return 128
	}
	return uint8(255 * (v - lo) / (hi - lo))
}

// Diverging maps v in [-limit, limit] to blue (negative), white (zero) and red (positive).
func Diverging(v, limit float32) color.RGBA {
	if limit <= 0 {
		return color.RGBA{255, 255, 255, 255}
	}
	t := max(-1, min(1, v/limit))
	if t >= 0 {
		g := uint8(255 * (1 - t))
		return color.RGBA{255, g, g, 255}
	}
	g := uint8(255 * (1 + t))
	return color.RGBA{g, g, 255, 255}
}
