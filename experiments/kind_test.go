package experiments

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// echoKind is a tiny kind made for the test: it writes the run folder every kind writes and
// sends Started, one EpochDone and Finished, or stops when ctx is cancelled.
func echoKind(ctx context.Context, cfg Config, opts Options, out chan<- Event) (Summary, error) {
	finish := func(sum Summary, err error) (Summary, error) {
		SendFinished(ctx, out, Finished{Summary: sum, Err: err})
		return sum, err
	}
	dir, err := CreateRunFolder(opts, cfg)
	if err != nil {
		return finish(Summary{Name: cfg.Name, Status: StatusFailed, Error: err.Error()}, err)
	}
	out <- Started{Config: cfg, Dir: dir}
	if err := ctx.Err(); err != nil {
		sum := Summary{Name: cfg.Name, Status: StatusCancelled}
		return finish(sum, errors.Join(err, WriteJSON(filepath.Join(dir, "summary.json"), sum)))
	}
	m := Metrics{Epoch: 1, Step: 1, TrainAcc: 1}
	out <- EpochDone{Metrics: m}
	sum := Summary{Name: cfg.Name, Status: StatusDone, Epochs: 1, Steps: 1, FinalTrainAcc: 1, FitStep: -1}
	err = errors.Join(WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), []Metrics{m}), WriteJSON(filepath.Join(dir, "summary.json"), sum))
	return finish(sum, err)
}

func init() { Register(Kind{Name: "echo-test", Description: "a test kind", Run: echoKind}) }

func TestKind_RunDispatchesAndWritesTheRunFolder(t *testing.T) {
	root := t.TempDir()
	cfg := DefaultConfig()
	cfg.Kind, cfg.Name = "echo-test", "echo"
	out := make(chan Event, 8)
	sum, err := Run(context.Background(), cfg, Options{ResultsDir: root}, out)
	if err != nil || sum.Status != StatusDone {
		t.Fatalf("Run: %+v, %v", sum, err)
	}
	close(out)
	var got []string
	for e := range out {
		got = append(got, fmtType(e))
	}
	if strings.Join(got, ",") != "Started,EpochDone,Finished" {
		t.Errorf("events: %v", got)
	}
	dirs, err := ListRuns(root)
	if err != nil || len(dirs) != 1 {
		t.Fatalf("run folders: %v, %v", dirs, err)
	}
	rec, err := ReadRun(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	if rec.Config.Kind != "echo-test" || rec.Summary.Status != StatusDone || len(rec.Metrics) != 1 {
		t.Errorf("run folder: kind %q, status %q, %d metrics rows", rec.Config.Kind, rec.Summary.Status, len(rec.Metrics))
	}
}

func TestKind_Cancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := DefaultConfig()
	cfg.Kind = "echo-test"
	out := make(chan Event, 8)
	sum, err := Run(ctx, cfg, Options{ResultsDir: t.TempDir()}, out)
	if !errors.Is(err, context.Canceled) || sum.Status != StatusCancelled {
		t.Errorf("cancelled run: %+v, %v", sum, err)
	}
}

func TestKind_UnknownIsAnErrorWithFinished(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Kind = "no-such-kind"
	out := make(chan Event, 1)
	root := t.TempDir()
	_, err := Run(context.Background(), cfg, Options{ResultsDir: root}, out)
	if !errors.Is(err, ErrUnknownKind) || !strings.Contains(err.Error(), "sgd") {
		t.Errorf("unknown kind: %v, want ErrUnknownKind listing the registered kinds", err)
	}
	if f, ok := (<-out).(Finished); !ok || f.Err == nil {
		t.Error("no Finished event with the error")
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("an unknown kind left %d entries in the results folder", len(entries))
	}
}

func TestKind_OldRunFolderWithoutKindIsSGD(t *testing.T) {
	dir := t.TempDir()
	// A config.json as rethink wrote it before kinds: no "kind" field.
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"name":"old","dataset":"mnist","learning_rate":0.01}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ReadConfig(filepath.Join(dir, "config.json"))
	if err != nil || c.KindName() != KindSGD {
		t.Fatalf("old config.json reads as kind %q (%v), want sgd", c.KindName(), err)
	}
	_, err = Run(context.Background(), Config{}, Options{ResumeDir: dir}, nil)
	// The sgd kind takes it, and says there is no checkpoint to resume from.
	if err == nil || errors.Is(err, ErrUnknownKind) || !strings.Contains(err.Error(), "checkpoint") {
		t.Errorf("resume of an old folder: %v, want the sgd kind's no-checkpoint error", err)
	}
}

func TestKind_PresetsNameTheirKind(t *testing.T) {
	for _, p := range Presets() {
		for _, c := range p.Runs {
			if _, err := KindByName(c.Kind); err != nil || c.Kind == "" {
				t.Errorf("%s: run %q has kind %q: %v", p.ID, c.Name, c.Kind, err)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("registering sgd twice did not panic")
		}
	}()
	Register(Kind{Name: KindSGD, Run: echoKind})
}

func fmtType(e Event) string {
	switch e.(type) {
	case Started:
		return "Started"
	case EpochDone:
		return "EpochDone"
	case Finished:
		return "Finished"
	}
	return "other"
}
