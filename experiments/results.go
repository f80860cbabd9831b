package experiments

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Metrics is one row of metrics.csv: the state of a run at the end of an epoch. Losses are mean
// cross-entropies (nats), accuracies fractions in [0, 1]; TrainLoss and TrainAcc are over the
// whole training set in evaluation mode.
type Metrics struct {
	Epoch        int     `json:"epoch"`
	Step         int     `json:"step"`
	TrainLoss    float64 `json:"train_loss"`
	TrainAcc     float64 `json:"train_acc"`
	TestLoss     float64 `json:"test_loss"`
	TestAcc      float64 `json:"test_acc"`
	BatchLoss    float64 `json:"batch_loss"` // mean training-mode loss of the epoch's batches
	LearningRate float64 `json:"learning_rate"`
	ImagesPerSec float64 `json:"images_per_sec"`
	Seconds      float64 `json:"seconds"` // wall time since the start of the run
}

// Summary is summary.json: what a run found, with the early-stopping view of the paper's
// Figure 2 (best test accuracy and when) next to the final numbers.
type Summary struct {
	Name string `json:"name"`
	// Seed is the run's Config.Seed: runs of a preset differ by it.
	Seed           uint64  `json:"seed"`
	Status         Status  `json:"status"`
	Error          string  `json:"error,omitempty"`
	Params         int64   `json:"params"`
	Device         string  `json:"device"`
	TrainSize      int     `json:"train_size"`
	TestSize       int     `json:"test_size"`
	FlipRate       float64 `json:"flip_rate"`
	Epochs         int     `json:"epochs"`
	Steps          int     `json:"steps"`
	FinalTrainAcc  float64 `json:"final_train_acc"`
	FinalTestAcc   float64 `json:"final_test_acc"`
	FinalTrainLoss float64 `json:"final_train_loss"`
	BestTestAcc    float64 `json:"best_test_acc"`
	BestTestStep   int     `json:"best_test_step"`
	// FitStep is the first step at which full training-set accuracy reached 100% (-1: never);
	// ThresholdStep the same for Config.FitThreshold.
	FitStep       int `json:"fit_step"`
	ThresholdStep int `json:"threshold_step"`
	// LossStep is the first step at which the training set's loss was below Config.StopLoss
	// (-1: never, or StopLoss off).
	LossStep int     `json:"loss_step"`
	Seconds  float64 `json:"seconds"`
	Finished string  `json:"finished,omitempty"` // RFC 3339
	// Warnings are problems that did not stop the run, e.g. TensorBoard events left incomplete.
	Warnings []string `json:"warnings,omitempty"`
	// Details are the headline numbers of a kind other than "sgd", in that kind's form (e.g.
	// package theory's KernelDetails).
	Details json.RawMessage `json:"details,omitempty"`
	// Dir is the run's folder ("" if it was never made); not written into summary.json.
	Dir string `json:"-"`
}

// Status is where a run stands, as summary.json records it.
type Status string

// Status values of a Summary.
const (
	StatusRunning   Status = "running"
	StatusDone      Status = "done"
	StatusCancelled Status = "cancelled"
	StatusDiverged  Status = "diverged"
	StatusFailed    Status = "failed"
	// StatusKilled is read from disk (ReadRun), never written: the run's process ended without
	// a final summary (killed, crashed, power lost). It can be resumed from its checkpoint.
	StatusKilled Status = "killed"
)

// writeFileAtomic writes data to path through a temporary file in the same folder and a rename,
// so that a crash leaves either the old file or the new one, never a torn one.
func writeFileAtomic(path string, data []byte) error {
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomic writes what f writes to path through a temporary file in the same folder, synced,
// made 0644 and renamed: a crash or a failure (f's, or a full disk) leaves the old file as it
// was and no temporary file behind. Every file of a run folder and of a report is written so.
func WriteAtomic(path string, f func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	err = f(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil { // CreateTemp makes 0600: every file of a run folder is 0644, like its folders' 0755
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v as indented JSON to path atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

var metricsHeader = []string{"epoch", "step", "train_loss", "train_acc", "test_loss", "test_acc", "batch_loss", "learning_rate", "images_per_sec", "seconds"}

// WriteMetricsCSV writes rows to path atomically.
func WriteMetricsCSV(path string, rows []Metrics) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(metricsHeader)
	for _, m := range rows {
		w.Write([]string{strconv.Itoa(m.Epoch), strconv.Itoa(m.Step), ff(m.TrainLoss), ff(m.TrainAcc), ff(m.TestLoss), ff(m.TestAcc),
			ff(m.BatchLoss), ff(m.LearningRate), ff(m.ImagesPerSec), ff(m.Seconds)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return writeFileAtomic(path, []byte(b.String()))
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// ReadMetricsCSV reads a metrics.csv written by WriteMetricsCSV.
func ReadMetricsCSV(r io.Reader) ([]Metrics, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(metricsHeader, ",") {
		return nil, errors.New("experiments: metrics.csv: unexpected header")
	}
	rows := make([]Metrics, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		var v [10]float64
		for j := range v {
			if v[j], err = strconv.ParseFloat(rec[j], 64); err != nil {
				return nil, fmt.Errorf("experiments: metrics.csv line %d: %w", i+2, err)
			}
		}
		rows = append(rows, Metrics{Epoch: int(v[0]), Step: int(v[1]), TrainLoss: v[2], TrainAcc: v[3], TestLoss: v[4], TestAcc: v[5],
			BatchLoss: v[6], LearningRate: v[7], ImagesPerSec: v[8], Seconds: v[9]})
	}
	return rows, nil
}

// RunRecord is a finished or interrupted run read back from its folder.
type RunRecord struct {
	Dir     string
	Config  Config
	Metrics []Metrics
	Summary Summary
}

// ReadRun reads a run's folder: config.json, metrics.csv and summary.json (the last two may be
// missing for a run that died before its first epoch). Summary.Status comes from what is on
// disk: running (a live process holds the folder), killed (none does, and no final summary was
// written), or the final status the run wrote: done, cancelled, diverged, failed.
func ReadRun(dir string) (RunRecord, error) {
	rec := RunRecord{Dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return rec, fmt.Errorf("experiments: %s is not a run folder: %w", dir, err)
	}
	// A config.json of another version may lack settings (their defaults apply, as for
	// --config) or have more (ignored here; --resume refuses them); one without a name is
	// named by its folder, not an empty row of the report.
	rec.Config = configBase(b)
	rec.Config.Name = ""
	if err := json.Unmarshal(b, &rec.Config); err != nil {
		return rec, fmt.Errorf("experiments: %s/config.json: %w", dir, err)
	}
	if rec.Config.Name == "" {
		rec.Config.Name = filepath.Base(dir)
	}
	if f, err := os.Open(filepath.Join(dir, "metrics.csv")); err == nil {
		rec.Metrics, err = ReadMetricsCSV(f)
		f.Close()
		if err != nil {
			return rec, fmt.Errorf("experiments: %s: %w", dir, err)
		}
	}
	// A run killed before its first summary has no steps at which anything happened: -1, not
	// 0 ("fitted at step 0" in the report); a summary.json read below writes every field.
	rec.Summary = Summary{BestTestStep: -1, FitStep: -1, ThresholdStep: -1, LossStep: -1}
	if b, err := os.ReadFile(filepath.Join(dir, "summary.json")); err == nil {
		if err := json.Unmarshal(b, &rec.Summary); err != nil {
			return rec, fmt.Errorf("experiments: %s/summary.json: %w", dir, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return rec, fmt.Errorf("experiments: %w", err)
	}
	rec.Summary.Status = diskStatus(dir, rec.Summary.Status)
	return rec, nil
}

// diskStatus is a run's status from what is on disk: a summary without a final status (none
// yet, or "running") means running while a process holds the folder's lock, killed otherwise.
func diskStatus(dir string, written Status) Status {
	if written != "" && written != StatusRunning {
		return written
	}
	if runLive(dir) {
		return StatusRunning
	}
	return StatusKilled
}

// ListRuns returns the run folders under root (those with a config.json), oldest first.
func ListRuns(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root {
			// The runs a run made inside its own folder (the networks of a "layers" run) are
			// its parts, not runs of their own.
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), "config.json")); err == nil {
				return filepath.SkipDir
			}
		}
		if !d.IsDir() && d.Name() == "config.json" {
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	return dirs, err
}

// newRunDir makes a fresh folder for a run under root, named by time and the run's name.
func newRunDir(root, name string) (string, error) {
	slug := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, name)
	if slug == "" {
		slug = "run"
	}
	// root must be a folder, or no name under it is ever free: a symbolic link that loops or
	// leads nowhere answers "exists" to every Mkdir under it, so its own error is the one told.
	if err := os.MkdirAll(root, 0o755); err != nil {
		if _, serr := os.Stat(root); serr != nil && os.IsExist(err) {
			err = serr
		}
		return "", fmt.Errorf("experiments: make results folder: %w", err)
	}
	base := filepath.Join(root, time.Now().Format("20060102-150405")+"-"+slug)
	dir := base
	// Names taken by earlier runs of the same second get -2, -3, ...; the bound only stops a
	// file system that answers "exists" to every name from keeping the run here for ever.
	const maxTries = 10000
	for i := 2; i <= maxTries; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !os.IsExist(err) {
			return "", fmt.Errorf("experiments: make run folder: %w", err)
		}
		dir = fmt.Sprintf("%s-%d", base, i)
	}
	return "", fmt.Errorf("experiments: make run folder: %d names under %s all exist", maxTries, base)
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// LastCheckpoint is the prefix of the last checkpoint of the "sgd" run in dir (the one its
// state.json names, as an absolute or dir-relative path joined to dir), for kinds that read a
// trained network (experiments/layers). A folder that is not an "sgd" run, or has no
// checkpoint yet, is an error that says so.
func LastCheckpoint(dir string) (string, error) {
	rec, err := ReadRun(dir)
	if err != nil {
		return "", err
	}
	if k := rec.Config.KindName(); k != KindSGD {
		return "", fmt.Errorf("experiments: %s is a %q run, not an SGD training run: it has no network to read", dir, k)
	}
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return "", fmt.Errorf("experiments: %s has no checkpoint (state.json: %w); train it to the end first", dir, err)
	}
	var st runState
	if err := json.Unmarshal(b, &st); err != nil {
		return "", fmt.Errorf("experiments: %s/state.json: %w", dir, err)
	}
	if st.Checkpoint == "" {
		return "", fmt.Errorf("experiments: %s/state.json names no checkpoint", dir)
	}
	return filepath.Join(dir, st.Checkpoint), nil
}
