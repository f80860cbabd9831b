package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The window draws with Mesa's llvmpipe while libtensorflow (and its own LLVM) is loaded in the
// same process: without deepbind_linux.go the app died in its first glDrawArrays. The app is
// started under a private Xvfb with GALLIUM_DRIVER=llvmpipe; once Mesa's driver and its
// libLLVM are mapped into the process, it must still be drawing seconds later.
func TestApp_DrawsWithLLVMpipeBesideTensorFlow(t *testing.T) {
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed (Debian package xvfb): no display to open the window on")
	}
	if drivers, _ := filepath.Glob("/usr/lib/*/dri/swrast_dri.so"); len(drivers) == 0 {
		t.Skip("Mesa's software driver swrast_dri.so is not installed (Debian package libgl1-mesa-dri)")
	}
	bin := appBin(t)
	display := startXvfb(t, xvfb)

	cmd := exec.Command(bin)
	cmd.Env = env("DISPLAY="+display, "GALLIUM_DRIVER=llvmpipe", "LIBGL_ALWAYS_SOFTWARE=1",
		"RETHINK_RESULTS="+t.TempDir(), "RETHINK_STDERR=raw")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()

	maps := fmt.Sprintf("/proc/%d/maps", cmd.Process.Pid)
	loaded := func() bool {
		b, err := os.ReadFile(maps)
		s := string(b)
		return err == nil && strings.Contains(s, "swrast_dri.so") && strings.Contains(s, "libLLVM") &&
			strings.Contains(s, "libtensorflow")
	}
	deadline := time.Now().Add(60 * time.Second)
	for !loaded() {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the app ended before Mesa's driver was loaded: %v\n%s", err, tail(stderr.String()))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("Mesa's llvmpipe was not loaded beside libtensorflow within 60 s (%s)\n%s", maps, tail(stderr.String()))
		}
	}
	select {
	case err := <-exited:
		exited <- err
		t.Fatalf("the app died drawing with llvmpipe beside libtensorflow: %v\n%s", err, tail(stderr.String()))
	case <-time.After(8 * time.Second):
	}
}

// startXvfb starts Xvfb on a free display of its own choosing, stopped when the test ends, and
// returns the display's name (":N").
func startXvfb(t *testing.T, xvfb string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		x.Process.Kill()
		x.Wait()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not report its display within 20 s")
	}
	return ""
}

// tail is the last 30 lines of s.
func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}
