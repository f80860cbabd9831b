package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rethink/experiments"
)

// groupOrder is the order of the paper's results in the presets panel.
var groupOrder = []string{"Figure 1a", "Figure 1b", "Figure 1c", "Table 1", "Figure 2", "Filters"}

// presetsPanel lists the presets grouped by the paper's results. One tap on a preset's title
// starts it; the pencil opens it in the custom panel.
type presetsPanel struct {
	all     []Preset
	tier    *widget.RadioGroup
	list    *fyne.Container
	buttons map[string]*presetButton // by preset ID, for tests and shortcuts
	scroll  *container.Scroll
	content fyne.CanvasObject

	onStart func(Preset)
	onEdit  func(Preset)
}

// tierChoices are the tier radio's choices: every experiments.Tier, then "all".
var tierChoices = []string{string(experiments.Quick), string(experiments.Medium), string(experiments.Paper), "all"}

func newPresetsPanel(presets []Preset, onStart, onEdit func(Preset)) *presetsPanel {
	p := &presetsPanel{all: presets, onStart: onStart, onEdit: onEdit, list: container.NewVBox()}
	p.tier = widget.NewRadioGroup(tierChoices, func(string) { p.rebuild() })
	p.tier.Horizontal = true
	p.tier.Required = true
	p.tier.Selected = "quick"
	p.rebuild()
	help := newHint("Quick presets run in minutes on a laptop, medium ones in tens of minutes; paper presets use the paper's settings (CIFAR-10, hours to days).", true)
	top := container.NewVBox(container.NewHBox(widget.NewLabel("Tier"), p.tier), help)
	p.scroll = container.NewVScroll(p.list)
	p.content = container.NewBorder(top, nil, nil, nil, p.scroll)
	return p
}

// reveal scrolls the list so that o (an object inside it) is in view: the keyboard's focus
// moving down the presets with Tab takes the list with it.
func (p *presetsPanel) reveal(o fyne.CanvasObject) {
	a := fyne.CurrentApp()
	if a == nil {
		return
	}
	d := a.Driver()
	y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(p.list).Y
	top, h := p.scroll.Offset.Y, p.scroll.Size().Height
	switch {
	case y < top:
		p.scroll.ScrollToOffset(fyne.NewPos(0, y))
	case y+o.Size().Height > top+h:
		p.scroll.ScrollToOffset(fyne.NewPos(0, y+o.Size().Height-h))
	}
}

// presetButton is a preset's button: when it gets the keyboard's focus it scrolls into view.
// Its title is drawn over it by a label that wraps (see titled), not by the button, whose text
// would not: the longest titles made the presets pane wider than a 1024-pixel window leaves it.
type presetButton struct {
	widget.Button
	title   string
	onFocus func()
}

func newPresetButton(title string, icon fyne.Resource, tapped func()) *presetButton {
	b := &presetButton{title: title}
	b.Icon, b.OnTapped = icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// titled is the button with its title over it, in the button's bold, wrapped at word breaks
// after the icon: the button draws the background, the icon, the focus and the tap, and takes
// the taps (a label takes none).
func (b *presetButton) titled() fyne.CanvasObject {
	l := widget.NewLabelWithStyle(b.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	// The title starts where the button's own text would: after the icon and a padding (the
	// border's), less the label's inner padding, which equals the button's.
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(theme.IconInlineSize(), 0))
	return container.NewStack(b, container.NewBorder(nil, nil, gap, nil, l))
}

// FocusGained implements fyne.Focusable.
func (b *presetButton) FocusGained() {
	b.Button.FocusGained()
	if b.onFocus != nil {
		b.onFocus()
	}
}

// groups returns the presets of the chosen tier by group, in the paper's order.
func (p *presetsPanel) groups() ([]string, map[string][]Preset) {
	by := map[string][]Preset{}
	var order []string
	for _, g := range groupOrder {
		by[g] = nil
	}
	for _, ps := range p.all {
		if t := p.tier.Selected; t != "all" && t != "" && string(ps.Tier) != t {
			continue
		}
		if _, ok := by[ps.Group]; !ok {
			order = append(order, ps.Group)
		}
		by[ps.Group] = append(by[ps.Group], ps)
	}
	out := make([]string, 0, len(by))
	for _, g := range append(append([]string(nil), groupOrder...), order...) {
		if len(by[g]) > 0 {
			out = append(out, g)
		}
	}
	return out, by
}

func (p *presetsPanel) rebuild() {
	p.buttons = map[string]*presetButton{}
	groups, by := p.groups()
	var objs []fyne.CanvasObject
	for _, g := range groups {
		head := widget.NewLabelWithStyle(g, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.SizeName = theme.SizeNameSubHeadingText
		objs = append(objs, head)
		for _, ps := range by[g] {
			objs = append(objs, p.item(ps))
		}
	}
	p.list.Objects = objs
	p.list.Refresh()
}

// shortTitle drops what the panel already says: the group's prefix and the tier suffix.
func shortTitle(ps Preset) string {
	t := ps.Title
	t = strings.TrimPrefix(t, ps.Group+": ")
	t = strings.TrimSuffix(t, " ("+string(ps.Tier)+")")
	return t
}

func (p *presetsPanel) item(ps Preset) fyne.CanvasObject {
	b := newPresetButton(shortTitle(ps), theme.MediaPlayIcon(), func() { p.onStart(ps) })
	b.Alignment = widget.ButtonAlignLeading
	p.buttons[ps.ID] = b
	var row *fyne.Container // the whole row comes into view
	b.onFocus = func() { p.reveal(row) }
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { p.onEdit(ps) })
	edit.Importance = widget.LowImportance
	desc := widget.NewLabel(ps.Description)
	desc.Wrapping = fyne.TextWrapWord
	m := newHint(presetMeta(ps), false)
	row = container.NewVBox(container.NewBorder(nil, nil, nil, edit, b.titled()), desc, m)
	return row
}

// presetMeta is "quick · 24 s on 2 CPU cores · 5 runs": the preset's tier, expected time and
// number of runs.
func presetMeta(ps Preset) string {
	meta := string(ps.Tier)
	if ps.ExpectedTime != "" {
		meta += " · " + ps.ExpectedTime
	}
	if n := len(ps.Runs); n > 1 {
		meta += " · " + experiments.Count(n, "run")
	}
	return meta
}

func itoa(n int) string { return thousands(int64(n)) }
