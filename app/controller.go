package app

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/experiments/report"
)

// RunFunc runs one experiment, sending events on out (it never closes out), and returns when the
// run ends or ctx is cancelled. experiments.Run is the real one; tests pass a fake.
type RunFunc func(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (experiments.Summary, error)

// Markers the worker adds around the runner's own events. They embed an event type to belong to
// the closed set of experiments.Event.
type (
	// runBegin comes before the events of run index of the experiment.
	runBegin struct {
		experiments.Started
		index int
	}
	// runEnd comes after run index returned, with its summary and error.
	runEnd struct {
		experiments.Finished
		index int
	}
	// allDone is the worker's last event: every run ended (Err is the first error, if any).
	allDone struct{ experiments.Finished }
	// onWorker is an event of a run on a worker of the Workers setting, or a note of their
	// scheduler (experiments.RunOnWorkers).
	onWorker struct {
		experiments.Finished
		w experiments.WorkerEvent
	}
)

// plotInterval is the least time between two new figures of the curves during an epoch; the
// figures a window update carries are made at the update, with every point so far (consume).
const plotInterval = uiInterval

// controller starts and stops experiments and turns their events into what the panels show.
// Its fields are touched on the UI goroutine only, except sess, which the consumer goroutine of
// the live experiment owns until the experiment ends.
type controller struct {
	run        RunFunc
	resultsDir string
	win        fyne.Window
	// workers returns the Workers setting at the start of an experiment: its runs go to these
	// workers, one at a time on each, instead of this machine (nil or empty: this machine).
	workers func() []string
	// workerTimeout returns the Workers setting's call timeout at the start of an experiment
	// (experiments.Options.WorkerTimeout; 0: the default).
	workerTimeout func() time.Duration
	// runOnWorkers spreads an experiment's runs over its workers (experiments.RunOnWorkers;
	// tests look at the options it is given).
	runOnWorkers func(ctx context.Context, runs []experiments.Config, opts experiments.Options, workers []string, perWorker int, events func(experiments.WorkerEvent)) ([]experiments.Summary, error)
	// dataset replaces the runs' data set when not nil (see deps.dataset).
	dataset *data.Dataset

	cancel  context.CancelFunc
	pause   *experiments.Pause
	running bool
	sess    *session
	// closing is set when the window asked to close: the window closes once the run ended.
	closing bool
	// modal is the dialog on screen that Esc and Enter answer (nil: none).
	modal *modal

	runPanel *runPanel
	curves   *curvesPanel
	table    *tablePanel
	filters  *filtersPanel
	// onDone is called (on the UI goroutine) after an experiment ended, e.g. to refresh history;
	// onStart when one started, before its goroutines do.
	onDone, onStart func()
	// afterShow, when not nil, is called at the end of every show (tests wait on it).
	afterShow func(view)
	// every is the least time between two updates of the window while a run trains (0:
	// uiInterval; tests set it).
	every time.Duration
}

// view is what one event changes on screen. It is built off the UI goroutine by prepare and
// applied by show; nil fields leave their widget as it is.
type view struct {
	progress *progressView
	plots    *plotsView
	table    []tableRow
	filters  []filterSource
	// fresh says the view starts a new experiment: the table keeps the old rows as earlier ones.
	fresh bool
	done  bool
	err   error
}

type progressView struct {
	frac        float64 // of the current run, 0 to 1
	text, info  string
	indefinite  bool
	runsRunning bool
	// run is the current run, 1 to runs, of an experiment of runs runs; runs < 2 shows no
	// overall progress.
	run, runs int
	// fracs, when not nil, is each run's own progress (runs that train at the same time, on
	// workers): the strip shows them in place of run and runs.
	fracs []float64
}

// plotsView is the figures of an experiment: the plot panes draw them at their own size.
type plotsView struct {
	figures report.Figures
}

func (v view) empty() bool {
	return v.progress == nil && v.plots == nil && v.table == nil && v.filters == nil && !v.done
}

// Start runs the runs of p one after the other on a worker goroutine. It does nothing while an
// experiment is running. It must be called on the UI goroutine.
func (c *controller) Start(p Preset) {
	if c.running {
		return
	}
	if len(p.Runs) == 0 {
		c.showError(fmt.Errorf("%q has no runs to start", p.Title))
		return
	}
	for _, cfg := range p.Runs {
		if err := cfg.Validate(); err != nil {
			c.showError(fmt.Errorf("cannot start %q: %w", cfg.Name, err))
			return
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.running = cancel, true
	c.pause = new(experiments.Pause)
	s := newSession(p)
	if c.workers != nil && trainsOnWorkers(p.Runs) {
		s.workers = c.workers()
	}
	c.sess = s
	c.runPanel.setRunning(true, false)
	c.runPanel.experiment.SetText(p.Title)
	c.show(view{progress: &progressView{text: fmt.Sprintf("%s: starting…", p.Title), indefinite: true},
		table: tableRows(s.runs), fresh: true})

	if c.onStart != nil {
		c.onStart()
	}
	events := make(chan experiments.Event, 16)
	opts := experiments.Options{ResultsDir: c.resultsDir, Pause: c.pause, Dataset: c.dataset}
	if len(s.workers) > 0 {
		if c.workerTimeout != nil {
			opts.WorkerTimeout = c.workerTimeout()
		}
		// A worker's own thread pools apply: the runs' threads are left as they are.
		go c.workOn(ctx, cancel, p.Runs, opts, s.workers, events)
	} else {
		go c.work(ctx, cancel, withThreads(p.Runs, uiThreads()), opts, events)
	}
	go c.consume(s, events)
}

// trainsOnWorkers says whether runs can go to workers: SGD training runs can; the other kinds
// (experiments/theory) run in this process only, so an experiment that has one stays here.
func trainsOnWorkers(runs []experiments.Config) bool {
	for _, c := range runs {
		if c.KindName() != experiments.KindSGD {
			return false
		}
	}
	return true
}

// uiThreads is the size of TensorFlow's intra-op and inter-op thread pools for runs started
// from the app: one core fewer than the machine has (at least one), so that the UI goroutine
// keeps a core to answer taps while a run trains.
func uiThreads() int { return max(1, runtime.NumCPU()-1) }

// withThreads returns a copy of runs in which the runs that leave their thread count to
// TensorFlow (Threads 0) get n; a thread count set in a config is kept.
func withThreads(runs []experiments.Config, n int) []experiments.Config {
	out := append([]experiments.Config(nil), runs...)
	for i := range out {
		if out[i].Threads == 0 {
			out[i].Threads = n
		}
	}
	return out
}

// uiInterval is the least time between two updates of the window while a run trains (its
// start, its end and a new experiment are shown at once). Fyne draws the whole window again
// for any change, and under a software OpenGL renderer (Xvfb, VMs: Mesa's llvmpipe) every frame
// is drawn on the CPU: the runner's events, one a step, would
// otherwise keep the UI goroutine drawing without a pause, on the cores the run trains on, and
// a tap would wait behind those frames.
const uiInterval = time.Second

// consume is the consumer goroutine: it builds images off the UI goroutine and hands them to
// show, at most once per uiInterval except for the views that start or end something. The
// views in between are merged into one, and so are views that the UI has not shown yet when
// it is slower than that (a busy CPU), so the screen never lags behind the run.
func (c *controller) consume(s *session, events <-chan experiments.Event) {
	var (
		mu      sync.Mutex
		pending view // handed to the UI goroutine, not shown yet
		queued  bool
	)
	hand := func(v view) {
		mu.Lock()
		pending = pending.merge(v)
		schedule := !queued
		queued = true
		mu.Unlock()
		if schedule {
			fyne.Do(func() {
				mu.Lock()
				v := pending
				pending, queued = view{}, false
				mu.Unlock()
				c.show(v)
			})
		}
	}
	every := c.every
	if every <= 0 {
		every = uiInterval
	}
	var (
		held    view // not handed yet: waits for the next interval
		holding bool
		last    time.Time
		wake    <-chan time.Time
	)
	flush := func() { // the figures it carries are made now, with every point so far
		if holding {
			if s.stale {
				held.plots = s.renderPlots()
			}
			hand(held)
			held, holding = view{}, false
			last = time.Now()
		}
		wake = nil
	}
	for {
		select {
		case e, ok := <-events:
			if !ok {
				flush()
				return
			}
			v := c.prepareIn(s, e)
			if v.empty() {
				continue
			}
			held, holding = held.merge(v), true
			if v.done || v.fresh || time.Since(last) >= every {
				flush()
			} else if wake == nil {
				wake = time.After(every - time.Since(last))
			}
		case <-wake:
			flush()
		}
	}
}

// merge returns v updated by the newer view w: each view carries whole pictures and tables, so
// the newer part replaces the older one.
func (v view) merge(w view) view {
	if w.progress != nil {
		v.progress = w.progress
	}
	if w.plots != nil {
		v.plots = w.plots
	}
	if w.table != nil {
		v.table = w.table
	}
	if w.filters != nil {
		v.filters = w.filters
	}
	if w.done {
		v.done, v.err = true, w.err
	}
	v.fresh = v.fresh || w.fresh
	return v
}

// work is the worker goroutine: the only sender on events, so it closes it. It calls cancel,
// the CancelFunc of ctx, when the runs have ended, to release the context.
func (c *controller) work(ctx context.Context, cancel context.CancelFunc, runs []experiments.Config, opts experiments.Options, events chan<- experiments.Event) {
	defer close(events)
	defer cancel()
	var first error
	for i, cfg := range runs {
		if err := ctx.Err(); err != nil {
			first = err
			break
		}
		events <- runBegin{Started: experiments.Started{Config: cfg}, index: i}
		sum, err := c.safeRun(ctx, cfg, opts, events)
		// The consumer always drains events, so these sends cannot block for ever.
		events <- runEnd{Finished: experiments.Finished{Summary: sum, Err: err}, index: i}
		if err != nil && first == nil {
			first = err
		}
		if errors.Is(err, context.Canceled) {
			break
		}
	}
	events <- allDone{experiments.Finished{Err: first}}
}

// workOn is the worker goroutine of an experiment on workers: experiments.RunOnWorkers spreads
// the runs over them (one at a time on each; a lost worker's run moves to another) and every
// event comes tagged with its run and worker. It is the only sender on events, so it closes it.
func (c *controller) workOn(ctx context.Context, cancel context.CancelFunc, runs []experiments.Config, opts experiments.Options, workers []string, events chan<- experiments.Event) {
	defer close(events)
	defer cancel()
	_, err := c.runOnWorkers(ctx, runs, opts, workers, 1, func(e experiments.WorkerEvent) {
		events <- onWorker{w: e} // the consumer always drains events
	})
	events <- allDone{experiments.Finished{Err: err}}
}

// safeRun calls the runner and turns a panic into an error, so that a bug in a run ends the
// experiment with a dialog rather than the whole app.
func (c *controller) safeRun(ctx context.Context, cfg experiments.Config, opts experiments.Options, out chan<- experiments.Event) (sum experiments.Summary, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("run %q crashed: %v", cfg.Name, r)
		}
	}()
	return c.run(ctx, cfg, opts, out)
}

// Stop cancels the running experiment; the run keeps what it wrote. Safe to call when idle.
func (c *controller) Stop() { c.stop("stopping…") }

// stop says msg and cancels the run (in this order, the cancel last: after it the consumer
// may update the widgets, and start a queued experiment, at once).
func (c *controller) stop(msg string) {
	if c.running {
		c.runPanel.status.SetText(msg)
	}
	cancel, pause := c.cancel, c.pause
	if pause != nil {
		pause.Set(false)
	}
	if cancel != nil {
		cancel()
	}
}

// TogglePause holds or resumes the running experiment between steps.
func (c *controller) TogglePause() {
	if !c.running || c.pause == nil {
		return
	}
	p := !c.pause.Paused()
	c.pause.Set(p)
	c.runPanel.setRunning(true, p)
}

// prepare builds the view of e for the current session (tests call it directly).
func (c *controller) prepare(e experiments.Event) view { return c.prepareIn(c.sess, e) }

// prepareIn updates s with e and renders what changed. It touches no widget.
func (c *controller) prepareIn(s *session, e experiments.Event) view {
	if s == nil {
		return view{}
	}
	if w, ok := e.(onWorker); ok {
		v, inner := s.onWorker(w.w)
		if inner == nil {
			return v
		}
		e = inner
	}
	switch e := e.(type) {
	case runBegin:
		return s.onRunBegin(e)
	case runEnd:
		return s.onRunEnd(e)
	case allDone:
		return s.onAllDone(e, c.resultsDir)
	}
	t := s.run(s.cur)
	if t == nil {
		return view{}
	}
	switch e := e.(type) {
	case experiments.Started:
		t.started, t.dir = &e, e.Dir
		t.place = placeOf(t.worker, e.Device)
		s.lastProg = &progressView{runsRunning: true, text: fmt.Sprintf("%s · step 0/%d", s.runTitle(s.cur), e.TotalSteps),
			info: s.info(e), run: s.cur + 1, runs: len(s.runs)}
		s.spread(s.lastProg)
		return view{progress: s.lastProg, table: tableRows(s.runs)}
	case experiments.Finished:
		if len(s.workers) == 0 {
			break
		}
		// On workers the runner's Finished is the run's end.
		v := s.onRunEnd(runEnd{Finished: e, index: s.cur})
		if s.lastProg != nil {
			p := *s.lastProg
			s.spread(&p)
			v.progress = &p
		}
		return v
	case experiments.StepProgress:
		return s.onStep(t, e)
	case experiments.EpochDone:
		return s.onEpoch(t, e)
	case experiments.FiltersReady:
		t.filters = append(t.filters, e)
		return view{filters: s.filterSources()}
	case experiments.Fitted:
		// The curves mark 100%; the run also reports its lower FitThreshold (e.g. 99.9%) first.
		if t.fitStep < 0 && e.Threshold >= 1 {
			t.fitStep = e.Step
		}
		return view{plots: s.renderPlots(), table: tableRows(s.runs)}
	}
	return view{} // in this process, the runner's own Finished: runEnd carries the same
}

func (s *session) onRunBegin(e runBegin) view {
	s.cur = e.index
	v := view{plots: s.renderPlots(), table: tableRows(s.runs)}
	if s.run(e.index) != nil {
		s.lastProg = &progressView{indefinite: true, runsRunning: true, run: e.index + 1, runs: len(s.runs),
			text: fmt.Sprintf("%s · loading data and building the graph…", s.runTitle(e.index))}
		v.progress = s.lastProg
	}
	return v
}

func (s *session) onStep(t *trace, e experiments.StepProgress) view {
	t.lossStep = append(t.lossStep, float64(e.Step))
	t.loss = append(t.loss, e.Loss)
	t.sinceEpoch++
	v := view{progress: s.stepProgress(e)}
	if time.Since(s.lastPlot) >= plotInterval {
		v.plots = s.renderPlots()
	} else {
		s.stale = true
	}
	return v
}

func (s *session) onEpoch(t *trace, e experiments.EpochDone) view {
	t.epochs = append(t.epochs, e.Metrics)
	if t.sinceEpoch == 0 { // no batch losses arrived this epoch: plot the epoch's
		t.lossStep = append(t.lossStep, float64(e.Metrics.Step))
		t.loss = append(t.loss, e.Metrics.TrainLoss)
	}
	t.sinceEpoch = 0
	v := view{table: tableRows(s.runs)}
	if time.Since(s.lastPlot) >= plotInterval {
		v.plots = s.renderPlots()
	} else {
		s.stale = true
	}
	if s.lastProg != nil {
		p := *s.lastProg
		p.text = fmt.Sprintf("%s · epoch %d done · train %s%% · test %s%%", s.runTitle(s.cur), e.Metrics.Epoch,
			pct(e.Metrics.TrainAcc), pct(e.Metrics.TestAcc))
		v.progress = &p
	}
	return v
}

func (s *session) onRunEnd(e runEnd) view {
	t := s.run(e.index)
	if t == nil {
		return view{}
	}
	sum := e.Summary
	t.done, t.summary, t.err = true, &sum, e.Err
	if sum.FitStep >= 0 && t.fitStep < 0 && sum.Status != "" {
		t.fitStep = sum.FitStep
	}
	return view{plots: s.renderPlots(), table: tableRows(s.runs)}
}

func (s *session) onAllDone(e allDone, resultsDir string) view {
	text := fmt.Sprintf("finished: %s, results in %s", experiments.Count(len(s.runs), "run"), resultsDir)
	if len(s.runs) == 1 {
		text = "finished; results in " + resultsDir
	}
	for _, t := range s.runs {
		t.skipped = t.started == nil && !t.done
	}
	var diverged []string
	for i, t := range s.runs {
		if n := t.divergedNote(); n != "" {
			diverged = append(diverged, fmt.Sprintf("%s diverged (%s)", s.runTitle(i), n))
		}
	}
	frac := 1.0
	switch {
	case errors.Is(e.Err, context.Canceled):
		// The bar stays where the run stopped.
		text, frac = "stopped; what the runs wrote is kept", 0
		if s.lastProg != nil {
			frac = s.lastProg.frac
		}
	case len(diverged) > 0:
		text = strings.Join(diverged, "; ") + ": lower the learning rate and start again"
	case e.Err != nil:
		text = "ended with an error"
	}
	p := &progressView{frac: frac, text: text}
	if frac == 1 {
		p.run, p.runs = len(s.runs), len(s.runs)
	} else if s.lastProg != nil {
		p.run, p.runs = s.lastProg.run, s.lastProg.runs
	}
	if s.lastProg != nil {
		p.info = s.lastProg.info
	}
	if len(s.workers) > 0 {
		p.info = ""
		if s.lastProg != nil {
			p.info = s.lastProg.info
		}
		s.spread(p)
		p.text = text // spread keeps the text; the bar shows the runs' mean
	}
	return view{done: true, err: e.Err, table: tableRows(s.runs), progress: p}
}

// runTitle is "Run 2/5 · random labels" (or just the name for a single run).
func (s *session) runTitle(i int) string {
	t := s.run(i)
	if t == nil {
		return s.title
	}
	if len(s.runs) == 1 {
		return t.label()
	}
	return fmt.Sprintf("Run %d/%d · %s", i+1, len(s.runs), t.label())
}

func (s *session) stepProgress(e experiments.StepProgress) *progressView {
	p := &progressView{runsRunning: true, run: s.cur + 1, runs: len(s.runs)}
	var prev float64
	if s.lastProg != nil {
		p.info = s.lastProg.info
		if s.lastProg.run == p.run {
			prev = s.lastProg.frac
		}
	}
	var eta time.Duration
	early := "" // what ends the run before its step cap: "fit", "a loss of 0.01"
	if t := s.run(s.cur); t != nil {
		p.frac, eta, early = stepsProgress(t, e, prev)
	}
	etaText := "–"
	if eta > 0 {
		etaText = eta.Round(time.Second).String()
	}
	steps := fmt.Sprintf("step %d/%d", e.Step, e.TotalSteps)
	if early != "" {
		steps = fmt.Sprintf("step %d (stops at %s; at most %d)", e.Step, early, e.TotalSteps)
		etaText = "~" + etaText
	}
	if t := s.run(s.cur); t != nil {
		t.frac = p.frac
	}
	s.spread(p)
	p.text = fmt.Sprintf("%s · %s · epoch %d · loss %.3f · ETA %s · %.0f img/s",
		s.runTitle(s.cur), steps, e.Epoch, e.Loss, etaText, e.ImagesPerSec)
	if e.Stage != "" { // a kind with stages of its own (experiments/theory): no epochs or losses
		p.text = fmt.Sprintf("%s · %s · %d/%d · ETA %s", s.runTitle(s.cur), e.Stage, e.Step, e.TotalSteps, etaText)
	}
	s.lastProg = p
	return p
}

// startedInfo is the run strip's line of a run that started: where it trains, its size and its
// data.
func startedInfo(e experiments.Started, place string) string {
	parts := []string{
		"on " + place,
		fmt.Sprintf("%s parameters", thousands(e.Params)),
		fmt.Sprintf("%s train / %s test images", thousands(int64(e.TrainSize)), thousands(int64(e.TestSize))),
	}
	if e.Config.Randomization.P > 0 || e.FlipRate > 0 {
		parts = append(parts, fmt.Sprintf("labels flipped %.1f%%", 100*e.FlipRate))
	}
	return strings.Join(parts, " · ")
}

// thousands formats n with comma separators: 1649402 -> "1,649,402".
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// renderPlots makes the figures of every run of s (the panes render them on screen).
func (s *session) renderPlots() *plotsView {
	s.lastPlot, s.stale = time.Now(), false
	cfgs := make([]experiments.Config, len(s.runs))
	for i, t := range s.runs {
		cfgs[i] = t.cfg
	}
	return &plotsView{figures: viewOf(cfgs).figures(reportRuns(s.runs))}
}

// filterSources lists the runs with filter snapshots (shared slices: they are only appended to).
func (s *session) filterSources() []filterSource {
	var out []filterSource
	for _, t := range s.runs {
		if len(t.filters) > 0 {
			out = append(out, filterSource{name: t.label(), color: t.color, snaps: t.filters[:len(t.filters):len(t.filters)]})
		}
	}
	return out
}

// show applies v to the widgets. It runs on the UI goroutine only (through fyne.Do).
func (c *controller) show(v view) {
	if v.progress != nil {
		c.runPanel.showProgress(*v.progress)
	}
	if v.plots != nil {
		c.curves.show(v.plots)
	}
	if v.table != nil {
		if v.fresh {
			c.table.archive()
		}
		c.table.show(v.table)
	}
	if v.fresh && v.filters == nil {
		c.filters.reset()
	}
	if v.filters != nil {
		c.filters.show(v.filters)
	}
	if v.done {
		c.running = false
		c.cancel = nil
		c.runPanel.setRunning(false, false)
		if v.err != nil && !errors.Is(v.err, context.Canceled) && !errors.Is(v.err, experiments.ErrDiverged) {
			c.showError(explain(v.err))
		}
		if c.onDone != nil {
			c.onDone()
		}
		if c.closing && c.win != nil {
			c.win.Close()
		}
	}
	if c.afterShow != nil {
		c.afterShow(v)
	}
}

// explain adds what to do to the errors a user can act on.
func explain(err error) error {
	switch {
	case errors.Is(err, experiments.ErrDiverged):
		return fmt.Errorf("%w\n\nThe loss became NaN or infinite. Lower the learning rate and start again", err)
	case errors.Is(err, experiments.ErrNoWorker):
		return errors.New(noWorkerText(err))
	case errors.Is(err, data.ErrNotFound):
		return fmt.Errorf("%w\n\nCheck the data folder in the custom panel, or choose the embedded MNIST", err)
	}
	return err
}

func (c *controller) showError(err error) {
	if c.win == nil {
		fyne.LogError("rethink", err)
		return
	}
	c.present(dialog.NewError(err, c.win), nil)
}
