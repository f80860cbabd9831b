package layers

import (
	"encoding/csv"
	"io"
	"path/filepath"
	"strconv"

	"rethink/experiments"
)

// The CSV files of a "layers" run folder.
const (
	// ProbesFile has one row per network and layer: the probe's test and training accuracy.
	ProbesFile = "probes.csv"
	// CKAFile has one row per pair of networks and pair of layers: linear CKA.
	CKAFile = "cka.csv"
	// AlignmentFile has one row per network: its first layer against the data's principal
	// components.
	AlignmentFile = "alignment.csv"
)

func fcsv(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// writeCSVs writes the run's numbers as CSV files, each atomically.
func writeCSVs(dir string, d Details) error {
	probes := [][]string{{"net", "mode", "p", "layer_index", "layer", "probe_dims", "probe_test_acc", "probe_train_acc"}}
	for _, n := range d.Nets {
		for i, l := range d.Layers {
			if i < len(n.Probe) {
				probes = append(probes, []string{n.Name, string(n.Mode), fcsv(n.P), strconv.Itoa(i), l.Name, strconv.Itoa(l.ProbeDims),
					fcsv(n.Probe[i]), fcsv(n.ProbeTrain[i])})
			}
		}
	}
	cka := [][]string{{"net_a", "net_b", "layer_a", "layer_b", "cka"}}
	for _, p := range d.CKA {
		for i, row := range p.Matrix {
			for j, v := range row {
				cka = append(cka, []string{p.A, p.B, d.Layers[i].Name, d.Layers[j].Name, fcsv(v)})
			}
		}
	}
	align := [][]string{{"net", "layer", "k", "dim", "share_trained", "share_change", "share_init", "share_chance"}}
	for _, n := range d.Nets {
		a := n.Alignment
		align = append(align, []string{n.Name, a.Layer, strconv.Itoa(a.K), strconv.Itoa(a.Dim), fcsv(a.Trained), fcsv(a.Change), fcsv(a.Init), fcsv(a.Chance)})
	}
	for _, f := range []struct {
		name string
		rows [][]string
	}{{ProbesFile, probes}, {CKAFile, cka}, {AlignmentFile, align}} {
		err := experiments.WriteAtomic(filepath.Join(dir, f.name), func(w io.Writer) error {
			cw := csv.NewWriter(w)
			if err := cw.WriteAll(f.rows); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		})
		if err != nil {
			return err
		}
	}
	return nil
}
