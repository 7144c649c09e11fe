package sync

import (
	"bytes"
	"io"
	"runtime"
	"slices"
	"testing"
	"testing/iotest"
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

// TestReadLiteral: readLiteral reads what io.ReadAll would, whatever the
// announced size (exact, short, long, absurd), in small reads too.
func TestReadLiteral(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	for _, size := range []int64{int64(len(data)), 0, 10, int64(len(data)) * 3, -1, 1 << 40} {
		got, err := readLiteral(iotest.OneByteReader(bytes.NewReader(data)), size)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("size %d: %d bytes, %v", size, len(got), err)
		}
	}
	if _, err := readLiteral(iotest.ErrReader(io.ErrUnexpectedEOF), 5); err != io.ErrUnexpectedEOF {
		t.Errorf("a failing reader: %v", err)
	}
}
