package sync

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

func runtimeGoroutines() int { return runtime.NumGoroutine() }

func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func hasEvent[T Event](r *Recorder) bool {
	for _, e := range r.Events() {
		if _, ok := e.(T); ok {
			return true
		}
	}
	return false
}

func sameFlags(got []string, want ...string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
