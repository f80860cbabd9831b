package app

import (
	"encoding/csv"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"rethink/experiments"
)

// exportSet is what an export writes: the plots on screen, the results table and the metrics
// of every run of the experiment on screen.
type exportSet struct {
	plots   *plotsView
	table   []tableRow
	metrics map[string][]experiments.Metrics // by run ID (trace.id: its folder), never by name
	order   []string                         // run IDs
	names   map[string]string                // run ID -> name (missing: the ID)
}

// add puts a run's metrics in the set under its unique ID.
func (e *exportSet) add(t *trace) {
	if e.metrics == nil {
		e.metrics = map[string][]experiments.Metrics{}
	}
	if e.names == nil {
		e.names = map[string]string{}
	}
	id := t.id()
	e.order = append(e.order, id)
	e.metrics[id] = t.epochs
	e.names[id] = t.label()
}

// writeTo writes loss.png, accuracy.png (and the sweep plots), the same as SVG, results.csv and
// metrics.csv into
// dir, and returns the files written.
func (e exportSet) writeTo(dir string) ([]string, error) {
	var files []string
	writeFile := func(name string, write func(io.Writer) error) error {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
		files = append(files, path)
		return nil
	}
	pngOf := func(img *image.RGBA) func(io.Writer) error {
		return func(w io.Writer) error { return png.Encode(w, img) }
	}
	if p := e.plots; p != nil {
		for _, it := range []struct {
			name string
			img  *image.RGBA
		}{{"loss.png", p.loss}, {"accuracy.png", p.acc}, {"fig1b-time-to-fit.png", p.sweepFit}, {"fig1c-test-error.png", p.sweep1c}} {
			if it.img == nil {
				continue
			}
			if err := writeFile(it.name, pngOf(it.img)); err != nil {
				return files, err
			}
		}
		names := make([]string, 0, len(p.charts))
		for name := range p.charts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			c := p.charts[name]
			if err := writeFile(name+".svg", func(w io.Writer) error { return c.writeSVG(w, plotW, plotH) }); err != nil {
				return files, err
			}
		}
	}
	if err := writeFile("results.csv", e.writeTable); err != nil {
		return files, err
	}
	if len(e.order) > 0 {
		if err := writeFile("metrics.csv", e.writeMetrics); err != nil {
			return files, err
		}
	}
	return files, nil
}

func (e exportSet) writeTable(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := tableHeader.cells()
	for i, h := range header {
		header[i] = strings.ReplaceAll(h, "\n", " ") // the on-screen headers wrap; CSV's do not
	}
	cw.Write(header)
	for _, r := range e.table {
		cw.Write(r.cells())
	}
	cw.Flush()
	return cw.Error()
}

func (e exportSet) writeMetrics(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"run_id", "run", "epoch", "step", "train_loss", "train_acc", "test_loss", "test_acc", "learning_rate", "images_per_sec", "seconds"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	for _, id := range e.order {
		name := id
		if n, ok := e.names[id]; ok {
			name = n
		}
		for _, m := range e.metrics[id] {
			cw.Write([]string{id, name, strconv.Itoa(m.Epoch), strconv.Itoa(m.Step), f(m.TrainLoss), f(m.TrainAcc),
				f(m.TestLoss), f(m.TestAcc), f(m.LearningRate), f(m.ImagesPerSec), f(m.Seconds)})
		}
	}
	cw.Flush()
	return cw.Error()
}
