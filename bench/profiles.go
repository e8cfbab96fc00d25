package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeProfiles writes the engine's goroutine dump and heap profile,
// read by profile, to dir as <run>-goroutine.txt and <run>-heap.prof.
func writeProfiles(profile func(string) ([]byte, error), dir, run string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	base := filepath.Join(dir, strings.NewReplacer(" ", "-", ",", "").Replace(run))
	for name, file := range map[string]string{"goroutine": base + "-goroutine.txt", "heap": base + "-heap.prof"} {
		b, err := profile(name)
		if err != nil {
			return fmt.Errorf("profiles: %s: %w", name, err)
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			return fmt.Errorf("profiles: %w", err)
		}
	}
	return nil
}
