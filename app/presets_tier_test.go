package app

import (
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"rethink/experiments"
)

// TestPresetsPanel_TierRadio: the tier radio offers quick, medium, paper and all; each tier
// lists its presets alone (a medium preset neither among the quick nor among the paper ones),
// and "all" lists every one.
func TestPresetsPanel_TierRadio(t *testing.T) {
	test.NewTempApp(t)
	quick := testPreset()
	medium := testPreset()
	medium.ID, medium.Tier, medium.Title = "test-medium", experiments.Medium, "Figure 1a: test (medium)"
	paper := testPreset()
	paper.ID, paper.Tier, paper.Title = "test-paper", experiments.Paper, "Figure 1a: test (paper)"
	p := newPresetsPanel([]Preset{quick, medium, paper}, nop[Preset], nop[Preset])
	if got := strings.Join(p.tier.Options, ","); got != "quick,medium,paper,all" {
		t.Fatalf("tier choices %q", got)
	}
	want := map[string]string{"quick": "test-quick", "medium": "test-medium", "paper": "test-paper", "all": "test-medium,test-paper,test-quick"}
	for _, tier := range p.tier.Options {
		p.tier.SetSelected(tier)
		var ids []string
		for id := range p.buttons {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		if got := strings.Join(ids, ","); got != want[tier] {
			t.Errorf("tier %s lists %q, want %q", tier, got, want[tier])
		}
	}
}
