package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/store"
)

// TestAccountFolders: --folders stores extra folders per account; an
// update without it keeps them, "" clears them; the output of an account
// without extra folders is what it always was.
func TestAccountFolders(t *testing.T) {
	memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	pw := writeFile(t, "pw", []byte("secret\n"))
	base := []string{"account", "add", "help", "--imap", "imap://127.0.0.1:1143", "--tls", "none", "--user", "u", "--password-file", pw}
	list := func() store.Account {
		t.Helper()
		var accounts []store.Account
		out := c.run(exitOK, "account", "list", "--json")
		if err := json.Unmarshal([]byte(out), &accounts); err != nil || len(accounts) != 1 {
			t.Fatalf("account list: %s %v", out, err)
		}
		return accounts[0]
	}

	out := c.run(exitOK, base...)
	if want := "account help: IMAP u@127.0.0.1:1143 (TLS none), password in the keychain as account-password:help\n"; out != want {
		t.Errorf("add output changed:\n%q\nwant\n%q", out, want)
	}
	if js := c.run(exitOK, "account", "list", "--json"); strings.Contains(js, "folders") {
		t.Errorf("account list --json of an account without folders gained a key: %s", js)
	}

	out = c.run(exitOK, append(base, "--folders", "Support, Archive/2024,INBOX,Support")...)
	if !strings.Contains(out, ", folders Support, Archive/2024,") {
		t.Errorf("add output: %s", out)
	}
	if a := list(); !slices.Equal(a.Folders, []string{"Support", "Archive/2024"}) {
		t.Errorf("folders %q", a.Folders)
	}
	c.run(exitOK, base...) // an edit without --folders keeps them
	if a := list(); !slices.Equal(a.Folders, []string{"Support", "Archive/2024"}) {
		t.Errorf("after an edit without --folders: %q", a.Folders)
	}
	if out := c.run(exitOK, "account", "list"); !strings.Contains(out, "folders Support, Archive/2024") {
		t.Errorf("account list: %s", out)
	}
	c.run(exitOK, append(base, "--folders", "")...)
	if a := list(); len(a.Folders) != 0 {
		t.Errorf("after --folders \"\": %q", a.Folders)
	}
}
