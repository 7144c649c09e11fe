package security

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/internal/gpgtest"
)

// aliceRenewed is Alice's key as she would send it after renewing it: a
// new expiry date and a new encryption subkey, made by gpg in a home of
// its own (the shared fixture stays as it is), minimal export as in
// Autocrypt.
func aliceRenewed(t *testing.T, g *gpgtest.Fixture) []byte {
	t.Helper()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "gpg-agent.conf"), []byte("allow-loopback-pinentry\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
	gpg := func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command("gpg", append([]string{"--homedir", home, "--batch", "--quiet", "--pinentry-mode", "loopback",
			"--passphrase", gpgtest.AlicePass}, args...)...)
		if stdin != nil {
			cmd.Stdin = strings.NewReader(string(stdin))
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %v: %v", args, err)
		}
		return out
	}
	gpg(g.AliceSecret, "--import")
	gpg(nil, "--quick-set-expire", g.Alice, "3y")
	gpg(nil, "--quick-add-key", g.Alice, "cv25519", "encr", "3y")
	return gpg(nil, "--export-options", "export-minimal", "--export", g.Alice)
}

// TestHeldKeyUpdateIsProposed: a key we hold, found again in mail with
// nothing new, is not proposed; with a new expiry date and subkey it is
// proposed as an update that says what is new, and accepting merges it.
func TestHeldKeyUpdateIsProposed(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	importPGP(t, f, "", g.AlicePublic)
	if in, _ := f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "same key", g.AliceBinary), InspectOptions{}); len(in.Pending) != 0 {
		t.Fatalf("a held key with nothing new was proposed: %+v", in.Pending)
	}
	renewed := aliceRenewed(t, g)
	in, err := f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "renewed key", renewed), InspectOptions{})
	if err != nil || len(in.Pending) != 1 {
		t.Fatalf("renewed key: %+v, %v", in.Pending, err)
	}
	pk := in.Pending[0]
	if !pk.Update || pk.KeyChange || pk.Fingerprint != g.Alice ||
		!strings.Contains(pk.UpdateSummary, "a new expiry date (") || !strings.Contains(pk.UpdateSummary, "1 new subkey") {
		t.Fatalf("update proposal: %+v", pk)
	}
	before, _ := f.p.Store.PGPKey(f.ctx, g.Alice)
	if _, err := f.svc.FoundKeys.Accept(f.ctx, pk.ID); err != nil {
		t.Fatal(err)
	}
	after, _ := f.p.Store.PGPKey(f.ctx, g.Alice)
	if after.Expires == before.Expires || after.Expires == "" {
		t.Errorf("after accepting: expires %q (was %q)", after.Expires, before.Expires)
	}
	if list, _ := f.svc.PGPKeys.List(f.ctx); len(list) != 1 {
		t.Errorf("the update added a key instead of merging: %d keys", len(list))
	}
	// Merged: the same copy brings nothing new any more.
	if in, _ := f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "renewed again", renewed), InspectOptions{}); len(in.Pending) != 0 {
		t.Fatalf("the merged update was proposed again: %+v", in.Pending)
	}
}

// TestAcceptedKeyChangeSupersedesTheOldKey: accepting a different key for
// a known address takes the old key out of use for that address (it is
// kept, for old signatures); deleting the new key brings the old one back.
func TestAcceptedKeyChangeSupersedesTheOldKey(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	importPGP(t, f, "", g.AlicePublic)
	in, _ := f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "new key", g.MalloryBinary), InspectOptions{})
	if len(in.Pending) != 1 || !in.Pending[0].KeyChange {
		t.Fatalf("key change: %+v", in.Pending)
	}
	res, err := f.svc.FoundKeys.Accept(f.ctx, in.Pending[0].ID)
	if err != nil || !slices.Equal(res.Superseded, []string{g.Alice}) || res.Note == "" {
		t.Fatalf("accept: %+v, %v", res, err)
	}
	use := func() []string {
		t.Helper()
		keys, err := f.p.Store.PGPKeysByEmail(f.ctx, gpgtest.AliceAddr)
		if err != nil {
			t.Fatal(err)
		}
		var fps []string
		for _, k := range keys {
			fps = append(fps, k.Fingerprint)
		}
		return fps
	}
	if got := use(); !slices.Equal(got, []string{g.Mallory}) {
		t.Fatalf("keys in use for %s: %v, want only the accepted one", gpgtest.AliceAddr, got)
	}
	old, err := f.p.Store.PGPKey(f.ctx, g.Alice)
	if err != nil || !slices.Equal(old.SupersededFor, []string{gpgtest.AliceAddr}) {
		t.Fatalf("the old key: %+v, %v (want kept, superseded for %s)", old.SupersededFor, err, gpgtest.AliceAddr)
	}
	// Old signatures still check against the kept key.
	if sig, _ := f.svc.Processing.Inspect(f.ctx, g.Signed(t, "old signature"), InspectOptions{}); !sig.Security.Sign.Success {
		t.Errorf("a signature by the superseded key: %+v", sig.Security.Sign)
	}
	if _, err := f.svc.PGPKeys.Delete(f.ctx, g.Mallory); err != nil {
		t.Fatal(err)
	}
	if got := use(); !slices.Equal(got, []string{g.Alice}) {
		t.Fatalf("after deleting the new key: %v, want the old one back", got)
	}
}

// TestKeyWarningsAtTheInjectedClock: an import judges expiry at the
// service's clock, not the wall clock.
func TestKeyWarningsAtTheInjectedClock(t *testing.T) {
	g := gpgtest.Get(t)
	for _, tc := range []struct {
		at      time.Time
		expired bool
	}{
		{time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC), false}, // the Old key lives 2020-01-01 to 01-02
		{time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), true},
	} {
		f := newFixture(t)
		f.svc = New(f.p, Options{Now: func() time.Time { return tc.at }})
		res := importPGP(t, f, "", g.OldPublic)
		if got := strings.Contains(strings.Join(res.Warnings, ";"), "expired"); got != tc.expired {
			t.Errorf("at %v: expired warning %v, want %v: %v", tc.at, got, tc.expired, res.Warnings)
		}
	}
}
