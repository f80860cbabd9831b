package experiments

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// MaxSnapshotBytes caps the filter snapshots of one run folder (filters/epoch-*): older ones are
// thinned to stay within it.
const MaxSnapshotBytes = 5 << 20

// snapMagic starts a compact snapshot file (epoch-NNNN.f16): then a little-endian uint32 n, n
// bytes of JSON header (a FilterSnapshot without Weights), then the weights as little-endian
// IEEE float16, which is plenty for pictures (relative error below 0.05%).
const snapMagic = "RFS1"

// storeSnapshot writes f into dir/filters as a compact file, then thins the stored snapshots
// to budget bytes: it removes, one at a time, the snapshot between epoch 0 and the newest whose
// neighbours are closest in log(epoch+1), so what stays is about evenly spread in log time (all of
// the first epochs, then ever sparser) and never more than budget, however long the run.
func storeSnapshot(dir string, f FiltersReady, budget int64) error {
	fdir := filepath.Join(dir, "filters")
	if err := os.MkdirAll(fdir, 0o755); err != nil {
		return err
	}
	hdr, err := json.Marshal(FilterSnapshot{Epoch: f.Epoch, Step: f.Step, Shape: f.Shape, ImageShape: f.ImageShape, Delta: f.Delta, Units: f.Units,
		PatchShare: f.PatchShare, PatchChance: f.PatchChance})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(snapMagic)
	binary.Write(&b, binary.LittleEndian, uint32(len(hdr)))
	b.Write(hdr)
	h := make([]byte, 2*len(f.Weights))
	for i, v := range f.Weights {
		binary.LittleEndian.PutUint16(h[2*i:], float16(v))
	}
	b.Write(h)
	if err := writeFileAtomic(filepath.Join(fdir, fmt.Sprintf("epoch-%04d.f16", f.Epoch)), b.Bytes()); err != nil {
		return err
	}
	return thinSnapshots(fdir, budget)
}

type storedSnap struct {
	path  string
	epoch int
	size  int64
}

// listSnapshots lists fdir's snapshots (compact and old JSON ones) by epoch.
func listSnapshots(fdir string) ([]storedSnap, error) {
	entries, err := os.ReadDir(fdir)
	if err != nil {
		return nil, err
	}
	var out []storedSnap
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "epoch-") || !(strings.HasSuffix(name, ".f16") || strings.HasSuffix(name, ".json")) {
			continue
		}
		ep, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(name, "epoch-"), ".f16"), ".json"))
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, storedSnap{filepath.Join(fdir, name), ep, info.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].epoch < out[j].epoch })
	return out, nil
}

func thinSnapshots(fdir string, budget int64) error {
	snaps, err := listSnapshots(fdir)
	if err != nil {
		return err
	}
	var total int64
	for _, s := range snaps {
		total += s.size
	}
	lg := func(e int) float64 { return math.Log(float64(e) + 1) }
	for total > budget && len(snaps) > 2 {
		best, gap := -1, math.Inf(1)
		for i := 1; i < len(snaps)-1; i++ {
			if g := lg(snaps[i+1].epoch) - lg(snaps[i-1].epoch); g < gap {
				best, gap = i, g
			}
		}
		if err := os.Remove(snaps[best].path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		total -= snaps[best].size
		snaps = append(snaps[:best], snaps[best+1:]...)
	}
	return nil
}

// readSnapshotFile reads one stored snapshot, compact or old JSON.
func readSnapshotFile(path string) (FiltersReady, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return FiltersReady{}, err
	}
	var s FilterSnapshot
	var w []float32
	if bytes.HasPrefix(b, []byte(snapMagic)) && len(b) >= 8 {
		n := int(binary.LittleEndian.Uint32(b[4:8]))
		if 8+n > len(b) || (len(b)-8-n)%2 != 0 {
			return FiltersReady{}, fmt.Errorf("experiments: %s: truncated snapshot", path)
		}
		if err := json.Unmarshal(b[8:8+n], &s); err != nil {
			return FiltersReady{}, fmt.Errorf("experiments: %s: %w", path, err)
		}
		data := b[8+n:]
		w = make([]float32, len(data)/2)
		for i := range w {
			w[i] = float32From16(binary.LittleEndian.Uint16(data[2*i:]))
		}
	} else {
		if err := json.Unmarshal(b, &s); err != nil {
			return FiltersReady{}, fmt.Errorf("experiments: %s: %w", path, err)
		}
		w = make([]float32, len(s.Weights)/4)
		if err := binary.Read(bytes.NewReader(s.Weights), binary.LittleEndian, w); err != nil {
			return FiltersReady{}, fmt.Errorf("experiments: %s: %w", path, err)
		}
	}
	return FiltersReady{Epoch: s.Epoch, Step: s.Step, Shape: s.Shape, ImageShape: s.ImageShape, Weights: w, Delta: s.Delta, Units: s.Units,
		PatchShare: s.PatchShare, PatchChance: s.PatchChance}, nil
}

// float16 rounds v to the nearest IEEE half (ties to even); beyond its range, infinity.
func float16(v float32) uint16 {
	b := math.Float32bits(v)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	man := b & 0x7fffff
	switch {
	case b&0x7fffffff == 0:
		return sign
	case int(b>>23&0xff) == 0xff: // Inf, NaN
		if man != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp >= 31:
		return sign | 0x7c00
	case exp <= 0: // subnormal half
		if exp < -10 {
			return sign
		}
		man |= 0x800000
		shift := uint(14 - exp)
		h := man >> shift
		rem := man & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(exp)<<10 | man>>13
	rem := man & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, which is right (up to infinity)
	}
	return sign | uint16(h)
}

// float32From16 widens an IEEE half.
func float32From16(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	switch {
	case exp == 0:
		return math.Float32frombits(sign) + float32(man)*float32(math.Ldexp(1, -24))*sgn(sign)
	case exp == 31:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
}

func sgn(sign uint32) float32 {
	if sign != 0 {
		return -1
	}
	return 1
}
