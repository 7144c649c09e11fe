package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/store"
)

func sealctl(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestVersion(t *testing.T) {
	out, _, code := sealctl(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "sealctl ") {
		t.Fatalf("version: %q, exit %d", out, code)
	}
	out, _, code = sealctl(t, "version", "--json")
	var v versionInfo
	if code != exitOK || json.Unmarshal([]byte(out), &v) != nil || v.Version == "" || v.OS == "" {
		t.Fatalf("version --json: %q, exit %d", out, code)
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"no command", nil, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"unknown global flag", []string{"--nope", "version"}, exitUsage},
		{"unknown command flag", []string{"version", "--nope"}, exitUsage},
		{"help", []string{"help"}, exitOK},
		{"command help", []string{"version", "--help"}, exitOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, errOut, code := sealctl(t, tc.args...); code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
		})
	}
}

func TestStatusUsesTheDataDirectory(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := sealctl(t, "--data", dir, "status", "--json")
	var st statusInfo
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json printed %q: %v", out, err)
	}
	// The schema version of a fresh store: the number of its last migration.
	fresh, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := fresh.SchemaVersion(context.Background())
	fresh.Close()
	if st.DataDir != dir || st.SchemaVersion != want || want < 6 {
		t.Fatalf("status = %+v, want schema version %d", st, want)
	}
	// Without a Secret Service the status says so and exits 3; with the
	// harness's gnome-keyring it is reachable and exits 0.
	wantOK := os.Getenv("SEALDESK_TEST_KEYRING") == "1"
	if st.Keychain.OK != wantOK {
		t.Fatalf("keychain ok = %v, want %v (%s)", st.Keychain.OK, wantOK, st.Keychain.Message)
	}
	if wantOK && code != exitOK || !wantOK && code != exitKeychain {
		t.Fatalf("exit %d (stderr %q)", code, errOut)
	}
}
