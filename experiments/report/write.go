package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"path/filepath"
	"slices"
	"strconv"

	"rethink/experiments"
	"rethink/experiments/layers"
	"rethink/experiments/theory"
)

// Export is what an export writes: the figures of an experiment, the results table and the
// metrics of its runs.
type Export struct {
	Figures Figures
	Table   []Row
	// Runs are the runs whose metrics go into the combined metrics.csv, in order (none: no
	// metrics.csv).
	Runs []Run
	// Style and Size are the colours and size of the figures (zero: Light and DefaultSize).
	Style Style
	Size  Size
}

// WriteTo writes into dir loss.png and accuracy.png (and for a sweep the Figure 1b and 1c
// plots; other experiments' charts under their own names), an SVG of each, the figures' data
// tables as CSV (Figures.Data), results.csv, results.png (the table as a picture) and metrics.csv
// (and for an architecture sweep of package archnoise, archnoise.csv and archnoise-runs.csv: see
// writeArchCSVs),
// each file through a temporary file and a rename, and returns the files written. On an error
// it stops and returns the files written before it; earlier files of the same name are intact.
func (e Export) WriteTo(dir string) ([]string, error) {
	st, sz := e.Style, e.Size
	if st.Background == nil {
		st = Light()
	}
	if sz.W <= 0 || sz.H <= 0 {
		sz = DefaultSize
	}
	var files []string
	write := func(name string, f func(io.Writer) error) error {
		path := filepath.Join(dir, name)
		if err := writeAtomic(path, f); err != nil {
			return err
		}
		files = append(files, path)
		return nil
	}
	figs := e.Figures.Named()
	for _, nc := range figs {
		img := nc.Chart.Render(st, sz)
		if err := write(nc.Name+".png", func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
			return files, err
		}
	}
	for _, nc := range figs {
		c := nc.Chart
		if err := write(nc.Name+".svg", func(w io.Writer) error { return c.WriteSVG(w, st, sz) }); err != nil {
			return files, err
		}
	}
	for _, t := range e.Figures.Data {
		rows := t.Rows
		if err := write(t.Name+".csv", func(w io.Writer) error { return writeCSV(w, rows) }); err != nil {
			return files, err
		}
	}
	if err := write("results.csv", func(w io.Writer) error { return WriteTableCSV(w, e.Table) }); err != nil {
		return files, err
	}
	tab := TableImage(e.Table, Light())
	if err := write("results.png", func(w io.Writer) error { return png.Encode(w, tab) }); err != nil {
		return files, err
	}
	if len(e.Runs) > 0 {
		if err := write("metrics.csv", func(w io.Writer) error { return WriteMetrics(w, e.Runs) }); err != nil {
			return files, err
		}
	}
	if isArch(e.Runs) {
		if err := writeArchCSVs(e.Runs, write); err != nil {
			return files, err
		}
	}
	return files, nil
}

// WriteMetrics writes the metrics of every epoch of every run as one CSV: the run's ID (its
// folder, or its place in the list before it has one) in the first column, its label in the
// second. Runs are told apart by ID, never by name.
func WriteMetrics(w io.Writer, runs []Run) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"run_id", "run", "epoch", "step", "train_loss", "train_acc", "test_loss", "test_acc", "learning_rate", "images_per_sec", "seconds"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	for i, r := range runs {
		id := r.ID
		if id == "" {
			id = fmt.Sprintf("run-%d", i+1)
		}
		for _, m := range r.Epochs {
			cw.Write([]string{id, r.Label(), strconv.Itoa(m.Epoch), strconv.Itoa(m.Step), f(m.TrainLoss), f(m.TrainAcc),
				f(m.TestLoss), f(m.TestAcc), f(m.LearningRate), f(m.ImagesPerSec), f(m.Seconds)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeCSV writes rows as CSV.
func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// ErrNoRuns is returned by Write for a folder without run folders.
var ErrNoRuns = errors.New("report: no run folders (with a config.json)")

// Write reads every run folder under dir (as `rethink run --preset ... --out dir` leaves them)
// and writes into dir what the app's export writes for them: the training-loss curves of all
// runs overlaid (loss.png, Figure 1a style), accuracy.png, the Figure 1b and 1c plots when the
// runs are a label-corruption sweep (the figures of FiguresOf: for an early-stopping preset its
// four charts and their CSV tables instead), SVG copies, results.csv (our train and test accuracy
// beside the paper's, Table 1 style; also drawn as results.png) and metrics.csv. A run folder
// that cannot be read is left out of the report and named in the error Write returns after
// writing the report of the others.
func Write(dir string) ([]string, error) {
	dirs, err := experiments.ListRuns(dir)
	if err != nil {
		return nil, err
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%w under %s", ErrNoRuns, dir)
	}
	runs := make([]Run, 0, len(dirs))
	var skipped []error
	for _, d := range dirs {
		rec, err := experiments.ReadRun(d)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("report: left out: %w", err))
			continue
		}
		r := FromRecord(rec)
		r.Paper = PaperRowOf(rec.Config)
		runs = append(runs, r)
	}
	if len(runs) == 0 {
		return nil, errors.Join(skipped...)
	}
	files, err := Export{Figures: FiguresOf(runs), Table: Rows(runs), Runs: runs}.WriteTo(dir)
	return files, errors.Join(append(skipped, err)...)
}

// PaperRowOf is the paper's row for a run of a preset: the row named like the run, or the
// preset's only row (nil when there is none).
func PaperRowOf(c experiments.Config) *experiments.PaperRow {
	p, err := experiments.PresetByID(c.Preset)
	if err != nil {
		return nil
	}
	i := slices.IndexFunc(p.Paper, func(r experiments.PaperRow) bool { return r.Row == c.Name })
	if i < 0 && len(p.Paper) == 1 {
		i = 0
	}
	if i < 0 {
		return nil
	}
	row := p.Paper[i]
	return &row
}

// WriteRunCurves writes loss.png and accuracy.png of the one run in runDir into it, next to the
// run's own files (its metrics.csv is left alone); for a run of one of package theory's kinds,
// the four figures of TheoryFigures instead.
func WriteRunCurves(runDir string) error {
	rec, err := experiments.ReadRun(runDir)
	if err != nil {
		return err
	}
	runs := []Run{FromRecord(rec)}
	named := []NamedChart{{"loss", LossChart(runs)}, {"accuracy", AccuracyChart(runs)}}
	if theory.IsTheoryKind(rec.Config.KindName()) {
		named = TheoryFigures(runs).Named()
	}
	if rec.Config.KindName() == layers.Kind {
		// The four charts and the patch mosaics, once the run has its details.
		var d layers.Details
		if rec.Summary.Details == nil || json.Unmarshal(rec.Summary.Details, &d) != nil {
			return nil
		}
		p, err := layers.ReadPatches(runDir)
		if err != nil {
			p = layers.Patches{}
		}
		return WriteLayersFigures(runDir, d, p)
	}
	for _, nc := range named {
		img := nc.Chart.Render(Light(), DefaultSize)
		if err := writeAtomic(filepath.Join(runDir, nc.Name+".png"), func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
			return err
		}
	}
	return nil
}

// EncodePNG is the PNG encoding of img.
func EncodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// writeAtomic writes what f writes to path atomically (experiments.WriteAtomic): a failure
// leaves the old file as it was, and no temporary file behind.
func writeAtomic(path string, f func(io.Writer) error) error { return experiments.WriteAtomic(path, f) }
