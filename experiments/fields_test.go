package experiments

import (
	"reflect"
	"strings"
	"testing"
)

// TestFields_CoverConfig checks that --set (and run --help) knows every scalar setting of a
// Config, each once and with a meaning.
func TestFields_CoverConfig(t *testing.T) {
	known := map[string]bool{}
	for _, f := range Fields() {
		if known[f.Key] {
			t.Errorf("key %q twice", f.Key)
		}
		known[f.Key] = true
		if strings.TrimSpace(f.Help) == "" {
			t.Errorf("key %q has no help", f.Key)
		}
	}
	skip := map[string]bool{"kind": true, "settings": true, "preset": true, "randomization": true, "model": true}
	rt := reflect.TypeOf(Config{})
	for i := range rt.NumField() {
		key, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if !skip[key] && !known[key] {
			t.Errorf("Config field %s (%q) cannot be --set", rt.Field(i).Name, key)
		}
	}
	var c Config
	for key, v := range map[string]string{"lr": "0.5", "hidden": "256x2", "mode": "Random labels", "seed": "7", "stratified": "true"} {
		if err := c.Set(key, v); err != nil {
			t.Errorf("Set(%s, %s): %v", key, v, err)
		}
	}
	if c.LearningRate != 0.5 || len(c.Model.Hidden) != 2 || c.Randomization.Mode != "random-labels" || c.Seed != 7 || !c.Stratified {
		t.Errorf("after Set: %+v", c)
	}
	if err := c.Set("epochs", "many"); err == nil || !strings.Contains(err.Error(), "epochs=many") {
		t.Errorf("Set(epochs, many): %v", err)
	}
	if err := c.Set("nope", "1"); err == nil {
		t.Error("an unknown key was accepted")
	}
}
