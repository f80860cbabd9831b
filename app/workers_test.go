package app

import (
	"context"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// loopbackWorker starts the rethink worker called name (what rethink serve runs) in this test
// process on an ephemeral loopback port, publishing version ("": this build's), once per name:
// TensorFlow's server lives until the process ends, so the tests share them.
func loopbackWorker(t *testing.T, name, version string) string {
	t.Helper()
	workersMu.Lock()
	defer workersMu.Unlock()
	if addr, ok := workersByName[name]; ok {
		return addr
	}
	srv, _, err := experiments.StartWorker(experiments.WorkerOptions{Listen: "127.0.0.1:0", Threads: 1, Version: version})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(srv.Target(), "grpc://")
	workersByName[name] = addr
	return addr
}

var (
	workersMu     sync.Mutex
	workersByName = map[string]string{}
)

// absentAddr is a loopback address where nothing listens.
func absentAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// tinyPreset is a preset of two small MLP runs (a second or two each on tinyData).
func tinyPreset() Preset {
	a := experiments.DefaultConfig()
	a.Name, a.TrainSize, a.TestSize, a.Epochs, a.Batch = "true labels", 64, 32, 2, 16
	a.Model = tfgraph.Architecture{Arch: tfgraph.MLP, Hidden: []int64{16}}
	a.Device, a.Threads = tfgraph.DeviceCPU, 1
	b := a
	b.Name, b.Seed = "true labels, seed 2", 2
	return Preset{ID: "tiny-workers", Group: "Test", Title: "two tiny runs", Tier: experiments.Quick, Runs: []experiments.Config{a, b}}
}

// tinyData is 64 training and 32 test images of 8x8 noise with random labels, in place of MNIST
// (decoding MNIST takes long under the race detector).
func tinyData() *data.Dataset {
	rng := rand.New(rand.NewPCG(4, 4))
	set := func(n int) data.Set {
		s := data.Set{Images: make([]float32, n*64), Labels: make([]uint8, n), N: n, H: 8, W: 8, C: 1}
		for i := range s.Images {
			s.Images[i] = float32(rng.NormFloat64())
		}
		for i := range s.Labels {
			s.Labels[i] = uint8(rng.IntN(10))
		}
		return s
	}
	return &data.Dataset{Name: "mnist", Classes: 10, Train: set(64), Test: set(32)}
}

// runToEnd waits for the experiment on screen to end. A test that fails before still waits for
// it, at its end: the experiment's goroutines would otherwise update the window while the next
// test runs (its runs are small: seconds).
func runToEnd(t *testing.T, shown <-chan view) {
	t.Helper()
	done := false
	wait := func() bool {
		deadline := time.After(2 * time.Minute)
		for {
			select {
			case v := <-shown:
				if v.done {
					done = true
					return true
				}
			case <-deadline:
				return false
			}
		}
	}
	t.Cleanup(func() {
		if !done {
			wait()
		}
	})
	if !wait() {
		t.Fatal("timed out waiting for the experiment to end")
	}
}

func TestWorkers_FieldValidatesAndIsKeptInPreferences(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	if got := u.ctrl.runPanel.where.Text; got != "Runs on this machine" {
		t.Errorf("run strip says %q with no workers set, want %q", got, "Runs on this machine")
	}
	d := u.newWorkersDialog(u.setWorkers)
	for _, bad := range []string{"127.0.0.1", "127.0.0.1:2222,gpu-box", "127.0.0.1:99999", ":2222"} {
		d.entry.SetText(bad)
		if err := d.entry.Validate(); err == nil {
			t.Errorf("the Workers field accepts %q", bad)
		}
		if !d.check.Disabled() || !d.save.Disabled() {
			t.Errorf("Check or Save is enabled with %q in the field", bad)
		}
		if !strings.HasPrefix(d.result.Text, "✗ worker") {
			t.Errorf("with %q in the field the dialog says %q, want the problem named", bad, d.result.Text)
		}
	}
	// A tap on the disabled Save keeps the setting as it was.
	test.Tap(d.save)
	if got := u.app.Preferences().String(workersPref); got != "" || u.workers != nil {
		t.Errorf("a bad value was saved: preference %q, setting %v", got, u.workers)
	}

	d.entry.SetText(" 127.0.0.1:2222, 127.0.0.1:2223,127.0.0.1:2222")
	if err := d.entry.Validate(); err != nil {
		t.Fatalf("the Workers field refuses two workers: %v", err)
	}
	if d.check.Disabled() || d.save.Disabled() || d.result.Text != "" {
		t.Errorf("with valid workers in the field: Check disabled %v, Save disabled %v, message %q", d.check.Disabled(), d.save.Disabled(), d.result.Text)
	}
	test.Tap(d.save)
	if got, want := u.app.Preferences().String(workersPref), "127.0.0.1:2222,127.0.0.1:2223"; got != want {
		t.Errorf("preference %q, want %q", got, want)
	}
	if got, want := u.ctrl.runPanel.where.Text, "Runs on 2 workers"; got != want {
		t.Errorf("run strip says %q, want %q", got, want)
	}
	// The setting outlives the window: a new one on the same app starts with it.
	u2 := newUI(u.app, nil, (&fakeRun{}).run, t.TempDir(), testDeps())
	if got := strings.Join(u2.workers, ","); got != "127.0.0.1:2222,127.0.0.1:2223" {
		t.Errorf("a new window's workers: %q", got)
	}
	// Blank is this machine again.
	d = u.newWorkersDialog(u.setWorkers)
	d.entry.SetText("")
	test.Tap(d.save)
	if u.workers != nil || u.app.Preferences().String(workersPref) != "" || u.ctrl.runPanel.where.Text != "Runs on this machine" {
		t.Errorf("blank Workers: setting %v, preference %q, strip %q", u.workers, u.app.Preferences().String(workersPref), u.ctrl.runPanel.where.Text)
	}
}

func TestWorkers_PresetSpreadsOverLoopbackWorkersAndSaysWhere(t *testing.T) {
	a, b := loopbackWorker(t, "a", ""), loopbackWorker(t, "b", "")
	u, _ := newTestUI(t, &fakeRun{})
	u.d.probeWorker = experiments.ProbeWorker
	u.ctrl.dataset = tinyData()
	absent := absentAddr(t)

	// The setting's check names each worker's version and device, and what is wrong with the others.
	d := u.newWorkersDialog(u.setWorkers)
	d.entry.SetText(a + "," + absent)
	test.Tap(d.check)
	lines := strings.Split(d.result.Text, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "✓ "+a+": "+experiments.VersionString()) ||
		!strings.Contains(lines[0], "runs train on its CPU") || !strings.Contains(lines[1], "no worker at "+absent) {
		t.Errorf("check says %q", d.result.Text)
	}

	// A preset of two runs trains on both workers at once; the strip says where each run is.
	u.setWorkers([]string{a, b}, 0)
	u.ctrl.every = time.Nanosecond // every update of the strip shown: the test reads them all
	shown := make(chan view, 1024)
	var infos []string
	u.ctrl.afterShow = func(v view) {
		if v.progress != nil {
			infos = append(infos, v.progress.info)
		}
		shown <- v
	}
	p := tinyPreset()
	u.selected = p
	u.startSelected()
	runToEnd(t, shown)
	if v := u.ctrl.sess; v == nil || len(v.runs) != 2 {
		t.Fatal("no session of two runs")
	}
	places := map[string]bool{}
	for _, tr := range u.ctrl.sess.runs {
		if tr.summary == nil || tr.summary.Status != experiments.StatusDone || tr.err != nil {
			t.Errorf("%s: summary %+v, error %v; want done", tr.cfg.Name, tr.summary, tr.err)
			continue
		}
		if _, err := os.Stat(filepath.Join(tr.summary.Dir, "metrics.csv")); err != nil {
			t.Errorf("%s: no metrics in its folder on this machine: %v", tr.cfg.Name, err)
		}
		places[tr.place] = true
	}
	if !places[a+" (CPU)"] || !places[b+" (CPU)"] {
		t.Errorf("runs trained on %v, want one on each of %s and %s", places, a, b)
	}
	said := strings.Join(infos, "\n")
	if !strings.Contains(said, "run 1 on ") || !strings.Contains(said, a+" (CPU)") || !strings.Contains(said, b+" (CPU)") {
		t.Errorf("the run strip never said where the runs train:\n%s", said)
	}
	if got := u.ctrl.runPanel.status.Text; !strings.Contains(got, "finished") {
		t.Errorf("status %q, want finished", got)
	}
}

func TestWorkers_AbsentOrOtherVersionIsRefusedWithAReason(t *testing.T) {
	other := loopbackWorker(t, "old", "rethink 0.0.9, TensorFlow 2.17.0")
	absent := absentAddr(t)
	u, _ := newTestUI(t, &fakeRun{})
	u.ctrl.dataset = tinyData()
	u.setWorkers([]string{absent, other}, 0)
	shown := make(chan view, 256)
	var last view
	u.ctrl.afterShow = func(v view) { last = v; shown <- v }
	u.selected = tinyPreset()
	u.startSelected()
	runToEnd(t, shown)
	if last.err == nil {
		t.Fatal("an experiment on no usable worker ended without an error")
	}
	msg := explain(last.err).Error()
	for _, want := range []string{"No worker of the Workers setting can take the runs:\n• no worker at " + absent, other + " runs rethink 0.0.9, TensorFlow 2.17.0", experiments.VersionString()} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	for _, tr := range u.ctrl.sess.runs {
		if tr.started != nil {
			t.Errorf("%s started on a refused worker", tr.cfg.Name)
		}
	}
}

func TestWorkers_PlaceNamesTheRemoteGPU(t *testing.T) {
	for _, c := range []struct{ worker, device, want string }{
		{"", "/job:localhost/replica:0/task:0/device:CPU:0", "this machine (CPU)"},
		{"", "/job:localhost/replica:0/task:0/device:GPU:0", "the GPU of this machine"},
		{"10.0.0.5:2222", "/job:worker/replica:0/task:0/device:GPU:0", "the GPU of 10.0.0.5:2222"},
		{"127.0.0.1:2223", "/job:worker/replica:0/task:0/device:CPU:0", "127.0.0.1:2223 (CPU)"},
	} {
		if got := placeOf(c.worker, c.device); got != c.want {
			t.Errorf("placeOf(%q, %q) = %q, want %q", c.worker, c.device, got, c.want)
		}
	}
	// The laptop case: a run on a worker that offers a GPU says it trains there.
	s := newSession(tinyPreset())
	s.workers = []string{"10.0.0.5:2222"}
	c := &controller{sess: s}
	v := c.prepare(onWorker{w: experiments.WorkerEvent{Run: 0, Worker: "10.0.0.5:2222", Event: experiments.Started{
		Config: s.runs[0].cfg, Device: "/job:worker/replica:0/task:0/device:GPU:0", TotalSteps: 16}}})
	if v.progress == nil || !strings.Contains(v.progress.info, "run 1 on the GPU of 10.0.0.5:2222") {
		t.Errorf("after the start on a GPU worker the strip says %+v", v.progress)
	}
	gpu := experiments.WorkerInfo{Addr: "10.0.0.5:2222", Version: "v", Devices: []tfgraph.DeviceInfo{{Type: "CPU"}, {Type: "GPU"}}}
	if got := describeWorker(gpu, nil); !strings.Contains(got, "runs train on its GPU") {
		t.Errorf("the check of a GPU worker says %q", got)
	}
}

// TestTableRows_SeedsStoppedEarly: a preset of several seeds a row, stopped in its first row,
// tables one row a group: the rows never started say "not run" (this used to index the rows by
// run and panic once a stopped run's index passed the number of rows).
func TestTableRows_SeedsStoppedEarly(t *testing.T) {
	var runs []*trace
	for i, name := range []string{"true labels", "true labels", "random labels", "random labels"} {
		c := experiments.DefaultConfig()
		c.Name, c.Seed = name, uint64(i%2+1)
		runs = append(runs, newTrace(i, c))
	}
	runs[0].started, runs[0].done = &experiments.Started{}, true
	for _, tr := range runs[1:] {
		tr.skipped = true
	}
	rows := tableRows(runs)
	if len(rows) != 2 {
		t.Fatalf("%d rows for 2 names of 2 seeds, want 2", len(rows))
	}
	if rows[0].Status == "not run" || rows[1].Status != "not run" {
		t.Errorf("statuses %q and %q: want the first row's own and \"not run\"", rows[0].Status, rows[1].Status)
	}
}

// TestSession_InfoSaysWhereEachRunIs: on workers the strip's second line names the worker of
// every run under way and counts the others, whatever became of them.
func TestSession_InfoSaysWhereEachRunIs(t *testing.T) {
	p := tinyPreset()
	for len(p.Runs) < 5 {
		p.Runs = append(p.Runs, p.Runs[0])
	}
	s := newSession(p)
	s.workers = []string{"127.0.0.1:2222", "127.0.0.1:2223"}
	r := s.runs
	r[0].worker, r[0].place = "127.0.0.1:2223", "127.0.0.1:2223 (CPU)"
	r[1].done, r[1].summary = true, &experiments.Summary{Status: experiments.StatusDone}
	r[2].done, r[2].summary = true, &experiments.Summary{Status: experiments.StatusCancelled}
	r[3].skipped = true
	got := s.info(experiments.Started{})
	if want := "run 1 on 127.0.0.1:2223 (CPU) · 1 waiting · 1 done · 1 stopped · 1 not run"; got != want {
		t.Errorf("info = %q, want %q", got, want)
	}
}

// TestWorkers_OtherKindsStayOnThisMachine: the theory kinds run in this process only, so an
// experiment with one runs here even when workers are set (none need be reachable).
func TestWorkers_OtherKindsStayOnThisMachine(t *testing.T) {
	f := &fakeRun{}
	u, _ := newTestUI(t, f)
	u.setWorkers([]string{absentAddr(t)}, 0)
	shown := make(chan view, 256)
	var last view
	u.ctrl.afterShow = func(v view) { last = v; shown <- v }
	p := testPreset()
	p.Runs = p.Runs[:1]
	p.Runs[0].Kind = "theorem1"
	u.selected = p
	u.startSelected()
	runToEnd(t, shown)
	if last.err != nil || len(f.cfgs) != 1 {
		t.Errorf("a theorem1 run with workers set: error %v, %d runs in this process; want it run here", last.err, len(f.cfgs))
	}
}

// The Workers setting's call timeout, as rethink sweep --worker-timeout: checked as it is typed
// (Save disabled on a bad value), kept in the preferences, shown again, and given to the runs on
// the workers (experiments.Options.WorkerTimeout); blank is the default.
func TestWorkers_CallTimeoutIsASettingTheRunsGet(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	d := u.newWorkersDialog(u.setWorkers)
	if d.timeout.Text != "" || !strings.Contains(d.timeout.PlaceHolder, "5m") {
		t.Errorf("call timeout at first: %q, placeholder %q; want blank, the default (5m) named", d.timeout.Text, d.timeout.PlaceHolder)
	}
	d.entry.SetText("127.0.0.1:2222")
	for _, bad := range []string{"5", "fast", "10ms", "-1m"} {
		d.timeout.SetText(bad)
		if !d.save.Disabled() || !strings.Contains(d.result.Text, "call timeout") {
			t.Errorf("call timeout %q: Save disabled %v, message %q; want Save disabled and the problem named", bad, d.save.Disabled(), d.result.Text)
		}
	}
	test.Tap(d.save)
	if got := u.app.Preferences().String(workerTimeoutPref); got != "" || u.workers != nil {
		t.Errorf("a bad timeout was saved: preference %q, workers %v", got, u.workers)
	}
	d.timeout.SetText(" 90s ")
	if d.save.Disabled() || d.result.Text != "" {
		t.Fatalf("call timeout 90s: Save disabled %v, message %q", d.save.Disabled(), d.result.Text)
	}
	test.Tap(d.save)
	if got, want := u.app.Preferences().String(workerTimeoutPref), "1m30s"; got != want || u.workerTimeout != 90*time.Second {
		t.Errorf("saved %q (%v), want %q", got, u.workerTimeout, want)
	}
	if d := u.newWorkersDialog(u.setWorkers); d.timeout.Text != "1m30s" {
		t.Errorf("the dialog opened again shows %q, want 1m30s", d.timeout.Text)
	}
	if u2 := newUI(u.app, nil, (&fakeRun{}).run, t.TempDir(), testDeps()); u2.workerTimeout != 90*time.Second {
		t.Errorf("a new window's call timeout: %v", u2.workerTimeout)
	}

	// A preset started now goes to the workers with the timeout.
	got := make(chan experiments.Options, 1)
	u.ctrl.runOnWorkers = func(_ context.Context, runs []experiments.Config, opts experiments.Options, ws []string, _ int, _ func(experiments.WorkerEvent)) ([]experiments.Summary, error) {
		got <- opts
		return make([]experiments.Summary, len(runs)), nil
	}
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	u.selected = tinyPreset()
	u.startSelected()
	runToEnd(t, shown)
	select {
	case o := <-got:
		if o.WorkerTimeout != 90*time.Second {
			t.Errorf("the runs got a call timeout of %v, want 1m30s", o.WorkerTimeout)
		}
	default:
		t.Fatal("the preset did not go to the workers")
	}

	// Blank is the default again.
	d = u.newWorkersDialog(u.setWorkers)
	d.timeout.SetText("")
	test.Tap(d.save)
	if u.workerTimeout != 0 || u.app.Preferences().String(workerTimeoutPref) != "" {
		t.Errorf("blank call timeout: %v, preference %q", u.workerTimeout, u.app.Preferences().String(workerTimeoutPref))
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{5 * time.Minute: "5m", 90 * time.Second: "1m30s", time.Hour: "1h", 45 * time.Second: "45s", 90 * time.Minute: "1h30m"} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(durationText(d)); err != nil || back != d {
			t.Errorf("%q reads back as %v, %v", durationText(d), back, err)
		}
	}
}
