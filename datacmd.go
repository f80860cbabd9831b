package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"rethink/experiments/data"
)

// cmdData: rethink data download cifar10 [--dir DIR] | rethink data where.
func cmdData(args []string) error {
	if len(args) >= 2 && args[0] == "download" && (args[1] == "cifar10" || args[1] == "cifar-10") {
		dir := data.DefaultDataDir()
		if len(args) >= 4 && args[2] == "--dir" {
			dir = args[3]
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		fmt.Printf("CIFAR-10 (binary, 170 MB) from %s\ninto %s (resumable: run the same command again after an interruption)\n", data.CIFAR10URL, dir)
		var last time.Time
		got, err := data.EnsureCIFAR10(ctx, &http.Client{}, dir, data.CIFAR10URL, data.CIFAR10MD5, func(p data.Progress) {
			if time.Since(last) < 200*time.Millisecond && p.Done != p.Total {
				return
			}
			last = time.Now()
			fmt.Printf("\r%s", progressLine(p))
		})
		fmt.Println()
		if err != nil {
			return err
		}
		fmt.Println("ready:", got)
		return nil
	}
	if len(args) == 1 && args[0] == "where" {
		fmt.Println("data folder:", data.DefaultDataDir())
		fmt.Println("Fashion-MNIST system folder:", data.FashionMNISTSystemDir)
		return nil
	}
	return fmt.Errorf("usage: rethink data download cifar10 [--dir DIR] | rethink data where")
}

// progressLine draws a download's progress: bar, bytes, rate and ETA.
func progressLine(p data.Progress) string {
	const width = 30
	mb := func(n int64) float64 { return float64(n) / (1 << 20) }
	if p.Total <= 0 {
		return fmt.Sprintf("%.1f MB  %.1f MB/s", mb(p.Done), p.BytesPerSec/(1<<20))
	}
	done := int(float64(width) * float64(p.Done) / float64(p.Total))
	done = max(0, min(width, done))
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < done {
			bar[i] = '='
		}
	}
	return fmt.Sprintf("[%s] %.1f/%.1f MB  %.1f MB/s  ETA %s   ", bar, mb(p.Done), mb(p.Total), p.BytesPerSec/(1<<20), p.ETA.Round(time.Second))
}
