package report

import (
	"encoding/csv"
	"fmt"
	"image"
	"io"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"rethink/experiments"
)

// Row is one line of the results table, in the form of the paper's Table 1. Accuracies are
// percent strings ("–" when unknown).
type Row struct {
	Run, Model, Data, Status string
	Train, Test              string
	PaperTrain, PaperTest    string
	FitStep, BestTest        string
}

// Header is the table's header row; its cells may hold a line break (the app wraps them).
var Header = Row{Run: "run", Model: "model", Data: "data", Status: "status",
	Train: "train %", Test: "test %", PaperTrain: "paper\ntrain %", PaperTest: "paper\ntest %",
	FitStep: "fitted\nat step", BestTest: "best test %\n(early stop)"}

// Cells is the row in column order.
func (r Row) Cells() []string {
	return []string{r.Run, r.Model, r.Data, r.Status, r.Train, r.Test, r.PaperTrain, r.PaperTest, r.FitStep, r.BestTest}
}

// Rows builds the table of the runs of an experiment.
func Rows(runs []Run) []Row {
	rows := make([]Row, 0, len(runs))
	for _, r := range runs {
		train, test := r.FinalAcc()
		row := Row{Run: r.Label(), Model: r.Config.Model.String(), Data: DataLabel(r), Status: r.Status(),
			Train: Pct(train), Test: Pct(test), PaperTrain: "–", PaperTest: "–", FitStep: "–", BestTest: Pct(r.BestTest())}
		if k := r.Config.KindName(); k != experiments.KindSGD {
			row.Model = k // another kind's config carries an unused model
		}
		if r.Paper != nil {
			row.PaperTrain, row.PaperTest = Pct(r.Paper.Train/100), Pct(r.Paper.Test/100)
		}
		if r.FitStep >= 0 {
			row.FitStep = Thousands(int64(r.FitStep))
		}
		rows = append(rows, row)
	}
	return rows
}

// DataLabel says what a run trained on: "mnist 2,000, random-labels", "cifar10 all, p=0.4".
func DataLabel(r Run) string {
	c := r.Config
	n := "all"
	if c.TrainSize > 0 {
		n = Thousands(int64(c.TrainSize))
	}
	mode := c.Randomization.Mode.String()
	if mode == "partial-labels" {
		mode = fmt.Sprintf("p=%.2g", c.Randomization.P)
	}
	return fmt.Sprintf("%s %s, %s", c.Dataset, n, mode)
}

// Pct formats a fraction in [0, 1] as a percentage with two decimals, or "–" for NaN.
func Pct(v float64) string {
	if !finite(v) {
		return "–"
	}
	return fmt.Sprintf("%.2f", 100*v)
}

// Thousands formats n with comma separators: 1649402 -> "1,649,402".
func Thousands(n int64) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// flat is the cells of the header and rows with line breaks replaced by spaces.
func flat(rows []Row) [][]string {
	cells := [][]string{Header.Cells()}
	for _, r := range rows {
		cells = append(cells, r.Cells())
	}
	for _, row := range cells {
		for i := range row {
			row[i] = strings.ReplaceAll(row[i], "\n", " ")
		}
	}
	return cells
}

// WriteTableCSV writes the header and rows as CSV.
func WriteTableCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	for _, row := range flat(rows) {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TableImage draws the results table (header and rows, Table 1 style: ours beside the paper's)
// in st's colours, one line per row, columns sized to their widest cell.
func TableImage(rows []Row, st Style) *image.RGBA {
	cells := flat(rows)
	style := text.Style{Color: st.Foreground, Font: font.From(plot.DefaultFont, 11), Handler: plot.DefaultTextHandler}
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
	canvas := vgimg.NewWith(vgimg.UseWH(total+pad, h), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(st.Background))
	dc := draw.New(canvas)
	for r, row := range cells {
		y := h - pad/2 - lineH*vg.Length(r+1) + 5
		if r == 1 {
			dc.StrokeLine2(draw.LineStyle{Color: st.Grid, Width: 0.5}, 0, y+lineH-2, total+pad, y+lineH-2)
		}
		x := pad
		for i, c := range row {
			dc.FillText(style, vg.Point{X: x, Y: y}, c)
			x += widths[i] + pad
		}
	}
	return toRGBA(canvas.Image())
}
