package quiet

import (
	"os"
	"strings"
	"testing"
)

const (
	abslLine = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
	mlirLine = "I0000 00:00:1795790163.267755   28115 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled\n"
	realLine = "E0000 00:00:1795790163.267755   28115 op_kernel.cc:1830] OP_REQUIRES failed at save_restore_v2_ops.cc:123 : RESOURCE_EXHAUSTED: No space left on device\n"
)

func TestIsNoise_OnlyTheListedLines(t *testing.T) {
	for _, l := range []string{abslLine, mlirLine} {
		if !IsNoise(strings.TrimSuffix(l, "\n")) {
			t.Errorf("not noise: %q", l)
		}
	}
	for _, l := range []string{realLine, "rethink: run: bad value", "panic: boom", "",
		"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR and more",
		"E0000 00:00:1.0 1 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled"} {
		if IsNoise(strings.TrimSuffix(l, "\n")) {
			t.Errorf("a line a user needs is taken for noise: %q", l)
		}
	}
	if len(Why()) < 2 || Why()[0] == "" {
		t.Errorf("patterns without a reason: %q", Why())
	}
}

// TestFilter_DropsNoiseKeepsTheRest feeds the filter through a pipe in pieces, as writers do.
func TestFilter_DropsNoiseKeepsTheRest(t *testing.T) {
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	in, out := int(inR.Fd()), int(outW.Fd())
	done := make(chan struct{})
	go func() {
		Filter(in, out)
		outW.Close()
		close(done)
	}()
	got := make(chan string)
	go func() {
		b, _ := readAll(outR)
		got <- b
	}()
	long := strings.Repeat("x", 100<<10) + "\n" // longer than the filter's buffer
	for _, s := range []string{abslLine + "rethink: one\n" + mlirLine, realLine[:20], realLine[20:], long, mlirLine, "a last line without its newline"} {
		inW.WriteString(s)
	}
	inW.Close()
	<-done
	want := "rethink: one\n" + realLine + long + "a last line without its newline"
	if b := <-got; b != want {
		t.Errorf("filtered output (%d bytes, want %d) is not the lines less the noise; starts %.300q", len(b), len(want), b)
	}
}

func readAll(f *os.File) (string, error) {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String(), nil
		}
	}
}
