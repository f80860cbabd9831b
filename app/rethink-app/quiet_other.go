//go:build !linux

package main

// stopStderrFilter: there is no stderr filter off Linux.
func stopStderrFilter() {}
