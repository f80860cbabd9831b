package app

import (
	"errors"
	"fmt"
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

// pickModel is the paper's model shown under the display name (its Arch.String()).
func pickModel(name string) (tfgraph.PaperModel, bool) {
	for _, m := range tfgraph.PaperModels() {
		if m.Arch.String() == name {
			return m, true
		}
	}
	return tfgraph.PaperModel{}, false
}

// customPanel edits one Config: every choice of SPEC.md with the paper's default.
type customPanel struct {
	base experiments.Config
	d    *deps

	name                              *widget.Entry
	dataset, model, mode, device      *widget.Select
	trainSize, testSize               *widget.Entry
	params                            *hint
	pLabel                            *widget.Label
	p                                 *widget.Slider
	randomCrop, flip, permuteValues   *widget.Check
	corruptTest                       *widget.Check
	weightDecay, dropout              *widget.Entry
	lr, batch, epochs, maxSteps, seed *widget.Entry
	start, showData                   *widget.Button
	content                           fyne.CanvasObject

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
	c.name = widget.NewEntry()
	var names []string
	for _, m := range tfgraph.PaperModels() {
		names = append(names, m.Arch.String())
	}
	c.dataset = widget.NewSelect([]string{"mnist", "fashion-mnist", "cifar10"}, func(string) { c.updateParams() })
	c.model = widget.NewSelect(names, func(name string) {
		// Picking a model applies the paper's learning rate for it (Load sets the config's own
		// rate after the model).
		if m, ok := pickModel(name); ok && c.lr != nil {
			c.lr.SetText(fmtFloat(m.LearningRate))
		}
		c.updateParams()
	})
	modes := make([]string, 0, 6)
	for _, m := range data.Modes() {
		modes = append(modes, string(m))
	}
	c.mode = widget.NewSelect(modes, func(m string) { c.updateP() })
	c.device = widget.NewSelect([]string{"auto", "cpu", "gpu"}, nil)
	c.trainSize, c.testSize = widget.NewEntry(), widget.NewEntry()
	c.params = newHint("", false)
	c.p = widget.NewSlider(0, 1)
	c.p.Step = 0.05
	c.pLabel = widget.NewLabel("")
	c.p.OnChanged = func(float64) { c.updateP() }
	c.randomCrop = widget.NewCheck("random crop", nil)
	c.flip = widget.NewCheck("left-right flip", nil)
	c.permuteValues = widget.NewCheck("permute all values, not pixels", nil)
	c.corruptTest = widget.NewCheck("corrupt test labels too", nil)
	c.weightDecay, c.dropout = widget.NewEntry(), widget.NewEntry()
	c.lr, c.batch, c.epochs, c.maxSteps, c.seed = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	// withConfig hands the form's config to use, or its error to onErr.
	withConfig := func(use func(experiments.Config)) func() {
		return func() {
			cfg, err := c.Config()
			if err != nil {
				onErr(err)
				return
			}
			use(cfg)
		}
	}
	c.start = widget.NewButtonWithIcon("Start this run", theme.MediaPlayIcon(), withConfig(onStart))
	c.start.Importance = widget.HighImportance
	c.showData = widget.NewButtonWithIcon("Show its data", theme.VisibilityIcon(), withConfig(onData))

	form := widget.NewForm(
		widget.NewFormItem("Name", c.name),
		widget.NewFormItem("Data set", c.dataset),
		widget.NewFormItem("Train / test images", container.NewGridWithColumns(2, c.trainSize, c.testSize)),
		// The count goes under the model list: beside it, it would widen the panel.
		widget.NewFormItem("Model", container.NewVBox(c.model, c.params)),
		widget.NewFormItem("Randomization", c.mode),
		widget.NewFormItem("Corruption p", container.NewBorder(nil, nil, nil, c.pLabel, c.p)),
		widget.NewFormItem("Augmentation", container.NewHBox(c.randomCrop, c.flip)),
		widget.NewFormItem("Options", container.NewVBox(c.permuteValues, c.corruptTest)),
		widget.NewFormItem("Weight decay / dropout", container.NewGridWithColumns(2, c.weightDecay, c.dropout)),
		widget.NewFormItem("Learning rate", c.lr),
		widget.NewFormItem("Batch", c.batch),
		widget.NewFormItem("Epochs / max steps", container.NewGridWithColumns(2, c.epochs, c.maxSteps)),
		widget.NewFormItem("Seed / device", container.NewGridWithColumns(2, c.seed, c.device)),
	)
	c.trainSize.PlaceHolder, c.testSize.PlaceHolder = "all", "all"
	c.maxSteps.PlaceHolder = "no bound"
	note := newHint("Defaults follow the paper (SPEC.md): SGD with momentum 0.9, learning rate ×0.95 per epoch. "+
		"Weight decay 5e-4 (CNN) / 1e-4 (MLP) is not in the paper. The realized flip rate appears in the status line once the run starts.", true)
	c.content = container.NewBorder(nil, container.NewHBox(c.start, c.showData), nil, nil,
		container.NewVScroll(container.NewVBox(form, note)))
	c.Load(quickDefault())
	return c
}

// quickDefault is the custom panel's first setting: a small MNIST run that fits in a minute.
func quickDefault() experiments.Config {
	cfg := experiments.DefaultConfig()
	cfg.Name = "custom"
	cfg.TrainSize, cfg.TestSize = 1000, 2000
	cfg.StopAfterFit = 1
	return cfg
}

// Load shows cfg in the panel (a preset's first run, or a run from the history).
func (c *customPanel) Load(cfg experiments.Config) {
	c.base = cfg
	c.name.SetText(cfg.Name)
	c.dataset.SetSelected(cfg.Dataset)
	c.trainSize.SetText(zeroBlank(cfg.TrainSize))
	c.testSize.SetText(zeroBlank(cfg.TestSize))
	sel := ""
	if m, ok := tfgraph.PaperModelOf(cfg.Model); ok {
		sel = m.Arch.String()
	}
	c.model.SetSelected(sel)
	mode := string(cfg.Randomization.Mode)
	if mode == "" {
		mode = string(data.TrueLabels)
	}
	c.mode.SetSelected(mode)
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
	set("train_size", blank0(c.trainSize.Text))
	set("test_size", blank0(c.testSize.Text))
	if m, ok := pickModel(c.model.Selected); ok {
		drop := cfg.Model.Dropout
		cfg.Model = m.Arch
		cfg.Model.Dropout = drop
	}
	set("mode", c.mode.Selected)
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
	switch data.Mode(c.mode.Selected) {
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
	m, ok := pickModel(c.model.Selected)
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
