package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's default theme, held to one variant when variant is set (the theme switch,
// the tour's screenshots) or following the desktop's preference, with unchecked boxes and
// radios drawn darker in the light variant and lighter in the dark one: the default's outlines
// (#e3e3e3 on white, #39393a on #171717) are nearly invisible.
type appTheme struct {
	fyne.Theme
	variant *fyne.ThemeVariant
}

// lightInputBorder and darkInputBorder are the outline of inputs, boxes and radios in the
// light and the dark variant.
var (
	lightInputBorder = color.NRGBA{R: 0x8a, G: 0x8a, B: 0x8a, A: 0xff}
	darkInputBorder  = color.NRGBA{R: 0x75, G: 0x75, B: 0x75, A: 0xff}
)

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	if n == theme.ColorNameInputBorder {
		if v == theme.VariantLight {
			return lightInputBorder
		}
		return darkInputBorder
	}
	return t.Theme.Color(n, v)
}

// Theme choices of the switch in the window.
const (
	themeSystem = "System theme"
	themeLight  = "Light"
	themeDark   = "Dark"
)

// setTheme applies a theme choice to a: the desktop's preference, or light or dark whatever it
// says. Fyne then redraws the window, and the plots follow (the settings listener of newUI).
func setTheme(a fyne.App, choice string) {
	var v *fyne.ThemeVariant
	switch choice {
	case themeLight:
		l := theme.VariantLight
		v = &l
	case themeDark:
		d := theme.VariantDark
		v = &d
	}
	a.Settings().SetTheme(appTheme{Theme: theme.DefaultTheme(), variant: v})
}
