package experiments

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestSnapshots_CompactThinnedAndCapped stores a snapshot a epoch for 600 epochs under a
// budget: the folder stays within it, keeps epoch 0, the first epochs and the last, thins the
// rest about evenly in log(epoch), and reads back in epoch order with float16 precision.
func TestSnapshots_CompactThinnedAndCapped(t *testing.T) {
	dir := t.TempDir()
	const rows, units, budget = 100, 64, 300 << 10
	w := make([]float32, rows*units)
	for e := 0; e <= 600; e++ {
		for i := range w {
			w[i] = float32(math.Sin(float64(i+e))) * 0.1
		}
		if err := storeSnapshot(dir, FiltersReady{Epoch: e, Step: 10 * e, Shape: []int64{rows, units}, ImageShape: [3]int{10, 10, 1},
			Weights: w, Delta: true, Units: []int{3, 1}}, budget); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	files, _ := os.ReadDir(filepath.Join(dir, "filters"))
	for _, f := range files {
		info, _ := f.Info()
		total += info.Size()
	}
	if total > budget {
		t.Errorf("snapshots take %d bytes, budget %d", total, budget)
	}
	snaps, err := ReadFilterSnapshots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) < 10 {
		t.Fatalf("only %d snapshots kept", len(snaps))
	}
	have := map[int]bool{}
	for i, s := range snaps {
		have[s.Epoch] = true
		if i > 0 && s.Epoch <= snaps[i-1].Epoch {
			t.Errorf("snapshots out of order: %d after %d", s.Epoch, snaps[i-1].Epoch)
		}
	}
	for _, e := range []int{0, 1, 2, 600} {
		if !have[e] {
			t.Errorf("epoch %d not kept; kept %v", e, have)
		}
	}
	last := snaps[len(snaps)-1]
	if len(last.Weights) != rows*units || last.Step != 6000 || !last.Delta || len(last.Units) != 2 {
		t.Fatalf("last snapshot read back as %d weights, step %d, delta %v, units %v", len(last.Weights), last.Step, last.Delta, last.Units)
	}
	for i := range w {
		if d := math.Abs(float64(last.Weights[i] - w[i])); d > 1e-3*math.Abs(float64(w[i]))+1e-6 {
			t.Fatalf("weight %d read back as %v, stored %v", i, last.Weights[i], w[i])
		}
	}
}

// TestReadFilterSnapshots_OldJSON: folders written before the compact format still read.
func TestReadFilterSnapshots_OldJSON(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "filters"), 0o755)
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b, math.Float32bits(0.5))
	binary.LittleEndian.PutUint32(b[4:], math.Float32bits(-2))
	if err := WriteJSON(filepath.Join(dir, "filters", "epoch-0003.json"), FilterSnapshot{Epoch: 3, Step: 9, Shape: []int64{1, 2}, Weights: b}); err != nil {
		t.Fatal(err)
	}
	snaps, err := ReadFilterSnapshots(dir)
	if err != nil || len(snaps) != 1 || snaps[0].Epoch != 3 || snaps[0].Weights[1] != -2 {
		t.Fatalf("old JSON snapshot: %+v, %v", snaps, err)
	}
}
