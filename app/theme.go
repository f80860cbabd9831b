package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// fixedVariant is a theme held to one variant, whatever the desktop prefers: the app's theme
// switch (light, dark) and the tour's screenshots use it.
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
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
	switch choice {
	case themeLight:
		a.Settings().SetTheme(fixedVariant{theme.DefaultTheme(), theme.VariantLight})
	case themeDark:
		a.Settings().SetTheme(fixedVariant{theme.DefaultTheme(), theme.VariantDark})
	default:
		a.Settings().SetTheme(theme.DefaultTheme())
	}
}
