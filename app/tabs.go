package app

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// newTab is container.NewTabItem with content held in a tabPage.
func newTab(text string, content fyne.CanvasObject) *container.TabItem {
	return container.NewTabItem(text, newTabPage(content))
}

// tabPage holds the content of one tab of an AppTabs and keeps a tap on a tab cheap. Fyne's
// AppTabs refreshes the content of every one of its tabs, shown or hidden, each time a tab is
// selected (baseTabsRenderer.applyTheme, fyne v2.7.1), and a refresh goes down the whole tree:
// every label and rich text of the window is laid out and its text shaped again, which cost
// more than drawing the frame itself on a tap (measured with perf under Xvfb). That refresh is
// there for theme changes: the hidden tabs are not in the tree that a theme change walks. So a
// tabPage passes a Refresh on to its content only when the theme, its variant, the primary
// colour or the scale changed since the last one it passed on; the widgets inside refresh
// themselves when what they show changes, as they always do. Use it on the UI goroutine.
type tabPage struct {
	widget.BaseWidget
	content fyne.CanvasObject
	// seen is the look the content was last refreshed for.
	seen lookKey
	// passed counts the refreshes passed on to the content (tests read it).
	passed int
}

func newTabPage(content fyne.CanvasObject) *tabPage {
	p := &tabPage{content: content, seen: currentLook()}
	p.ExtendBaseWidget(p)
	return p
}

func (p *tabPage) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.content) }

// Refresh refreshes the content when the look changed since it was last refreshed, else only
// asks the canvas to draw the page again.
func (p *tabPage) Refresh() {
	if k := currentLook(); k.differs(p.seen) {
		p.seen = k
		p.passed++
		p.content.Refresh()
	}
	if a := fyne.CurrentApp(); a != nil {
		if c := a.Driver().CanvasForObject(p); c != nil {
			c.Refresh(p)
		}
	}
}

// lookKey is what a theme change changes: the theme, its variant, the primary colour and the
// scale.
type lookKey struct {
	theme   fyne.Theme
	variant fyne.ThemeVariant
	primary string
	scale   float32
}

func currentLook() lookKey {
	a := fyne.CurrentApp()
	if a == nil {
		return lookKey{}
	}
	s := a.Settings()
	return lookKey{theme: s.Theme(), variant: s.ThemeVariant(), primary: s.PrimaryColor(), scale: s.Scale()}
}

// differs says whether k and o are different looks. Themes whose type cannot be compared (a
// struct holding a map, say) always count as changed.
func (k lookKey) differs(o lookKey) bool {
	if k.variant != o.variant || k.primary != o.primary || k.scale != o.scale {
		return true
	}
	if k.theme == nil || o.theme == nil {
		return k.theme != o.theme
	}
	if !reflect.TypeOf(k.theme).Comparable() || !reflect.TypeOf(o.theme).Comparable() {
		return true
	}
	return k.theme != o.theme
}
