package app

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"

	"rethink/experiments"
)

// WriteReport reads every run folder under dir (as `rethink run --preset ... --out dir` leaves
// them) and writes into dir what the app's export writes for them: the training-loss curves of
// all runs overlaid (loss.png, Figure 1a style), accuracy.png, the Figure 1b and 1c plots when the
// runs are a label-corruption sweep, SVG copies, results.csv (our train and test accuracy beside
// the paper's, Table 1 style; also drawn as results.png) and metrics.csv. It needs no display and may run on any goroutine.
func WriteReport(dir string) ([]string, error) {
	recs, err := readHistory(dir)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("report: no run folders (with a config.json) under %s", dir)
	}
	slices.Reverse(recs) // readHistory lists the newest first; a report follows the order of the runs
	s := &session{title: "report of " + dir}
	for i, r := range recs {
		snaps, _ := experiments.ReadFilterSnapshots(r.Dir)
		t := recordTrace(i, r, snaps)
		if p, err := experiments.PresetByID(r.Config.Preset); err == nil {
			for _, row := range p.Paper {
				if row.Row == r.Config.Name || len(p.Paper) == 1 {
					row := row
					t.paper = &row
				}
			}
		}
		s.runs = append(s.runs, t)
	}
	set := exportSet{plots: s.renderPlots(), table: tableRows(s.runs), metrics: map[string][]experiments.Metrics{}}
	for _, t := range s.runs {
		set.add(t)
	}
	files, err := set.writeTo(dir)
	if err != nil {
		return files, err
	}
	path := filepath.Join(dir, "results.png")
	if err := writePNG(path, tableImage(set.table)); err != nil {
		return files, err
	}
	return append(files, path), nil
}

// WriteRunCurves writes loss.png and accuracy.png of the one run in runDir into it, next to the
// run's own files (its metrics.csv is left alone).
func WriteRunCurves(runDir string) error {
	rec, err := experiments.ReadRun(runDir)
	if err != nil {
		return err
	}
	s := &session{title: rec.Config.Name, runs: []*trace{recordTrace(0, rec, nil)}}
	v := s.renderPlots()
	if err := writePNG(filepath.Join(runDir, "loss.png"), v.loss); err != nil {
		return err
	}
	return writePNG(filepath.Join(runDir, "accuracy.png"), v.acc)
}

// writePNG encodes img to path through a temporary file and a rename.
func writePNG(path string, img image.Image) error {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
