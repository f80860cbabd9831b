package app

import (
	"image"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// tableImage draws the results table (header and rows, Table 1 style: ours beside the paper's)
// as a picture in black on white, one line per row, columns sized to their widest cell.
func tableImage(rows []tableRow) *image.RGBA {
	cells := [][]string{tableHeader.cells()}
	for _, r := range rows {
		cells = append(cells, r.cells())
	}
	for _, row := range cells {
		for i := range row {
			row[i] = strings.ReplaceAll(row[i], "\n", " ")
		}
	}
	style := text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, 11), Handler: plot.DefaultTextHandler}
	const pad, lineH = vg.Length(10), vg.Length(18)
	widths := make([]vg.Length, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], style.Width(c))
		}
	}
	var total vg.Length
	for _, w := range widths {
		total += w + pad
	}
	h := lineH*vg.Length(len(cells)) + pad
	canvas := vgimg.NewWith(vgimg.UseWH(total+pad, h), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(canvas)
	for r, row := range cells {
		y := h - pad/2 - lineH*vg.Length(r+1) + 5
		if r == 1 {
			dc.StrokeLine2(draw.LineStyle{Color: color.Gray{Y: 120}, Width: 0.5}, 0, y+lineH-2, total+pad, y+lineH-2)
		}
		x := pad
		for i, c := range row {
			dc.FillText(style, vg.Point{X: x, Y: y}, c)
			x += widths[i] + pad
		}
	}
	img := canvas.Image()
	out := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}
