package layers

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"rethink/experiments/data"
	"rethink/tfgraph"
)

// PatchesFile is the file of a "layers" run folder that holds the top patches (Patches).
const PatchesFile = "patches.json"

// Patches are the training patches that excite a few channels of each conv layer most, for
// every network of a run (in the order of Details.Nets).
type Patches struct {
	Nets []NetPatches `json:"nets"`
}

// NetPatches are one network's top patches, by conv layer.
type NetPatches struct {
	Net    string         `json:"net"`
	Layers []LayerPatches `json:"layers"`
}

// LayerPatches are the top patches of one conv layer: Size x Size x C pixels each (the layer's
// receptive field), for the Channels whose strongest response is largest on average.
type LayerPatches struct {
	Layer    string           `json:"layer"`
	Size     int              `json:"size"`
	C        int              `json:"c"`
	Channels []ChannelPatches `json:"channels"`
}

// ChannelPatches are one channel's top patches, strongest first; Mean is the mean over the
// images of the channel's strongest response in each.
type ChannelPatches struct {
	Channel int     `json:"channel"`
	Mean    float64 `json:"mean"`
	Top     []Patch `json:"top"`
}

// Patch is the receptive field of the position (Y, X) of the layer's map where the channel
// responds most in training image Image (Value): Size*Size*C pixels of the image as shown
// (before whitening, HWC), 0 where the field reaches past the border (SAME padding).
type Patch struct {
	Image  int       `json:"image"`
	Y      int       `json:"y"`
	X      int       `json:"x"`
	Value  float32   `json:"value"`
	Pixels []float32 `json:"pixels"`
}

// ReadPatches reads the patches of the "layers" run in dir.
func ReadPatches(dir string) (Patches, error) {
	var p Patches
	b, err := os.ReadFile(filepath.Join(dir, PatchesFile))
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("layers: %s: %w", filepath.Join(dir, PatchesFile), err)
	}
	return p, nil
}

// topPatches runs imgs (as the network sees them) through f and, for every conv layer, keeps
// each channel's top strongest responses (one per image), then crops their receptive fields
// from shown (the same images as a person sees them) for the channels channels with the
// largest mean response.
func topPatches(ctx context.Context, f *tfgraph.FeatureNet, imgs, shown data.Set, channels, top int) (NetPatches, error) {
	var np NetPatches
	type layerTop struct {
		l    tfgraph.Layer
		idx  int
		sum  []float64
		tops [][]Patch
	}
	var lts []*layerTop
	for i, l := range f.Layers() {
		if l.Spatial() && l.RF.Size > 1 {
			c := l.Shape[2]
			lts = append(lts, &layerTop{l: l, idx: i, sum: make([]float64, c), tops: make([][]Patch, c)})
		}
	}
	if len(lts) == 0 || imgs.N == 0 {
		return np, nil
	}
	err := f.Each(imgs.Images, imgs.N, func(lo, hi int, batch []tfgraph.Features) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, lt := range lts {
			ft := batch[lt.idx]
			h, w, c := lt.l.Shape[0], lt.l.Shape[1], lt.l.Shape[2]
			best := make([]float32, c)
			at := make([]int, c)
			for j := range hi - lo {
				img := ft.Values[j*h*w*c : (j+1)*h*w*c]
				copy(best, img[:c])
				for k := range at {
					at[k] = 0
				}
				for pos := 1; pos < h*w; pos++ {
					row := img[pos*c : (pos+1)*c]
					for k, v := range row {
						if v > best[k] {
							best[k], at[k] = v, pos
						}
					}
				}
				for k := range c {
					lt.sum[k] += float64(best[k])
					lt.tops[k] = insertTop(lt.tops[k], Patch{Image: lo + j, Y: at[k] / w, X: at[k] % w, Value: best[k]}, top)
				}
			}
		}
		return nil
	})
	if err != nil {
		return np, err
	}
	for _, lt := range lts {
		order := make([]int, len(lt.sum))
		for k := range order {
			order[k] = k
		}
		sort.SliceStable(order, func(a, b int) bool { return lt.sum[order[a]] > lt.sum[order[b]] })
		lp := LayerPatches{Layer: lt.l.Name, Size: lt.l.RF.Size, C: shown.C}
		for _, k := range order[:min(channels, len(order))] {
			cp := ChannelPatches{Channel: k, Mean: lt.sum[k] / float64(imgs.N)}
			for _, p := range lt.tops[k] {
				p.Pixels = crop(shown, p.Image, lt.l.RF.Center0+lt.l.RF.Jump*p.Y, lt.l.RF.Center0+lt.l.RF.Jump*p.X, lt.l.RF.Size)
				cp.Top = append(cp.Top, p)
			}
			lp.Channels = append(lp.Channels, cp)
		}
		np.Layers = append(np.Layers, lp)
	}
	return np, nil
}

// insertTop inserts p into list (strongest first), keeping at most n.
func insertTop(list []Patch, p Patch, n int) []Patch {
	i := sort.Search(len(list), func(i int) bool { return list[i].Value < p.Value })
	if i >= n {
		return list
	}
	list = append(list, Patch{})
	copy(list[i+1:], list[i:])
	list[i] = p
	if len(list) > n {
		list = list[:n]
	}
	return list
}

// crop cuts the size x size square centred on (cy, cx) out of image i of s (HWC), with 0
// outside the image.
func crop(s data.Set, i, cy, cx, size int) []float32 {
	img := s.Image(i)
	out := make([]float32, size*size*s.C)
	y0, x0 := cy-(size-1)/2, cx-(size-1)/2
	for y := range size {
		for x := range size {
			sy, sx := y0+y, x0+x
			if sy < 0 || sx < 0 || sy >= s.H || sx >= s.W {
				continue
			}
			copy(out[(y*size+x)*s.C:(y*size+x+1)*s.C], img[(sy*s.W+sx)*s.C:(sy*s.W+sx+1)*s.C])
		}
	}
	return out
}
