package imaptest

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// CheckGoroutines fails the test when, within a bounded wait, the number
// of goroutines does not come back to at most baseline. A small stand-in
// for go.uber.org/goleak: take the baseline with runtime.NumGoroutine()
// after the fixtures started and before the code under test.
func CheckGoroutines(t testing.TB, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			var ours []string
			for _, g := range strings.Split(string(buf), "\n\n") {
				if strings.Contains(g, "sealdesk/mail/") || strings.Contains(g, "imapclient") {
					ours = append(ours, g)
				}
			}
			t.Fatalf("%d goroutines outlived Close (baseline %d); suspects:\n%s", n, baseline, strings.Join(ours, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
