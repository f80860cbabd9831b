package theory

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrMemory is wrapped by the error of a computation that would need more memory than it may
// have; the message gives both numbers. Nothing large has been allocated when it is returned.
var ErrMemory = errors.New("theory: not enough memory")

// MemoryMargin is kept free when the limit comes from MemAvailable: the GUI, the data set and
// other processes need room too.
const MemoryMargin int64 = 1 << 30

// AvailableMemory returns MemAvailable of /proc/meminfo in bytes: what the kernel estimates can
// be allocated without swapping.
func AvailableMemory() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("theory: available memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("theory: available memory: %q: %w", sc.Text(), err)
			}
			return kb << 10, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("theory: available memory: %w", err)
	}
	return 0, errors.New("theory: available memory: /proc/meminfo has no MemAvailable line")
}

// memoryLimit is limit when it is positive, else MemAvailable minus MemoryMargin.
func memoryLimit(limit int64) (int64, error) {
	if limit > 0 {
		return limit, nil
	}
	avail, err := AvailableMemory()
	if err != nil {
		return 0, err
	}
	return avail - MemoryMargin, nil
}

// checkMemory returns an error wrapping ErrMemory when need exceeds the limit (see memoryLimit).
func checkMemory(what string, need, limit int64) error {
	lim, err := memoryLimit(limit)
	if err != nil {
		return err
	}
	if need > lim {
		src := "the given limit"
		if limit <= 0 {
			src = fmt.Sprintf("MemAvailable minus a %s margin", formatBytes(MemoryMargin))
		}
		return fmt.Errorf("%w: %s needs about %s but %s allows %s", ErrMemory, what, formatBytes(need), src, formatBytes(max(lim, 0)))
	}
	return nil
}

// formatBytes prints a byte count in GB (10^9) or MB with one decimal.
func formatBytes(b int64) string {
	if b >= 1e9 {
		return fmt.Sprintf("%.1f GB", float64(b)/1e9)
	}
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}
