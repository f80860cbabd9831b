package app

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/data"
)

// dataShown is the number of training images the data view shows.
const dataShown = 48

// thumb is one training image as the network's data pipeline sees it before whitening, with
// its (possibly corrupted) label and the original one.
type thumb struct {
	img       *image.RGBA
	label     string
	changed   bool
	origLabel string
}

// dataView is a grid of training images after the chosen randomization, so that a person sees
// what "random pixels" or "Gaussian" means and which labels were corrupted.
type dataView struct {
	thumbs  []thumb
	title   *widget.Label
	grid    *fyne.Container
	content fyne.CanvasObject
}

func newDataView() *dataView {
	d := &dataView{
		title: widget.NewLabel("Choose a preset's pencil or set up a run in the custom panel, then press \"Show its data\"."),
		grid:  container.NewGridWrap(fyne.NewSize(92, 118)),
	}
	d.title.Truncation = fyne.TextTruncateEllipsis
	legend := newHint("Red labels were changed by the randomization; the original label is in brackets.", false)
	d.content = container.NewBorder(container.NewVBox(d.title, legend), nil, nil, nil, container.NewVScroll(d.grid))
	return d
}

// loadThumbs loads cfg's data and randomizes it as a run would; it is slow (seconds), so call
// it off the UI goroutine. The subset is cut to dataShown images so this stays quick; the
// randomization is drawn from the same seed.
func loadThumbs(ctx context.Context, cfg experiments.Config) (string, []thumb, error) {
	ds, err := experiments.LoadData(ctx, cfg, nil)
	if err != nil {
		return "", nil, err
	}
	if cfg.TrainSize == 0 || cfg.TrainSize > 1000 {
		cfg.TrainSize = 1000
	}
	cfg.TestSize = 10
	shown, err := experiments.Prepare(cfg, ds)
	if err != nil {
		return "", nil, err
	}
	clean := cfg
	clean.Randomization = data.Randomization{}
	orig, err := experiments.Prepare(clean, ds)
	if err != nil {
		return "", nil, err
	}
	names := classNames(cfg.Dataset)
	n := min(dataShown, shown.Shown.N)
	out := make([]thumb, n)
	for i := range n {
		l, o := shown.Shown.Labels[i], orig.Shown.Labels[i]
		out[i] = thumb{img: toImage(shown.Shown, i), label: name(names, l), origLabel: name(names, o), changed: l != o}
	}
	mode := cfg.Randomization.Mode
	if mode == "" {
		mode = data.TrueLabels
	}
	what := modeName(mode) // in words, not its id
	if mode == data.PartialLabels {
		what = fmt.Sprintf("corrupted labels, p = %.2g", cfg.Randomization.P)
	}
	set, _, _ := strings.Cut(experiments.DatasetTitle(cfg), " (") // "MNIST", "CIFAR-10"
	title := fmt.Sprintf("%s, %s: first %d of %d training images", set, what, n, shown.Shown.N)
	if shown.FlipRate > 0 || cfg.Randomization.Mode == data.PartialLabels || cfg.Randomization.Mode == data.RandomLabels {
		title += fmt.Sprintf(" · labels changed: %.1f%%", 100*shown.FlipRate)
	}
	return title, out, nil
}

func classNames(dataset string) []string {
	switch dataset {
	case data.FashionMNISTName:
		return data.FashionMNISTClasses
	case data.CIFAR10Name:
		return data.CIFAR10Classes
	}
	return data.MNISTClasses
}

func name(names []string, l uint8) string {
	if int(l) < len(names) {
		return names[l]
	}
	return fmt.Sprint(l)
}

// toImage converts image i of s (values in [0, 1], Gaussian ones clipped) to RGBA.
func toImage(s data.Set, i int) *image.RGBA {
	px := s.Image(i)
	img := image.NewRGBA(image.Rect(0, 0, s.W, s.H))
	for y := range s.H {
		for x := range s.W {
			at := (y*s.W + x) * s.C
			g := func(c int) uint8 { return uint8(255 * max(0, min(1, px[at+c]))) }
			if s.C >= 3 {
				img.SetRGBA(x, y, color.RGBA{g(0), g(1), g(2), 255})
			} else {
				v := g(0)
				img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
			}
		}
	}
	return img
}

// show puts the thumbnails on screen (UI goroutine).
func (d *dataView) show(title string, thumbs []thumb) {
	d.thumbs = thumbs
	d.title.SetText(title)
	objs := make([]fyne.CanvasObject, len(thumbs))
	for i, t := range thumbs {
		img := canvas.NewImageFromImage(t.img)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		img.SetMinSize(fyne.NewSize(84, 84))
		text := t.label
		l := widget.NewLabel(text)
		l.Alignment = fyne.TextAlignCenter
		l.Truncation = fyne.TextTruncateEllipsis
		if t.changed {
			l.SetText(t.label + " (was " + t.origLabel + ")")
			l.Importance = widget.DangerImportance
		}
		objs[i] = container.NewBorder(nil, l, nil, nil, img)
	}
	d.grid.Objects = objs
	d.grid.Refresh()
}

// image is the images on screen as one sheet, 8 a row, each scaled 3 times with 3 pixels
// between them (nil when none are shown), for the export.
func (d *dataView) image() image.Image {
	if len(d.thumbs) == 0 {
		return nil
	}
	const per, scale, gap = 8, 3, 3
	b := d.thumbs[0].img.Bounds()
	tw, th := b.Dx()*scale, b.Dy()*scale
	rows := (len(d.thumbs) + per - 1) / per
	out := image.NewRGBA(image.Rect(0, 0, per*(tw+gap)+gap, rows*(th+gap)+gap))
	for i := range out.Pix {
		out.Pix[i] = 0xff
	}
	for i, t := range d.thumbs {
		x0, y0 := gap+(i%per)*(tw+gap), gap+(i/per)*(th+gap)
		tb := t.img.Bounds()
		for y := range th {
			for x := range tw {
				out.Set(x0+x, y0+y, t.img.At(tb.Min.X+x/scale, tb.Min.Y+y/scale))
			}
		}
	}
	return out
}
