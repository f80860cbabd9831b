package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/experiments/report"
	"rethink/tfgraph"
)

// fakeRun scripts the events of a run. With block set it waits for the cancel after its
// events and returns ctx.Err(), as experiments.Run does.
type fakeRun struct {
	block bool
	mu    sync.Mutex
	errs  []error
	cfgs  []experiments.Config
}

func (f *fakeRun) run(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (experiments.Summary, error) {
	f.mu.Lock()
	f.cfgs = append(f.cfgs, cfg)
	i := len(f.cfgs)
	block := f.block
	f.mu.Unlock()
	send := func(e experiments.Event) {
		select {
		case out <- e:
		case <-ctx.Done():
		}
	}
	send(experiments.Started{Config: cfg, Dir: "/tmp/fake", Params: 1209866, Device: "/device:CPU:0",
		TrainSize: 1000, TestSize: 2000, StepsPerEpoch: 8, TotalSteps: 80})
	for step := 1; step <= 8; step++ {
		send(experiments.StepProgress{Step: step, Epoch: 1, TotalSteps: 80, Loss: 2.3 / float64(step*i), ImagesPerSec: 5000, ETA: time.Minute})
	}
	send(experiments.StepProgress{Step: 9, Epoch: 1, TotalSteps: 80, Loss: math.NaN()}) // must not break the plot
	send(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: 1, Step: 8, TrainLoss: 0.5, TrainAcc: 0.9, TestLoss: 0.6, TestAcc: 0.85}})
	send(experiments.FiltersReady{Epoch: 1, Step: 8, Shape: []int64{5, 5, 1, 4}, Weights: make([]float32, 100)})
	sum := experiments.Summary{Name: cfg.Name, Status: experiments.StatusDone, Epochs: 1, Steps: 8,
		FinalTrainAcc: 1, FinalTestAcc: 0.875, FitStep: 8, BestTestAcc: 0.875, BestTestStep: 8}
	var err error
	if block {
		<-ctx.Done()
		err = ctx.Err()
		sum.Status = experiments.StatusCancelled
	} else {
		send(experiments.Fitted{Step: 8, Epoch: 1, Threshold: 1})
	}
	f.mu.Lock()
	f.errs = append(f.errs, err)
	f.mu.Unlock()
	out <- experiments.Finished{Summary: sum, Err: err}
	return sum, err
}

func testPreset() Preset {
	a := experiments.DefaultConfig()
	a.Name, a.TrainSize = "true labels", 1000
	b := a
	b.Name, b.Randomization = "random labels", data.Randomization{Mode: data.RandomLabels, P: 1}
	return Preset{ID: "test-quick", Group: "Figure 1a", Title: "Figure 1a: test (quick)", Tier: experiments.Quick,
		Description: "two fake runs", Runs: []experiments.Config{a, b},
		Paper: []PaperRow{{Row: "true labels", Train: 100, Test: 50.51}, {Row: "random labels", Train: 99.34, Test: 10.61}}}
}

// newTestUI builds the window content against a fake runner, with fake presets and parameter
// counts so that no graph is built.
func newTestUI(t *testing.T, f *fakeRun) (*ui, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	u := newUI(a, w, f.run, t.TempDir(), testDeps())
	w.SetContent(u.content)
	w.Resize(fyne.NewSize(1280, 800))
	closed := make(chan struct{})
	w.SetOnClosed(func() { close(closed) })
	closedWindows.Store(w, closed)
	t.Cleanup(func() {
		select {
		case <-closed: // the app closed it (the close intercept)
		default:
			w.Close()
		}
	})
	return u, w
}

// testDeps run slow work inline, list the test preset, count no graph and render plots small
// (the race detector makes rendering slow).
func testDeps() *deps {
	return &deps{
		background:    func(f func()) { f() },
		presets:       func() []Preset { return []Preset{testPreset()} },
		countParams:   func(tfgraph.Architecture, int64, int64, int64, int64) (int64, error) { return 1209866, nil },
		maxPlot:       report.Size{W: 300, H: 110},
		downloadStall: time.Minute,
		loadData: func(_ context.Context, cfg experiments.Config) (string, []thumb, error) {
			return "data of " + cfg.Name, nil, nil
		},
	}
}

// closedWindows maps each test window to a channel closed when the window closes.
var closedWindows sync.Map

// waitView waits for a shown view that satisfies ok.
func waitView(t *testing.T, ch <-chan view, ok func(view) bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case v := <-ch:
			if ok(v) {
				return
			}
		case <-deadline:
			t.Fatal("timed out waiting for the UI to update")
		}
	}
}

func TestUI_TapPresetRunsAndFillsTable(t *testing.T) {
	f := &fakeRun{}
	u, _ := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }

	test.Tap(u.presets.buttons["test-quick"])
	waitView(t, shown, func(v view) bool { return v.done })

	if got := len(f.cfgs); got != 2 {
		t.Fatalf("runs started: got %d, want 2 (the preset's runs in sequence)", got)
	}
	rows := u.ctrl.table.rows
	if len(rows) != 2 {
		t.Fatalf("table rows: got %d, want 2", len(rows))
	}
	for _, r := range rows {
		if r.Train != "100.00" || r.Test != "87.50" || r.Status != "done" {
			t.Errorf("row %q: got train %s test %s status %s, want 100.00 87.50 done", r.Run, r.Train, r.Test, r.Status)
		}
	}
	if got, want := rows[1].PaperTest, "10.61"; got != want {
		t.Errorf("paper test of random labels: got %s, want %s", got, want)
	}
	if got := rows[0].FitStep; got != "8" {
		t.Errorf("fit step: got %s, want 8", got)
	}
	if u.ctrl.runPanel.start.Disabled() {
		t.Error("Start is still disabled after the experiment finished")
	}
	if !strings.Contains(u.ctrl.runPanel.status.Text, "finished") {
		t.Errorf("status: got %q, want it to say finished", u.ctrl.runPanel.status.Text)
	}
	if l := u.ctrl.curves.loss; l.renders == 0 || l.image().Bounds().Dx() < 100 {
		t.Error("no loss plot rendered")
	}
	if min := u.content.MinSize(); min.Width > 1280 || min.Height > 800 {
		t.Errorf("content needs %v: more than a 1280x800 window", min)
	}
	if len(u.ctrl.filters.sources) != 2 || u.ctrl.filters.pick[1].Selected != "random labels" {
		t.Errorf("filters: got %d sources, right side %q; want 2 and random labels", len(u.ctrl.filters.sources), u.ctrl.filters.pick[1].Selected)
	}
}

func TestUI_StopCancelsTheRun(t *testing.T) {
	f := &fakeRun{block: true}
	u, _ := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }

	test.Tap(u.ctrl.runPanel.start) // the selected preset: the first quick one
	waitView(t, shown, func(v view) bool { return v.filters != nil })
	if !u.ctrl.runPanel.start.Disabled() {
		t.Error("Start is enabled while the experiment runs")
	}
	status := u.ctrl.runPanel.status.Text
	if !strings.Contains(status, "epoch 1 done") {
		t.Errorf("status mid-run: got %q, want the epoch's metrics", status)
	}
	if info := u.ctrl.runPanel.info.Text; !strings.Contains(info, "CPU") || !strings.Contains(info, "1,209,866") {
		t.Errorf("info: got %q, want the device and the parameter count", info)
	}
	if got := u.ctrl.table.rows[0].Train; got != "90.00" {
		t.Errorf("table mid-run: got train %s, want 90.00", got)
	}

	test.Tap(u.ctrl.runPanel.pause)
	if !u.ctrl.pause.Paused() || u.ctrl.runPanel.pause.Text != "Resume" {
		t.Error("Pause did not pause")
	}
	test.Tap(u.ctrl.runPanel.stop)
	waitView(t, shown, func(v view) bool { return v.done })

	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) != 1 || !errors.Is(f.errs[0], context.Canceled) {
		t.Fatalf("run errors: got %v, want one context.Canceled (and no second run)", f.errs)
	}
	if u.ctrl.runPanel.start.Disabled() || !u.ctrl.runPanel.stop.Disabled() {
		t.Error("after Stop: want Start enabled and Stop disabled")
	}
	if !strings.Contains(u.ctrl.runPanel.status.Text, "stopped") {
		t.Errorf("status after stop: got %q", u.ctrl.runPanel.status.Text)
	}
}

func TestController_PrepareShow(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	c := u.ctrl
	p := testPreset()
	c.sess = newSession(p)
	events := []experiments.Event{
		runBegin{Started: experiments.Started{Config: p.Runs[0]}, index: 0},
		experiments.Started{Config: p.Runs[0], Device: "/device:CPU:0", Params: 42, TotalSteps: 100},
		experiments.StepProgress{Step: 50, Epoch: 2, TotalSteps: 100, Loss: math.Inf(1), ETA: 3 * time.Second, ImagesPerSec: 1234},
	}
	for _, e := range events {
		c.show(c.prepare(e))
	}
	if got := c.runPanel.bar.Value; got != 0.5 {
		t.Errorf("progress: got %g, want 0.5", got)
	}
	for _, want := range []string{"step 50/100", "epoch 2", "ETA 3s", "1234 img/s", "Run 1/2"} {
		if !strings.Contains(c.runPanel.status.Text, want) {
			t.Errorf("status %q lacks %q", c.runPanel.status.Text, want)
		}
	}
	c.show(c.prepare(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: 1, Step: 100, TrainAcc: 0.5, TestAcc: 0.25, TrainLoss: math.NaN()}}))
	if got := c.table.rows[0].Test; got != "25.00" {
		t.Errorf("table test acc: got %s, want 25.00", got)
	}
	test.AssertObjectRendersToMarkup(t, "runpanel/after_epoch.xml", c.runPanel.content)
	// A sweep over p shows the Figure 1b and 1c plots.
	sw := p
	sw.Runs = append([]experiments.Config(nil), p.Runs...)
	sw.Runs[1].Randomization = data.Randomization{Mode: data.PartialLabels, P: 0.5}
	c.sess = newSession(sw)
	for i := range sw.Runs {
		c.show(c.prepare(runBegin{index: i}))
		c.show(c.prepare(experiments.Fitted{Step: 100 * (i + 1)}))
		c.show(c.prepare(runEnd{index: i, Finished: experiments.Finished{Summary: experiments.Summary{Status: "done", FitStep: 100 * (i + 1)}}}))
	}
	if !c.curves.figure.Visible() {
		t.Fatal("the choice of Figures 1b and 1c is hidden for a sweep over p")
	}
	c.curves.figure.SetSelected(showFit)
	if !c.curves.fit.Visible() || c.curves.curves.Visible() || c.curves.testErr.Visible() {
		t.Error("Figure 1b picked: want it alone on screen")
	}
	if got := c.curves.fit.image().Bounds().Dx(); got < 100 {
		t.Errorf("Figure 1b rendered %d px wide, want its pane's width", got)
	}
}

func TestCustomPanel_Config(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	cp := u.custom
	u.editPreset(testPreset())
	cp.mode.SetSelected(string(data.PartialLabels))
	cp.p.SetValue(0.4)
	cp.lr.SetText("0.05")
	cfg, err := cp.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Randomization.P != 0.4 || cfg.LearningRate != 0.05 || cfg.TrainSize != 1000 || cfg.Model.Arch != tfgraph.MLP {
		t.Errorf("config: got %+v", cfg)
	}
	cp.lr.SetText("fast")
	if _, err := cp.Config(); err == nil {
		t.Error("a learning rate of \"fast\" was accepted")
	}
}

func BenchmarkChart_Render(b *testing.B) {
	var tr []*trace
	for i := range 5 {
		t := newTrace(i, experiments.DefaultConfig())
		for s := range 2000 {
			t.lossStep = append(t.lossStep, float64(s*10))
			t.loss = append(t.loss, 2.3*math.Exp(-float64(s)/500))
		}
		tr = append(tr, t)
	}
	for b.Loop() {
		report.LossChart(reportRuns(tr)).Render(themeStyle(), report.DefaultSize)
	}
}

func TestDownload_OfferedForMissingCIFAR(t *testing.T) {
	u, w := newTestUI(t, &fakeRun{})
	cfg := experiments.DefaultConfig()
	cfg.Dataset, cfg.DataDir = "cifar10", t.TempDir()
	if dir, missing := missingCIFAR([]experiments.Config{cfg}); !missing || dir != cfg.DataDir {
		t.Fatalf("missingCIFAR: got %q %v, want %q true", dir, missing, cfg.DataDir)
	}
	u.selected = Preset{ID: "cifar", Title: "cifar", Runs: []experiments.Config{cfg}}
	u.startSelected()
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no download dialog offered")
	}
	if u.ctrl.running {
		t.Fatal("the run started without its data")
	}
	var got []data.Progress
	fetch := func(ctx context.Context, dir string, progress func(data.Progress)) error {
		progress(data.Progress{Done: 50, Total: 100})
		got = append(got, data.Progress{Done: 50, Total: 100})
		return nil
	}
	done := false
	startDownload(w, u.d, cfg.DataDir, fetch, func(err error) { t.Error(err) }, nil, func() { done = true })
	if !done || len(got) != 1 {
		t.Errorf("download: then called %v, progress %v", done, got)
	}
}

func TestUI_CloseStopsTheRun(t *testing.T) {
	f := &fakeRun{block: true}
	u, w := newTestUI(t, f)
	c, _ := closedWindows.Load(w)
	closed := c.(chan struct{})
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	test.Tap(u.ctrl.runPanel.start)
	waitView(t, shown, func(v view) bool { return v.filters != nil })
	u.close()
	u.quitRunning() // the answer to the question close asks
	select {
	case <-closed:
		t.Fatal("the window closed before the run stopped")
	default:
	}
	waitView(t, shown, func(v view) bool { return v.done })
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the window did not close after the run stopped")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) != 1 || !errors.Is(f.errs[0], context.Canceled) {
		t.Fatalf("closing: got run errors %v, want one context.Canceled", f.errs)
	}
}

func TestHistory_OpenAndCompare(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	root := u.history.root
	for i, name := range []string{"true labels", "random labels"} {
		dir := filepath.Join(root, fmt.Sprintf("20261127-04400%d-%s", i, strings.ReplaceAll(name, " ", "-")))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := experiments.DefaultConfig()
		cfg.Name = name
		rows := []experiments.Metrics{{Epoch: 1, Step: 10, TrainLoss: 1, TrainAcc: 0.5, TestAcc: 0.4}, {Epoch: 2, Step: 20, TrainLoss: 0.1, TrainAcc: 1, TestAcc: 0.45}}
		sum := experiments.Summary{Name: name, Status: experiments.StatusDone, Epochs: 2, Steps: 20, FinalTrainAcc: 1, FinalTestAcc: 0.45, FitStep: 20, BestTestStep: 20, BestTestAcc: 0.45}
		if err := errors.Join(experiments.WriteJSON(filepath.Join(dir, "config.json"), cfg),
			experiments.WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), rows),
			experiments.WriteJSON(filepath.Join(dir, "summary.json"), sum)); err != nil {
			t.Fatal(err)
		}
	}
	u.reloadHistory()
	if got := len(u.history.recs); got != 2 {
		t.Fatalf("history: got %d runs, want 2", got)
	}
	u.history.chosen[0], u.history.chosen[1] = true, true
	u.history.updateButtons()
	test.Tap(u.history.open)
	rows := u.ctrl.table.rows
	if len(rows) != 2 || rows[0].Test != "45.00" || rows[1].FitStep != "20" || rows[0].Run != "true labels" { // in the order they ran; two runs, no repeat: no time tags
		t.Errorf("reopened table: got %+v", rows)
	}
	// The smallest window looked at is 1024x640, of which the menu bar takes about 30 px.
	for _, tab := range []*container.TabItem{u.curvesTab, u.tableTab, u.filtersTab, u.dataTab, u.historyTab} {
		u.views.Select(tab)
		if min := u.content.MinSize(); min.Width > 1024 || min.Height > 600 {
			t.Errorf("%s: content needs %v: more than a 1024x640 window holds", tab.Text, min)
		}
	}

	files, err := report.Export{Figures: u.ctrl.curves.last.figures, Table: rows, Runs: reportRuns(u.ctrl.sess.runs[:1]),
		Size: report.Size{W: 300, H: 110}}.WriteTo(t.TempDir())
	if err != nil || len(files) != 7 {
		t.Errorf("export: got %v, %v; want loss and accuracy as PNG and SVG, results.csv and .png, metrics.csv", files, err)
	}
}

// BenchmarkController_Show measures the UI goroutine's share of one epoch's update: assigning
// the plots and the table and refreshing them (what a tap waits for at most).
func BenchmarkController_Show(b *testing.B) {
	test.NewTempApp(b)
	d := testDeps()
	d.maxPlot = report.DefaultSize
	c := &controller{runPanel: newRunPanel(nil, nil, nil, nil), curves: newCurvesPanel(d, themeStyle, nil), table: newTablePanel(themeStyle), filters: newFiltersPanel(themeStyle)}
	w := test.NewWindow(container.NewVBox(c.runPanel.content, c.curves.content, c.table.content))
	defer w.Close()
	p := testPreset()
	c.sess = newSession(p)
	c.show(c.prepare(runBegin{index: 0}))
	v := c.prepare(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: 1, Step: 8, TrainAcc: 0.5, TestAcc: 0.4}})
	for b.Loop() {
		c.show(v)
	}
}

// BenchmarkController_Prepare measures the consumer's work for one epoch (rendering two plots).
func BenchmarkController_Prepare(b *testing.B) {
	c := &controller{}
	c.sess = newSession(testPreset())
	c.prepare(runBegin{index: 0})
	for i := 0; b.Loop(); i++ {
		c.prepare(experiments.StepProgress{Step: i, Loss: 1 / float64(i+1)})
		c.sess.lastPlot = time.Time{}
		c.prepare(experiments.EpochDone{Metrics: experiments.Metrics{Epoch: i, Step: i, TrainAcc: 0.5, TestAcc: 0.4}})
	}
}

func TestController_StartLeavesACoreToTheUI(t *testing.T) {
	f := &fakeRun{}
	u, _ := newTestUI(t, f)
	shown := make(chan view, 256)
	u.ctrl.afterShow = func(v view) { shown <- v }
	p := testPreset()
	p.Runs[1].Threads = 3
	u.startPreset(p)
	waitView(t, shown, func(v view) bool { return v.done })
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cfgs) != 2 {
		t.Fatalf("runs: got %d, want 2", len(f.cfgs))
	}
	if got, want := f.cfgs[0].Threads, max(1, runtime.NumCPU()-1); got != want {
		t.Errorf("threads of a run that sets none: got %d, want %d (NumCPU-1, at least 1)", got, want)
	}
	if got := f.cfgs[1].Threads; got != 3 {
		t.Errorf("threads set in the config: got %d, want 3 (kept)", got)
	}
	if p.Runs[0].Threads != 0 {
		t.Error("Start changed the preset's own configs")
	}
}

func TestCustomPanel_ModelAppliesPaperRate(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	cp := u.custom
	cp.lr.SetText("0.5")
	cp.model.SetSelected("Inception")
	if cp.lr.Text != "0.1" {
		t.Errorf("after picking Inception the learning rate reads %q, want the paper's 0.1", cp.lr.Text)
	}
	cp.model.SetSelected("MLP 3x512")
	if cp.lr.Text != "0.01" {
		t.Errorf("after picking MLP 3x512 the learning rate reads %q, want the paper's 0.01", cp.lr.Text)
	}
	// Loading a config keeps its own rate.
	cfg := experiments.DefaultConfig()
	cfg.LearningRate = 0.02
	cp.Load(cfg)
	if cp.lr.Text != "0.02" {
		t.Errorf("a loaded config's rate 0.02 shows as %q", cp.lr.Text)
	}
}

func TestCustomPanel_CoalescesParameterCounts(t *testing.T) {
	u, _ := newTestUI(t, &fakeRun{})
	cp := u.custom
	var queue []func()
	u.d.background = func(f func()) { queue = append(queue, f) }
	var counted []string
	u.d.countParams = func(a tfgraph.Architecture, _, _, c, _ int64) (int64, error) {
		counted = append(counted, fmt.Sprintf("%s/%d", a, c))
		return 42, nil
	}
	cfg := experiments.DefaultConfig()
	cfg.Dataset, cfg.Model = "cifar10", tfgraph.Architecture{Arch: tfgraph.AlexNet}
	cp.Load(cfg) // changes the data set and the model: three requests for a count
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		f()
	}
	if len(counted) > 2 || counted[len(counted)-1] != "AlexNet/3" {
		t.Errorf("counts built: %v; want at most one stale and the last for AlexNet/3", counted)
	}
	if !strings.Contains(cp.params.Text(), "42 parameters on 28×28×3") {
		t.Errorf("params shows %q", cp.params.Text())
	}
}

func TestKindViews_EveryKindHasAView(t *testing.T) {
	for _, k := range experiments.Kinds() {
		if _, ok := kindViews[k.Name]; !ok {
			t.Errorf("kind %q has no view in kindViews", k.Name)
		}
	}
	if len(experiments.Kinds()) == 0 {
		t.Error("no kinds registered")
	}
}

func TestExplain_MatchesErrorsNotText(t *testing.T) {
	if got := explain(fmt.Errorf("load: %w", data.ErrNotFound)).Error(); !strings.Contains(got, "Check the data folder") {
		t.Errorf("a missing data set is not explained: %q", got)
	}
	if got := explain(errors.New("tensor not found in checkpoint")).Error(); strings.Contains(got, "data folder") {
		t.Errorf("an error that only says \"not found\" is explained as missing data: %q", got)
	}
}
