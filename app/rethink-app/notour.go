//go:build !tour

package main

import "fmt"

// cmdTour is in builds with the tour tag only (make screenshots).
func cmdTour([]string) error {
	return fmt.Errorf("this build has no tour: make screenshots builds one (go build -tags tour)")
}
