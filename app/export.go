package app

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/report"
)

// Export writes every view of the experiment on screen into a folder named after it, inside
// the folder the user picks: the figures (PNG and SVG, a paper's black on white), the table,
// the combined metrics, the filter mosaics and the data sample shown. A folder of that name
// that holds files is overwritten only after asking.

// slug is name as a folder name: "Figure 1a: the five randomization tests (quick)" ->
// "figure-1a-the-five-randomization-tests-quick".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "rethink-export"
	}
	return out
}

// exportName is the folder the experiment on screen is exported to.
func (u *ui) exportName() string {
	if s := u.ctrl.sess; s != nil {
		return slug(s.title)
	}
	return slug(u.selected.Title)
}

// export asks for a folder and writes the experiment on screen into a folder named after it.
func (u *ui) export() {
	if u.win == nil {
		return
	}
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			u.ctrl.showError(err)
			return
		}
		if dir != nil {
			u.exportInto(dir.Path())
		}
	}, u.win)
	d.SetTitleText("Export " + u.exportName() + " into…")
	d.SetConfirmText("Export here")
	d.Show()
}

// exportInto exports into the folder named after the experiment inside parent, asking first
// when that folder holds files.
func (u *ui) exportInto(parent string) {
	target := filepath.Join(parent, u.exportName())
	if entries, _ := os.ReadDir(target); len(entries) > 0 {
		msg := widget.NewLabel(fmt.Sprintf("%s already holds %s.\nReplace them with this export?", target, experiments.Count(len(entries), "file")))
		c := dialog.NewCustomConfirm("Replace the earlier export?", "Replace (Enter)", "Cancel (Esc)", msg, func(ok bool) {
			if ok {
				u.exportTo(target)
			}
		}, u.win)
		u.ctrl.present(c, func() { u.exportTo(target) })
		return
	}
	u.exportTo(target)
}

// exportTo writes the export into dir (made if missing) and says what it wrote.
func (u *ui) exportTo(dir string) {
	files, err := u.writeExport(dir)
	if err != nil {
		u.ctrl.showError(err)
		return
	}
	msg := fmt.Sprintf("Wrote %s to %s.", experiments.Count(len(files), "file"), dir)
	if u.ctrl.running {
		msg += "\nPer-epoch metrics are in each run's folder (metrics.csv) while it runs."
	}
	u.ctrl.present(dialog.NewInformation("Exported", msg, u.win), nil)
}

// writeExport writes every view into dir and returns the files written.
func (u *ui) writeExport(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	set := report.Export{Table: u.ctrl.table.all(), Style: exportStyle(), Size: exportSize}
	if last := u.ctrl.curves.last; last != nil {
		set.Figures = last.figures
	}
	if !u.ctrl.running && u.ctrl.sess != nil {
		set.Runs = reportRuns(u.ctrl.sess.runs)
	}
	files, err := set.WriteTo(dir)
	if err != nil {
		return files, err
	}
	// The latest filter mosaic of each run that has one.
	for _, src := range u.ctrl.filters.sources {
		if len(src.snaps) == 0 {
			continue
		}
		snap := src.snaps[len(src.snaps)-1]
		img := experiments.FilterMosaic(snap, filterScale(snap))
		if img == nil {
			continue
		}
		path := filepath.Join(dir, "filters-"+slug(src.name)+".png")
		if err := writePNG(path, img); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	// The data sample on screen.
	if img := u.data.image(); img != nil {
		path := filepath.Join(dir, "data-sample.png")
		if err := writePNG(path, img); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

// writePNG writes img to path atomically (a temporary file renamed into place).
func writePNG(path string, img image.Image) error {
	b, err := report.EncodePNG(img)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
