// Package proctest runs a test again in processes of its own, all at once,
// for tests of what several processes do to shared state: the app and
// sealctl share a profile's database and keychain.
package proctest

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Child reports whether this process is one Run started for env, and the
// value Run gave it.
func Child(env string) (string, bool) {
	v := os.Getenv(env)
	return v, v != ""
}

// Run runs the test named test of this test binary in n processes at
// once, process i with env set to value(i) (not empty), and returns what
// each printed. A process that fails fails t with its output.
func Run(t *testing.T, test, env string, n int, value func(i int) string) [][]byte {
	t.Helper()
	outs := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), env+"="+value(i))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("process %d of %s: %v\n%s", i, test, err, out)
			}
			outs[i] = out
		}()
	}
	wg.Wait()
	return outs
}
