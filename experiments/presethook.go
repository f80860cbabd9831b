package experiments

import "sync"

var (
	presetHooksMu sync.RWMutex
	presetHooks   []func() []Preset
)

// RegisterPresets adds presets made by another package (e.g. the kinds of experiments/theory),
// listed by Presets after the paper's own, in the order registered. Call it from an init
// function; f is called on every call of Presets and must return fresh values.
func RegisterPresets(f func() []Preset) {
	presetHooksMu.Lock()
	defer presetHooksMu.Unlock()
	presetHooks = append(presetHooks, f)
}

// registeredPresets is the presets of every RegisterPresets hook.
func registeredPresets() []Preset {
	presetHooksMu.RLock()
	defer presetHooksMu.RUnlock()
	var ps []Preset
	for _, f := range presetHooks {
		ps = append(ps, f()...)
	}
	return ps
}
