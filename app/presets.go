package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// groupOrder is the order of the paper's results in the presets panel.
var groupOrder = []string{"Figure 1a", "Figure 1b", "Figure 1c", "Table 1", "Figure 2", "Filters"}

// presetsPanel lists the presets grouped by the paper's results. One tap on a preset's title
// starts it; the pencil opens it in the custom panel.
type presetsPanel struct {
	all     []Preset
	tier    *widget.RadioGroup
	list    *fyne.Container
	buttons map[string]*widget.Button // by preset ID, for tests and shortcuts
	content fyne.CanvasObject

	onStart func(Preset)
	onEdit  func(Preset)
}

func newPresetsPanel(presets []Preset, onStart, onEdit func(Preset)) *presetsPanel {
	p := &presetsPanel{all: presets, onStart: onStart, onEdit: onEdit, list: container.NewVBox()}
	p.tier = widget.NewRadioGroup([]string{"quick", "paper", "all"}, func(string) { p.rebuild() })
	p.tier.Horizontal = true
	p.tier.Required = true
	p.tier.Selected = "quick"
	p.rebuild()
	help := newHint("Quick presets run in minutes on a laptop; paper presets use the paper's settings (CIFAR-10, hours to days).", true)
	top := container.NewVBox(container.NewHBox(widget.NewLabel("Tier"), p.tier), help)
	p.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(p.list))
	return p
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
	p.buttons = map[string]*widget.Button{}
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
	b := widget.NewButtonWithIcon(shortTitle(ps), theme.MediaPlayIcon(), func() { p.onStart(ps) })
	b.Alignment = widget.ButtonAlignLeading
	p.buttons[ps.ID] = b
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { p.onEdit(ps) })
	edit.Importance = widget.LowImportance
	desc := widget.NewLabel(ps.Description)
	desc.Wrapping = fyne.TextWrapWord
	m := newHint(presetMeta(ps), false)
	return container.NewVBox(container.NewBorder(nil, nil, nil, edit, b), desc, m)
}

// presetMeta is "quick · 24 s on 2 CPU cores · 5 runs": the preset's tier, expected time and
// number of runs.
func presetMeta(ps Preset) string {
	meta := string(ps.Tier)
	if ps.ExpectedTime != "" {
		meta += " · " + ps.ExpectedTime
	}
	if n := len(ps.Runs); n > 1 {
		meta += " · " + itoa(n) + " runs"
	}
	return meta
}

func itoa(n int) string { return thousands(int64(n)) }
