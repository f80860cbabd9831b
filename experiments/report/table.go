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
)

// Row is one line of the results table, in the form of the paper's Table 1: one group of runs
// (GroupRuns: a name over its seeds). Accuracies are percent strings ("–" when unknown); for
// several seeds a cell holds the median, a line break and the range ("97.50\n[96.00–99.00]").
type Row struct {
	Run, Model, Data, Status string
	Train, Test              string
	PaperTrain, PaperTest    string
	FitStep, BestTest        string
	// Seeds is the number of runs the row stands for (its seeds).
	Seeds string
	// Color is the colour of the row's runs in the charts (Run.Color); not a cell.
	Color int
}

// Header is the table's header row; its cells may hold a line break (the app wraps them, and
// says under its table that the paper's numbers are CIFAR-10's).
var Header = Row{Run: "run", Model: "model", Data: "data", Status: "status",
	Train: "train %", Test: "test %", PaperTrain: "paper\ntrain %", PaperTest: "paper\ntest %",
	FitStep: "fitted\nat step", BestTest: "best test %\n(early stop)", Seeds: "seeds"}

// Cells is the row in column order.
func (r Row) Cells() []string {
	return []string{r.Run, r.Model, r.Data, r.Status, r.Train, r.Test, r.PaperTrain, r.PaperTest, r.FitStep, r.BestTest, r.Seeds}
}

// Rows builds the table of the runs of an experiment: one row per group of runs (GroupRuns),
// with the median and range over its seeds of train and test accuracy, of steps to fit ("n of
// k fitted" when some seeds did not) and of best test accuracy. A group of one run gives the
// run's own numbers.
func Rows(runs []Run) []Row {
	groups := GroupRuns(colored(runs))
	rows := make([]Row, 0, len(groups))
	for _, g := range groups {
		r := g.Runs[0]
		row := Row{Run: g.Label(), Model: r.Config.Model.String(), Data: DataLabel(r), Status: g.Status(),
			Train: cell(g.Train(), Pct), Test: cell(g.Test(), Pct), PaperTrain: "–", PaperTest: "–",
			FitStep: g.fitCell(), BestTest: cell(g.BestTest(), Pct), Seeds: fmt.Sprint(len(g.Runs)), Color: g.Color()}
		if k := r.Config.KindName(); !r.Config.TrainsSGD() {
			row.Model = k // another kind's config carries an unused model
		}
		if r.Paper != nil {
			row.PaperTrain, row.PaperTest = Pct(r.Paper.Train/100), Pct(r.Paper.Test/100)
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

// fileHeader is Header as the report files (results.csv, results.png) have it: they stand
// alone, so their header says that the paper's numbers are all on CIFAR-10, whatever data set
// our runs used.
func fileHeader() Row {
	h := Header
	h.PaperTrain, h.PaperTest = "paper train % (CIFAR-10)", "paper test % (CIFAR-10)"
	return h
}

// flat is the cells of the report files' header and rows with line breaks replaced by spaces.
func flat(rows []Row) [][]string {
	cells := [][]string{fileHeader().Cells()}
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
// in st's colours, one line per row, columns sized to their widest cell, each row led by a
// square in the colour of its runs' curves.
func TableImage(rows []Row, st Style) *image.RGBA {
	cells := flat(rows)
	style := text.Style{Color: st.Foreground, Font: font.From(plot.DefaultFont, 11), Handler: plot.DefaultTextHandler}
	const pad, lineH, mark = vg.Length(10), vg.Length(18), vg.Length(8)
	widths := make([]vg.Length, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], style.Width(c))
		}
	}
	total := mark + pad/2 // the colour squares' column
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
		if r > 0 {
			sq := vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + mark, Y: y + mark}}
			dc.SetColor(st.Color(rows[r-1].Color))
			dc.Fill(sq.Path())
		}
		x += mark + pad/2
		for i, c := range row {
			dc.FillText(style, vg.Point{X: x, Y: y}, c)
			x += widths[i] + pad
		}
	}
	return toRGBA(canvas.Image())
}
