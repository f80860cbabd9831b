package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// hint is secondary text (explanations, units, notes) in the theme's placeholder colour. A
// Label of LowImportance uses the disabled colour instead, which is unreadable on the light
// theme (#e3e3e3 on white). Use it on the UI goroutine, as any widget.
type hint struct {
	widget.RichText
	seg *widget.TextSegment
}

// newHint makes a hint that wraps its text at word boundaries when wrap is set, and otherwise
// truncates it with an ellipsis.
func newHint(text string, wrap bool) *hint {
	h := &hint{seg: &widget.TextSegment{Text: text, Style: widget.RichTextStyle{
		ColorName: theme.ColorNamePlaceHolder, Inline: true, SizeName: theme.SizeNameText}}}
	h.Segments = []widget.RichTextSegment{h.seg}
	h.Scroll = fyne.ScrollNone // the zero value scrolls both ways (NewRichText sets this too)
	if wrap {
		h.Wrapping = fyne.TextWrapWord
	} else {
		h.Truncation = fyne.TextTruncateEllipsis
	}
	h.ExtendBaseWidget(h)
	return h
}

// SetText replaces the text and redraws.
func (h *hint) SetText(text string) {
	h.seg.Text = text
	h.Refresh()
}

// Text is the text shown.
func (h *hint) Text() string { return h.seg.Text }
