package app

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
	"rethink/experiments/data"
	"rethink/tfgraph"
)

// pickModel is the model shown under the display name (its Arch.String()): one of the paper's,
// or the loaded config's own network when it is not one of them (a preset's narrow AlexNet or
// MLP 1x64), with the paper's learning rate for its family.
func (c *customPanel) pickModel(name string) (tfgraph.PaperModel, bool) {
	for _, m := range tfgraph.PaperModels() {
		if m.Arch.String() == name {
			return m, true
		}
	}
	if a := c.base.Model; name != "" && a.String() == name {
		return tfgraph.PaperModel{ID: string(a.Arch), Arch: a, LearningRate: tfgraph.PaperLearningRate(a)}, true
	}
	return tfgraph.PaperModel{}, false
}

// modelNames are the display names of the paper's models.
func modelNames() []string {
	var names []string
	for _, m := range tfgraph.PaperModels() {
		names = append(names, m.Arch.String())
	}
	return names
}

// customPanel edits one Config: every choice of SPEC.md with the paper's default.
type customPanel struct {
	base experiments.Config
	d    *deps

	name, dataDir                     *field
	dataset, model, mode, device      *widget.Select
	trainSize, testSize               *field
	params                            *hint
	pLabel                            *widget.Label
	p                                 *widget.Slider
	randomCrop, flip, permuteValues   *widget.Check
	corruptTest                       *widget.Check
	weightDecay, dropout              *field
	lr, batch, epochs, maxSteps, seed *field
	start, showData                   *widget.Button
	content                           fyne.CanvasObject
	// problem says why the form cannot start (in the error colour), above the buttons.
	problem *hint
	form    *widget.Form
	// trainItem and testItem say in their hint when a size is lowered to the data set's.
	trainItem, testItem *widget.FormItem
	// fields are the entries checked as the user types, by their labels.
	fields []namedEntry
	// preset is the preset the form was loaded from with the pencil, when it has several runs:
	// runPick chooses the run shown, and with allRuns set Start starts every run of it, each
	// keeping its own name, randomization and seed and taking the rest from the form.
	preset    *Preset
	runPick   *widget.Select
	allRuns   *widget.Check
	presetRow *fyne.Container
	// valid says the form makes a config that starts; onValid hears every check.
	valid   bool
	onValid func(bool)

	// counting is set while a parameter count runs off the UI goroutine; wantCount is the
	// model and channels the form shows now. A change while counting waits for the count
	// to end and then counts once for the latest form: one scratch graph at a time.
	counting  bool
	wantCount paramsKey
}

// paramsKey is what a parameter count depends on.
type paramsKey struct {
	arch     tfgraph.Architecture
	channels int64
}

func (k paramsKey) same(o paramsKey) bool {
	return k.arch.String() == o.arch.String() && k.channels == o.channels
}

func newCustomPanel(d *deps, onStart func(experiments.Config), onData func(experiments.Config), onErr func(error)) *customPanel {
	c := &customPanel{d: d}
	c.name = newField()
	c.dataset = widget.NewSelect(datasetNames, func(string) { c.updateParams(); c.validate() })
	c.model = widget.NewSelect(modelNames(), func(name string) {
		// Picking a model applies the paper's learning rate for it (Load sets the config's own
		// rate after the model).
		if m, ok := c.pickModel(name); ok && c.lr != nil {
			c.lr.SetText(fmtFloat(m.LearningRate))
		}
		c.updateParams()
		c.validate()
	})
	modes := make([]string, 0, 6)
	for _, m := range data.Modes() {
		modes = append(modes, modeName(m))
	}
	c.mode = widget.NewSelect(modes, func(string) { c.updateP(); c.validate() })
	c.device = widget.NewSelect([]string{"auto", "cpu", "gpu"}, func(string) { c.validate() })
	c.params = newHint("", false)
	c.p = widget.NewSlider(0, 1)
	c.p.Step = 0.05
	c.pLabel = widget.NewLabel("")
	c.p.OnChanged = func(float64) { c.updateP() }
	c.randomCrop = widget.NewCheck("random crop", nil)
	c.flip = widget.NewCheck("left-right flip", nil)
	c.permuteValues = widget.NewCheck("permute all values, not pixels", nil)
	c.corruptTest = widget.NewCheck("corrupt test labels too", nil)
	entry := func(v fyne.StringValidator, placeholder string) *field {
		e := newField()
		e.Validator, e.PlaceHolder = v, placeholder
		e.OnChanged = func(string) { c.validate() }
		return e
	}
	c.trainSize = entry(wholeNumber(1, true), "all")
	c.testSize = entry(wholeNumber(1, true), "all")
	c.weightDecay = entry(number(0, math.Inf(1), false), "0")
	c.dropout = entry(number(0, 1, false), "0")
	c.lr = entry(number(0, math.Inf(1), true), "")
	c.batch = entry(wholeNumber(1, false), "")
	c.epochs = entry(wholeNumber(1, true), "until stopped")
	c.maxSteps = entry(wholeNumber(1, true), "no bound")
	c.seed = entry(wholeNumber(0, false), "")
	c.name.OnChanged = func(string) { c.validate() }
	c.dataDir = newField()
	c.dataDir.PlaceHolder = dataDirPlaceHolder()
	c.dataDir.OnChanged = func(string) { c.validate() }
	c.problem = newHint("", true)
	c.problem.seg.Style.ColorName = theme.ColorNameError
	// withConfig hands the form's config to use; the buttons are disabled while the form is
	// invalid, so an error here is one the form could not see (then it is shown below it).
	withConfig := func(use func(experiments.Config)) func() {
		return func() {
			cfg, err := c.Config()
			if err != nil {
				c.validate()
				return
			}
			use(cfg)
		}
	}
	c.start = widget.NewButtonWithIcon("Start this run", theme.MediaPlayIcon(), withConfig(onStart))
	c.start.Importance = widget.HighImportance
	c.showData = widget.NewButtonWithIcon("Show its data", theme.VisibilityIcon(), withConfig(onData))

	item := func(label string, o fyne.CanvasObject, hint string) *widget.FormItem {
		it := widget.NewFormItem(label, o)
		it.HintText = hint
		return it
	}
	c.trainItem = item("Training images", c.trainSize, "")
	c.testItem = item("Test images", c.testSize, "")
	c.fields = []namedEntry{{"Training images", c.trainSize}, {"Test images", c.testSize}, {"Weight decay", c.weightDecay},
		{"Dropout", c.dropout}, {"Learning rate", c.lr}, {"Batch", c.batch}, {"Epochs", c.epochs}, {"Max steps", c.maxSteps}, {"Seed", c.seed}}
	c.runPick = widget.NewSelect(nil, func(name string) {
		if c.preset == nil {
			return
		}
		for _, r := range c.preset.Runs {
			if r.Name == name && r.Name != c.base.Name {
				c.load(r)
			}
		}
	})
	c.allRuns = widget.NewCheck("", func(bool) { c.validate() })
	c.presetRow = container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel("Run of the preset"), nil, c.runPick), c.allRuns)
	c.presetRow.Hide()
	c.form = widget.NewForm(
		item("Name", c.name, ""),
		item("Data set", c.dataset, ""),
		item("Data folder", c.dataDir, "CIFAR-10 or MNIST-format files"),
		c.trainItem,
		c.testItem,
		// The count goes under the model list: beside it, it would widen the panel.
		item("Model", container.NewVBox(c.model, c.params), ""),
		item("Randomization", c.mode, ""),
		// The p label goes under the slider: beside it, it squeezed the slider to a knob.
		item("Corruption p", container.NewVBox(c.p, c.pLabel), ""),
		item("Augmentation", container.NewHBox(c.randomCrop, c.flip), ""),
		item("Options", container.NewVBox(c.permuteValues, c.corruptTest), ""),
		item("Weight decay", c.weightDecay, ""),
		item("Dropout", c.dropout, "fraction of units dropped, 0 to below 1"),
		item("Learning rate", c.lr, ""),
		item("Batch", c.batch, "images a step"),
		item("Epochs", c.epochs, ""),
		item("Max steps", c.maxSteps, ""),
		item("Seed", c.seed, ""),
		item("Device", c.device, ""),
	)
	note := newHint("Defaults follow the paper: SGD with momentum 0.9, learning rate ×0.95 per epoch. "+
		"Weight decay 5e-4 (CNN) / 1e-4 (MLP) is not in the paper. The realized flip rate appears in the status line once the run starts.", true)
	c.content = container.NewBorder(nil, container.NewVBox(c.problem, container.NewHBox(c.start, c.showData)), nil, nil,
		container.NewVScroll(container.NewVBox(c.presetRow, c.form, note)))
	c.Load(quickDefault())
	return c
}

// namedEntry is an entry of the form with its label.
type namedEntry struct {
	label string
	entry *field
}

// datasetNames are the data sets the form offers.
var datasetNames = []string{"mnist", "fashion-mnist", "cifar10"}

// splitSizes are the training and test images of each data set: a larger train_size or
// test_size is lowered to them (the engine does the same and records it in config.json).
var splitSizes = map[string][2]int{"mnist": {60000, 10000}, "fashion-mnist": {60000, 10000}, "cifar10": {50000, 10000}}

// modeNames are the randomizations in words.
var modeNames = map[data.Mode]string{
	data.TrueLabels:     "true labels",
	data.PartialLabels:  "partially corrupted labels (fraction p)",
	data.RandomLabels:   "random labels",
	data.ShuffledPixels: "shuffled pixels (one permutation)",
	data.RandomPixels:   "random pixels (a permutation each)",
	data.Gaussian:       "Gaussian noise images",
}

// modeName is m in words (its id when it has none).
func modeName(m data.Mode) string {
	if n, ok := modeNames[m]; ok {
		return n
	}
	return string(m)
}

// modeOf is the mode named n in the form.
func modeOf(n string) data.Mode {
	for m, name := range modeNames {
		if name == n {
			return m
		}
	}
	return data.Mode(n)
}

// wholeNumber validates a whole number of at least lo (blank allowed when blankOK).
func wholeNumber(lo int, blankOK bool) fyne.StringValidator {
	return func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			if blankOK {
				return nil
			}
			return errors.New("required")
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("a whole number, such as %d", max(lo, 100))
		}
		if n < lo {
			return fmt.Errorf("at least %d", lo)
		}
		return nil
	}
}

// number validates a number in [lo, hi) (blank is 0, allowed unless positive is set; positive
// also excludes 0).
func number(lo, hi float64, positive bool) fyne.StringValidator {
	return func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			if positive {
				return errors.New("required")
			}
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("a number, such as 0.01")
		}
		switch {
		case positive && v <= 0:
			return errors.New("more than 0")
		case v < lo:
			return fmt.Errorf("at least %g", lo)
		case v >= hi:
			return fmt.Errorf("below %g", hi)
		}
		return nil
	}
}

// validate checks the form as the user types: each field shows its own message (the form
// does, from the entries' validators), a problem between fields shows above the buttons, and
// the buttons are disabled while the form is invalid. A training or test size larger than the
// data set is noted at its field and lowered. It runs on the UI goroutine.
func (c *customPanel) validate() {
	if c.start == nil {
		return // still being built
	}
	train, test := "", ""
	if sz, ok := splitSizes[c.dataset.Selected]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(c.trainSize.Text)); err == nil && n > sz[0] {
			train = fmt.Sprintf("%s has %s: all are used", c.dataset.Selected, thousands(int64(sz[0])))
		}
		if n, err := strconv.Atoi(strings.TrimSpace(c.testSize.Text)); err == nil && n > sz[1] {
			test = fmt.Sprintf("%s has %s: all are used", c.dataset.Selected, thousands(int64(sz[1])))
		}
	}
	if train != c.trainItem.HintText || test != c.testItem.HintText {
		c.trainItem.HintText, c.testItem.HintText = train, test
		c.form.Refresh()
	}
	var err error
	for _, f := range c.fields { // the first field in error, named
		if e := f.entry.Validator(f.entry.Text); e != nil {
			err = fmt.Errorf("%s: %s", f.label, e)
			break
		}
	}
	if err == nil {
		_, err = c.Config()
	}
	c.valid = err == nil
	if err != nil {
		c.problem.SetText(problemText(err))
		c.problem.Show()
		c.start.Disable()
		c.showData.Disable()
	} else {
		c.problem.SetText("")
		c.problem.Hide() // no empty band above the buttons
		c.start.Enable()
		c.showData.Enable()
	}
	if c.onValid != nil {
		c.onValid(c.valid)
	}
}

// problemText is err for a user: the engine's "experiments: " and "--set k=v: " prefixes
// dropped (the field is named by the form).
func problemText(err error) string {
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimPrefix(l, "experiments: ")
		if strings.HasPrefix(l, "--set ") {
			if i := strings.Index(l, ": "); i >= 0 {
				l = l[i+2:]
			}
		}
		lines = append(lines, l)
	}
	return "Cannot start: " + strings.Join(lines, "; ")
}

// quickDefault is the custom panel's first setting: a small MNIST run that fits in a minute.
func quickDefault() experiments.Config {
	cfg := experiments.DefaultConfig()
	cfg.Name = "custom"
	cfg.TrainSize, cfg.TestSize = 1000, 2000
	cfg.StopAfterFit = 1
	return cfg
}

// Load shows cfg in the panel (a run from the history, or the default), forgetting any preset.
func (c *customPanel) Load(cfg experiments.Config) {
	c.preset = nil
	if c.presetRow != nil {
		c.presetRow.Hide()
	}
	c.load(cfg)
}

// LoadPreset shows the first run of p; a preset of several runs (a sweep, Figure 1a) offers
// its runs and, checked by default, to start them all with the form's settings.
func (c *customPanel) LoadPreset(p Preset) {
	if len(p.Runs) < 2 {
		c.Load(p.Runs[0])
		return
	}
	c.preset = &p
	names := make([]string, len(p.Runs))
	for i, r := range p.Runs {
		names[i] = r.Name
	}
	c.runPick.SetOptions(names)
	c.allRuns.Text = fmt.Sprintf("start all %d runs: each keeps its name, randomization and seed", len(p.Runs))
	c.allRuns.Checked = true
	c.allRuns.Refresh()
	c.presetRow.Show()
	c.load(p.Runs[0])
	c.runPick.Selected = p.Runs[0].Name
	c.runPick.Refresh()
}

// Runs are the runs Start starts for the form's config cfg: every run of the loaded preset,
// each keeping its own name, randomization and seed, when that is asked for; else cfg.
func (c *customPanel) Runs(cfg experiments.Config) []experiments.Config {
	if c.preset == nil || !c.allRuns.Checked {
		return []experiments.Config{cfg}
	}
	out := make([]experiments.Config, len(c.preset.Runs))
	for i, r := range c.preset.Runs {
		x := cfg
		x.Name, x.Randomization, x.Seed = r.Name, r.Randomization, r.Seed
		out[i] = x
	}
	return out
}

// load shows cfg in the form.
func (c *customPanel) load(cfg experiments.Config) {
	c.base = cfg
	c.name.SetText(cfg.Name)
	c.dataset.SetSelected(cfg.Dataset)
	c.dataDir.SetText(cfg.DataDir)
	c.trainSize.SetText(zeroBlank(cfg.TrainSize))
	c.testSize.SetText(zeroBlank(cfg.TestSize))
	// A network that is not one of the paper's (a preset's narrow AlexNet or MLP 1x64) is offered
	// beside them under its own name, so that the form shows what will run.
	names, sel := modelNames(), ""
	if m, ok := tfgraph.PaperModelOf(cfg.Model); ok {
		sel = m.Arch.String()
	} else if cfg.Model.Validate() == nil {
		sel = cfg.Model.String()
		names = append(names, sel)
	}
	c.model.SetOptions(names)
	c.model.SetSelected(sel)
	mode := cfg.Randomization.Mode
	if mode == "" {
		mode = data.TrueLabels
	}
	c.mode.SetSelected(modeName(mode))
	c.p.SetValue(cfg.Randomization.P)
	c.randomCrop.SetChecked(cfg.RandomCrop)
	c.flip.SetChecked(cfg.Flip)
	c.permuteValues.SetChecked(cfg.Randomization.PermuteValues)
	c.corruptTest.SetChecked(cfg.Randomization.CorruptTest)
	c.weightDecay.SetText(fmtFloat(cfg.WeightDecay))
	c.dropout.SetText(fmtFloat(cfg.Model.Dropout))
	c.lr.SetText(fmtFloat(cfg.LearningRate))
	c.batch.SetText(strconv.Itoa(cfg.Batch))
	c.epochs.SetText(zeroBlank(cfg.Epochs))
	c.maxSteps.SetText(zeroBlank(cfg.MaxSteps))
	c.seed.SetText(strconv.FormatUint(cfg.Seed, 10))
	dev := cfg.Device
	if dev == "" {
		dev = "auto"
	}
	c.device.SetSelected(string(dev))
	c.updateP()
	c.updateParams()
	c.validate()
}

func zeroBlank(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Config reads the panel into a Config and validates it.
func (c *customPanel) Config() (experiments.Config, error) {
	cfg := c.base
	var errs []error
	set := func(key, value string) {
		if err := cfg.Set(key, strings.TrimSpace(value)); err != nil {
			errs = append(errs, err)
		}
	}
	blank0 := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "0"
		}
		return s
	}
	cfg.Name = strings.TrimSpace(c.name.Text)
	if cfg.Name == "" {
		cfg.Name = "custom"
	}
	set("dataset", c.dataset.Selected)
	cfg.DataDir = strings.TrimSpace(c.dataDir.Text)
	set("train_size", blank0(c.trainSize.Text))
	set("test_size", blank0(c.testSize.Text))
	if sz, ok := splitSizes[cfg.Dataset]; ok { // as the engine does, and as the form says
		cfg.TrainSize, cfg.TestSize = min(cfg.TrainSize, sz[0]), min(cfg.TestSize, sz[1])
	}
	if m, ok := c.pickModel(c.model.Selected); ok {
		drop := cfg.Model.Dropout
		cfg.Model = m.Arch
		cfg.Model.Dropout = drop
	}
	set("mode", string(modeOf(c.mode.Selected)))
	cfg.Randomization.P = c.p.Value
	if cfg.Randomization.Mode == data.RandomLabels {
		cfg.Randomization.P = 1
	}
	cfg.RandomCrop, cfg.Flip = c.randomCrop.Checked, c.flip.Checked
	cfg.Randomization.PermuteValues = c.permuteValues.Checked
	cfg.Randomization.CorruptTest = c.corruptTest.Checked
	set("weight_decay", blank0(c.weightDecay.Text))
	set("dropout", blank0(c.dropout.Text))
	set("learning_rate", c.lr.Text)
	set("batch", c.batch.Text)
	set("epochs", blank0(c.epochs.Text))
	set("max_steps", blank0(c.maxSteps.Text))
	set("seed", c.seed.Text)
	set("device", c.device.Selected)
	if err := errors.Join(errs...); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func (c *customPanel) updateP() {
	switch modeOf(c.mode.Selected) {
	case data.PartialLabels:
		c.p.Enable()
		c.pLabel.SetText(fmt.Sprintf("p = %.2f (≈%.0f%% of labels change)", c.p.Value, 90*c.p.Value))
	case data.RandomLabels:
		c.p.Disable()
		c.pLabel.SetText("p = 1 (≈90% change)")
	default:
		c.p.Disable()
		c.pLabel.SetText("p: labels mode only")
	}
}

func (c *customPanel) updateParams() {
	if c.model == nil || c.dataset == nil || c.params == nil {
		return
	}
	m, ok := c.pickModel(c.model.Selected)
	if !ok {
		return
	}
	ch := int64(1)
	if c.dataset.Selected == "cifar10" {
		ch = 3
	}
	c.wantCount = paramsKey{arch: m.Arch, channels: ch}
	c.params.SetText("counting…")
	if !c.counting {
		c.counting = true
		c.count(c.wantCount)
	}
}

// count counts the parameters of k off the UI goroutine (building a scratch graph takes a
// moment), then shows them, or counts again if the form changed meanwhile.
func (c *customPanel) count(k paramsKey) {
	c.d.background(func() {
		n, err := c.d.countParams(k.arch, 28, 28, k.channels, 10)
		fyne.Do(func() {
			if !k.same(c.wantCount) {
				c.count(c.wantCount)
				return
			}
			c.counting = false
			c.setParams(k.arch, k.channels, n, err)
		})
	})
}

// setParams shows a parameter count (UI goroutine).
func (c *customPanel) setParams(arch tfgraph.Architecture, channels, n int64, err error) {
	if c.model.Selected != arch.String() {
		return // a later choice is on screen
	}
	if err != nil {
		c.params.SetText("?")
		return
	}
	c.params.SetText(fmt.Sprintf("%s parameters on 28×28×%d", thousands(n), channels))
}

// dataDirPlaceHolder names the folder a blank data folder means, data.DefaultDataDir
// ($RETHINK_DATA, or rethink/data in the user's cache folder), with the home folder as "~":
// short enough to be read whole in the form at 1024x640.
func dataDirPlaceHolder() string {
	d := data.DefaultDataDir()
	if home, err := os.UserHomeDir(); err == nil && home != "" && strings.HasPrefix(d, home+string(filepath.Separator)) {
		d = "~" + d[len(home):]
	}
	return "default: " + d
}
