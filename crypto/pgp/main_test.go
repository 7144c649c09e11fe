package pgp

import (
	"os"
	"os/exec"
	"testing"
)

// TestMain stops the gpg-agent that the GnuPG fixture's home started and
// removes the home: each test process (and each fuzz worker) left one
// behind, idle but for its start, which took a fifth of a CPU and
// disturbed the benchmarks run next to the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if fix.home != "" {
		_ = exec.Command("gpgconf", "--homedir", fix.home, "--kill", "gpg-agent").Run()
		_ = os.RemoveAll(fix.home)
	}
	os.Exit(code)
}
