package experiments

// WithSeeds repeats runs once per seed, seed-major (every run with seeds[0], then every run with
// seeds[1], ...), so that a preset's first pass over its runs already shows the whole figure.
// Names are kept: runs that differ only by seed share a name, and a Summary carries its seed.
// No seeds returns runs unchanged.
func WithSeeds(runs []Config, seeds []uint64) []Config {
	if len(seeds) == 0 {
		return runs
	}
	out := make([]Config, 0, len(runs)*len(seeds))
	for _, s := range seeds {
		for _, c := range runs {
			c.Seed = s
			out = append(out, c)
		}
	}
	return out
}

// seeded sets p.Seeds and expands p.Runs over them (see WithSeeds).
func seeded(p Preset, seeds ...uint64) Preset {
	p.Seeds = append([]uint64(nil), seeds...)
	p.Runs = WithSeeds(p.Runs, p.Seeds)
	return p
}
