package experiments

import (
	"context"
	"os"
	"strings"
	"testing"

	"rethink/experiments/data"
)

// TestValidate_RejectsNonFiniteSettings: NaN and infinities in any number setting are refused
// by Validate, naming the setting, before a run folder exists.
func TestValidate_RejectsNonFiniteSettings(t *testing.T) {
	for _, key := range []string{"learning_rate", "lr_decay", "p", "momentum", "weight_decay", "clip_norm", "fit_threshold", "dropout"} {
		for _, v := range []string{"NaN", "+Inf", "-Inf"} {
			c := DefaultConfig()
			c.Randomization.Mode = data.PartialLabels
			if err := c.Set(key, v); err != nil {
				t.Fatalf("Set(%s, %s): %v", key, v, err)
			}
			err := c.Validate()
			if err == nil {
				t.Errorf("%s = %s passes Validate", key, v)
				continue
			}
			if !strings.Contains(err.Error(), key) && !strings.Contains(err.Error(), strings.ReplaceAll(key, "_", " ")) {
				t.Errorf("%s = %s: error %q does not name the setting", key, v, err)
			}
		}
	}
}

// TestValidate_RejectsNegativeCounts: negative threads, decay steps, max steps and cadences.
func TestValidate_RejectsNegativeCounts(t *testing.T) {
	for _, key := range []string{"threads", "decay_steps", "max_steps", "filter_every", "checkpoint_every"} {
		c := DefaultConfig()
		switch key {
		case "filter_every":
			c.FilterEvery = -1
		case "checkpoint_every":
			c.CheckpointEvery = -1
		default:
			if err := c.Set(key, "-3"); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), strings.ReplaceAll(key, "_", " ")) {
			t.Errorf("%s = -3: Validate gives %v, want an error naming it", key, err)
		}
	}
}

// TestValidate_BoundsThreads: threads=100000 opened a session of 100000 threads a pool (10 GB,
// minutes, deaf to Ctrl-C); above MaxThreads Validate refuses, naming the setting and the bound.
func TestValidate_BoundsThreads(t *testing.T) {
	c := DefaultConfig()
	if err := c.Set("threads", "100000"); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "threads") || !strings.Contains(err.Error(), "1024") {
		t.Errorf("threads = 100000: Validate gives %v, want an error naming threads and the bound", err)
	}
	c.Threads = MaxThreads
	if err := c.Validate(); err != nil {
		t.Errorf("threads = %d: %v", MaxThreads, err)
	}
}

// TestRun_EmptyTrainingSplitRefused names the empty split before any training.
func TestRun_EmptyTrainingSplitRefused(t *testing.T) {
	ds := bars(16, 4, 1)
	ds.Train = data.Set{H: 8, W: 8, C: 1}
	root := t.TempDir()
	evs, sum, err := collect(t, context.Background(), tinyConfig(), Options{ResultsDir: root, Dataset: ds})
	if err == nil || sum.Status != StatusFailed || !strings.Contains(err.Error(), "training split") {
		t.Fatalf("empty training split: err = %v, status %q; want a failure naming the training split", err, sum.Status)
	}
	for _, e := range evs {
		if _, ok := e.(EpochDone); ok {
			t.Errorf("trained with an empty training split")
		}
	}
}

// TestReadConfig_RejectsUnknownFields: a typo in a config file is an error naming the field,
// not a run with the default.
func TestReadConfig_RejectsUnknownFields(t *testing.T) {
	path := t.TempDir() + "/c.json"
	if err := os.WriteFile(path, []byte(`{"epochs": 3, "learning_rat": 0.1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadConfig(path); err == nil || !strings.Contains(err.Error(), "learning_rat") {
		t.Errorf("ReadConfig with a misspelt field: err = %v, want one naming learning_rat", err)
	}
	if err := os.WriteFile(path, []byte(`{"epochs": 3, "learning_rate": 0.1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := ReadConfig(path); err != nil || c.Epochs != 3 || c.LearningRate != 0.1 {
		t.Errorf("ReadConfig of a good file: %+v, %v", c, err)
	}
}

// TestRun_SizesLargerThanTheData: a train_size or test_size beyond the data set runs on all of
// it with a warning, and config.json records the sizes used; a batch larger than the training
// set is refused.
func TestRun_SizesLargerThanTheData(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.TrainSize, cfg.TestSize = 1, 1000, 500
	evs, _, err := collect(t, context.Background(), cfg, Options{ResultsDir: t.TempDir(), Dataset: bars(32, 8, 1)})
	if err != nil {
		t.Fatal(err)
	}
	st := evs[0].(Started)
	if len(st.Warnings) != 2 || !strings.Contains(st.Warnings[0], "1000") || !strings.Contains(st.Warnings[0], "32") {
		t.Errorf("warnings = %q, want two saying what was asked and what was used", st.Warnings)
	}
	rec, err := ReadRun(st.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Config.TrainSize != 32 || rec.Config.TestSize != 8 {
		t.Errorf("config.json records train_size %d, test_size %d; want the 32 and 8 used", rec.Config.TrainSize, rec.Config.TestSize)
	}

	cfg = tinyConfig()
	cfg.Batch = 64
	root := t.TempDir()
	_, _, err = collect(t, context.Background(), cfg, Options{ResultsDir: root, Dataset: bars(32, 8, 1)})
	if err == nil || !strings.Contains(err.Error(), "batch") || !strings.Contains(err.Error(), "32") {
		t.Errorf("batch 64 on 32 training images: err = %v, want a refusal naming both", err)
	}
}

func TestCheckRunFlags(t *testing.T) {
	for _, tc := range []struct {
		preset, config, resume bool
		sets                   int
		rest                   []string
		ok                     bool
	}{
		{preset: true, ok: true}, {config: true, sets: 2, ok: true}, {resume: true, ok: true}, {ok: true},
		{preset: true, config: true}, {resume: true, sets: 1}, {resume: true, preset: true}, {resume: true, config: true},
		{preset: true, rest: []string{"extra", "--set", "epochs=1"}},
	} {
		err := CheckRunFlags(tc.preset, tc.config, tc.resume, tc.sets, tc.rest)
		if (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v, want ok=%v", tc, err, tc.ok)
		}
	}
}

// TestStartWorker_RefusesBadThreads: serve --threads -1 served with TensorFlow's default, and
// a huge count would start that many threads; both are refused before a server starts.
func TestStartWorker_RefusesBadThreads(t *testing.T) {
	for _, n := range []int{-1, MaxThreads + 1} {
		if _, _, err := StartWorker(WorkerOptions{Listen: "127.0.0.1:0", Threads: n}); err == nil || !strings.Contains(err.Error(), "threads") {
			t.Errorf("StartWorker with %d threads: err = %v, want a refusal naming threads", n, err)
		}
	}
}

// TestReadConfig_RejectsDuplicatesAndNonObjects: json keeps the last of a key given twice
// ("epochs": 1, "epochs": 2 ran 2 epochs without a word), matches keys without regard to case
// ("Epochs" beside "epochs"), and decodes null into the defaults (a 20-epoch MNIST run). Each
// is an error naming what is wrong; nested objects are checked too.
func TestReadConfig_RejectsDuplicatesAndNonObjects(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ doc, want string }{
		{`{"epochs": 1, "epochs": 2}`, `"epochs" is given twice`},
		{`{"epochs": 1, "Epochs": 7}`, `"Epochs"`},
		{`{"model": {"arch": "mlp", "hidden": [8], "arch": "alexnet"}}`, `"model.arch" is given twice`},
		{`null`, "not null"},
		{`[{"epochs": 1}]`, "not an array"},
		{`3`, "not the number 3"},
	} {
		path := dir + "/c.json"
		if err := os.WriteFile(path, []byte(c.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadConfig(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadConfig(%s): err = %v, want one saying %s", c.doc, err, c.want)
		}
	}
	path := dir + "/ok.json"
	if err := os.WriteFile(path, []byte(`{"epochs": 2, "model": {"arch": "mlp", "hidden": [8, 8]}, "randomization": {"mode": "random-labels"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := ReadConfig(path); err != nil || c.Epochs != 2 || len(c.Model.Hidden) != 2 {
		t.Errorf("ReadConfig of a good file with nested objects: %+v, %v", c, err)
	}
	if err := os.WriteFile(path, []byte(`{"epochs": 2`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadConfig(path); err == nil || strings.Contains(err.Error(), "twice") {
		t.Errorf("ReadConfig of a cut file: err = %v, want the decoder's error", err)
	}
}

// TestSweep_RefusesNaNProbability: sweep --p 0,nan passed the list's check (NaN fails both
// p < 0 and p > 1), trained the p=0 run and then failed on the second; the list is refused
// before anything runs.
func TestSweep_RefusesNaNProbability(t *testing.T) {
	for _, ps := range []string{"nan", "0,NaN", "0,+Inf"} {
		if _, err := Sweep(DefaultConfig(), []string{"mlp"}, ps); err == nil || !strings.Contains(err.Error(), "[0, 1]") {
			t.Errorf("Sweep p %q: err = %v, want the list refused", ps, err)
		}
	}
}

// TestValidate_ClipNorm: a negative gradient clip norm is refused, naming the setting; 0 (off)
// and a positive norm pass.
func TestValidate_ClipNorm(t *testing.T) {
	c := DefaultConfig()
	if err := c.Set("clip_norm", "-1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "clip_norm") {
		t.Errorf("clip_norm = -1: Validate gives %v, want an error naming clip_norm", err)
	}
	for _, v := range []string{"0", "2.5"} {
		if err := c.Set("clip_norm", v); err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("clip_norm = %s: %v", v, err)
		}
	}
}
