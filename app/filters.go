package app

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/report"
)

// filterSource is one run's first-layer snapshots, oldest first.
type filterSource struct {
	name string
	// color is the run's colour (report.Run.Color), shown beside its name.
	color int
	snaps []experiments.FiltersReady
}

// filterScale is the image pixels per weight of the mosaics: about 28 pixels a filter, so that
// the mosaic is smaller than its place on screen and is only ever scaled up (pixel-exact),
// which keeps the 1-pixel gaps between filters visible.
func filterScale(f experiments.FiltersReady) int {
	fs := f.Filters()
	if len(fs) == 0 {
		return 1
	}
	return max(1, 28/max(fs[0].H, 1))
}

// filtersPanel shows first-layer filters of two runs side by side (e.g. true against random
// labels) and a slider that scrubs through their snapshots; at its right end it follows the
// run live.
type filtersPanel struct {
	// style gives the colours of the runs' swatches (the plots' palette).
	style   func() report.Style
	sources []filterSource
	pick    [2]*widget.Select
	// swatch shows the colour of each side's run, as in the curves and the table.
	swatch   [2]*fyne.Container
	img      [2]*canvas.Image
	caption  [2]*widget.Label
	slider   *widget.Slider
	position *widget.Label
	live     bool
	// chosen says the user picked the run of a side; until then the sides follow the defaults.
	chosen  [2]bool
	content fyne.CanvasObject
}

func newFiltersPanel(style func() report.Style) *filtersPanel {
	p := &filtersPanel{style: style, live: true}
	sides := make([]fyne.CanvasObject, 2)
	for i := range 2 {
		p.pick[i] = widget.NewSelect(nil, func(string) { p.chosen[i] = true; p.redraw() })
		p.pick[i].PlaceHolder = "(no run with filters yet)"
		p.img[i] = canvas.NewImageFromImage(blank(8, 8))
		p.img[i].FillMode = canvas.ImageFillContain
		p.img[i].ScaleMode = canvas.ImageScalePixels
		p.img[i].SetMinSize(fyne.NewSize(160, 160)) // small enough for a 1024x640 window; it grows with it
		p.caption[i] = widget.NewLabel("")
		p.caption[i].Alignment = fyne.TextAlignCenter
		p.caption[i].Wrapping = fyne.TextWrapWord // two lines: the snapshot, then its measure
		p.swatch[i] = newSwatch(color.Transparent)
		p.swatch[i].Hide()
		top := container.NewBorder(nil, nil, p.swatch[i], nil, p.pick[i])
		sides[i] = container.NewBorder(top, p.caption[i], nil, nil, p.img[i])
	}
	p.slider = widget.NewSlider(0, 1)
	p.slider.Step = 1
	p.slider.OnChanged = func(v float64) {
		p.live = v >= p.slider.Max
		p.redraw()
	}
	p.position = widget.NewLabel("snapshot –")
	help := newHint("First-layer weights, each tile scaled to its own largest magnitude: red positive, blue negative "+
		"(RGB for colour inputs). A tile is what training added to a unit's initial weights (which are random "+
		"and would hide it), for the units that changed most (64 at most). Move the slider to go back in training; at its right end the view shows the latest snapshot and follows a running experiment.", true)
	bottom := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel("snapshot"), p.position, p.slider), help)
	p.content = container.NewBorder(nil, bottom, nil, nil, container.NewGridWithColumns(2, sides...))
	return p
}

// show replaces the runs on offer; by default the left side shows the first run and the right
// side the second (true and random labels in the filters presets).
func (p *filtersPanel) show(src []filterSource) {
	p.sources = src
	names := make([]string, len(src))
	for i, s := range src {
		names[i] = s.name
	}
	for i := range 2 {
		sel := p.pick[i].Selected
		p.pick[i].SetOptions(names)
		found := false
		for _, n := range names {
			found = found || n == sel
		}
		if (!found || !p.chosen[i]) && len(names) > 0 {
			p.pick[i].Selected = names[min(i, len(names)-1)]
			p.pick[i].Refresh()
		}
	}
	longest := 0
	for _, s := range src {
		longest = max(longest, len(s.snaps))
	}
	p.slider.Max = float64(max(longest-1, 0))
	if p.live || p.slider.Value > p.slider.Max {
		p.slider.Value = p.slider.Max
	}
	p.slider.Refresh()
	p.redraw()
}

// reset empties the panel for a new experiment: no runs, both sides back to their defaults, the
// slider at its live end (a slider left back in an earlier experiment would show the new
// run's first, blank, snapshot).
func (p *filtersPanel) reset() {
	p.sources = nil
	p.live = true
	for i := range 2 {
		p.pick[i].SetOptions(nil)
		p.pick[i].ClearSelected()
		p.img[i].Image = blank(8, 8)
		p.img[i].Refresh()
		p.caption[i].SetText("")
		setSwatch(p.swatch[i], nil, false)
	}
	p.chosen = [2]bool{} // after clearing: a cleared pick calls its OnChanged, which sets them
	p.slider.Max, p.slider.Value = 0, 0
	p.slider.Refresh()
	p.position.SetText("snapshot –")
}

func (p *filtersPanel) source(name string) *filterSource {
	for i := range p.sources {
		if p.sources[i].name == name {
			return &p.sources[i]
		}
	}
	return nil
}

// redraw draws both mosaics at the slider's snapshot (cheap: at most 64 small kernels).
func (p *filtersPanel) redraw() {
	at := int(p.slider.Value)
	for i := range 2 {
		s := p.source(p.pick[i].Selected)
		if s == nil || len(s.snaps) == 0 {
			p.caption[i].SetText("")
			setSwatch(p.swatch[i], nil, false)
			continue
		}
		setSwatch(p.swatch[i], p.style().Color(s.color), true)
		snap := s.snaps[min(at, len(s.snaps)-1)]
		if img := experiments.FilterMosaic(snap, filterScale(snap)); img != nil {
			p.img[i].Image = img
			p.img[i].Refresh()
		}
		text := fmt.Sprintf("%s · epoch %d · step %s", s.name, snap.Epoch, thousands(int64(snap.Step)))
		if snap.Delta {
			text += " · change since init"
		}
		if share := patchShareText(snap); share != "" {
			text += "\n" + share
		}
		p.caption[i].SetText(text)
	}
	if p.live {
		p.position.SetText(fmt.Sprintf("snapshot %d (latest)", at+1))
	} else {
		p.position.SetText(fmt.Sprintf("snapshot %d", at+1))
	}
}

// patchShareText is the measure beside a mosaic: the mean share of its filters' energy in the
// leading principal components of the training images' patches, against a random filter's
// ("" when the snapshot has none: an MLP's first layer, or snapshots from before it was kept).
func patchShareText(snap experiments.FiltersReady) string {
	if snap.PatchShare <= 0 || snap.PatchChance <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f%% of the energy in the images' %d leading patch components (random filters %.0f%%)",
		100*snap.PatchShare, experiments.PatchComponents, 100*snap.PatchChance)
}

// blank is a white placeholder image.
func blank(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return img
}
