package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Keyboard. Fyne hands a key to the focused widget, and to the window only when nothing has
// the focus; shortcuts of the main menu are the exception: the window runs them whatever has
// the focus. So every command with a modifier is a menu item (Run, View, Theme), and the keys
// without one act when no widget takes them:
//
//	Ctrl+Enter   start what is on screen (the custom form, or the selected preset)
//	Ctrl+Space   pause or resume            Space  the same, when not typing in a field
//	Ctrl+.       stop                       Esc    the same (and closes a dialog first)
//	Ctrl+1..7    Presets, Custom, Curves, Table 1, Filters, Data, History
//	Ctrl+S       export                     Ctrl+Q quit (asking first while a run goes on)
//
// The custom form's fields pass Esc on (field), so that it stops a run while typing too.

// shortcut is a menu command with its key.
func shortcut(key fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

// mainMenu is the window's menu: its items carry the shortcuts.
func (u *ui) mainMenu() *fyne.MainMenu {
	item := func(label string, key fyne.KeyName, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		if key != "" {
			it.Shortcut = shortcut(key)
		}
		return it
	}
	quit := item("Quit", fyne.KeyQ, u.close)
	quit.IsQuit = true
	run := fyne.NewMenu("Run",
		item("Start what is on screen", fyne.KeyReturn, u.startOnScreen),
		item("Pause or resume", fyne.KeySpace, u.ctrl.TogglePause),
		item("Stop", fyne.KeyPeriod, u.ctrl.Stop),
		fyne.NewMenuItemSeparator(),
		item("Export plots and metrics…", fyne.KeyS, u.export),
		item("Workers…", "", u.showWorkers),
		fyne.NewMenuItemSeparator(),
		quit)
	var views []*fyne.MenuItem
	for i, v := range u.tabs() {
		views = append(views, item(v.name, fyne.KeyName(rune('1'+i)), v.show))
	}
	themes := fyne.NewMenu("Theme")
	for _, choice := range []string{themeSystem, themeLight, themeDark} {
		themes.Items = append(themes.Items, fyne.NewMenuItem(choice, func() { setTheme(u.app, choice) }))
	}
	return fyne.NewMainMenu(run, fyne.NewMenu("View", views...), themes)
}

// tabView is a tab the keyboard reaches: its name and how to bring it forward.
type tabView struct {
	name string
	show func()
}

// tabs are the tabs in the order of their shortcuts (Ctrl+1 to Ctrl+7).
func (u *ui) tabs() []tabView {
	left := func(i int) func() {
		return func() {
			u.left.SelectIndex(i)
			u.focusLeft()
		}
	}
	right := func(t *container.TabItem) func() { return func() { u.views.Select(t) } }
	return []tabView{{"Presets", left(0)}, {"Custom", left(1)}, {"Curves", right(u.curvesTab)},
		{"Table 1", right(u.tableTab)}, {"Filters", right(u.filtersTab)}, {"Data", right(u.dataTab)}, {"History", right(u.historyTab)}}
}

// focusLeft gives the keyboard to the left tab on screen: the selected preset's button, or
// the custom form's first field, so that Tab goes on from there.
func (u *ui) focusLeft() {
	if u.win == nil {
		return
	}
	var f fyne.Focusable
	if u.left.SelectedIndex() == 1 {
		f = u.custom.name
	} else if b, ok := u.presets.buttons[u.selected.ID]; ok {
		f = b
	} else {
		for _, ps := range u.presets.all {
			if b, ok := u.presets.buttons[ps.ID]; ok {
				f = b
				break
			}
		}
	}
	if f != nil {
		u.win.Canvas().Focus(f)
	}
}

// runShortcut runs the menu item of sc, as the window does for a key pressed whatever has the
// focus; it reports whether there was one.
func (u *ui) runShortcut(sc fyne.Shortcut) bool {
	for _, m := range u.menu.Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() && it.Action != nil {
				it.Action()
				return true
			}
		}
	}
	return false
}

// installShortcuts sets the main menu (the shortcuts), the keys without modifier, and
// Ctrl+Enter on the keypad.
func (u *ui) installShortcuts() {
	u.menu = u.mainMenu()
	u.win.SetMainMenu(u.menu)
	cv := u.win.Canvas()
	cv.AddShortcut(shortcut(fyne.KeyEnter), func(fyne.Shortcut) { u.startOnScreen() })
	cv.SetOnTypedKey(u.typedKey)
}

// typedKey handles a key no widget took: Esc and Enter answer a dialog on screen; otherwise
// Esc stops the run and Space pauses or resumes it.
func (u *ui) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyEscape:
		u.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		if m := u.ctrl.modal; m != nil {
			if m.onEnter != nil {
				m.onEnter()
			}
			m.d.Hide()
		}
	case fyne.KeySpace:
		if u.ctrl.modal == nil {
			u.ctrl.TogglePause()
		}
	}
}

// escape closes the dialog on screen, or else stops the run; the focus leaves any field.
func (u *ui) escape() {
	if u.win != nil {
		u.win.Canvas().Unfocus()
	}
	if m := u.ctrl.modal; m != nil {
		m.d.Hide()
		return
	}
	u.ctrl.Stop()
}

// modal is the dialog on screen: Esc hides it (its cancel), Enter runs onEnter (its default
// answer, nil for none) and hides it.
type modal struct {
	d       dialog.Dialog
	onEnter func()
}

// present shows d as the dialog the keys answer. UI goroutine.
func (c *controller) present(d dialog.Dialog, onEnter func()) {
	m := &modal{d: d, onEnter: onEnter}
	c.modal = m
	d.SetOnClosed(func() {
		if c.modal == m {
			c.modal = nil
		}
	})
	d.Show()
}

// field is an entry of the custom form that passes Esc on to the window (stop the run or
// close a dialog) rather than swallowing it.
type field struct {
	widget.Entry
	onEscape func()
}

func newField() *field {
	f := &field{}
	f.ExtendBaseWidget(f)
	return f
}

// TypedKey implements fyne.Focusable.
func (f *field) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && f.onEscape != nil {
		f.onEscape()
		return
	}
	f.Entry.TypedKey(k)
}
