package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/internal/proctest"
	"github.com/sealdesk/sealdesk/store"
)

// sealctlProcessEnv makes the test binary run sealctl with these
// arguments (separated by "\x1f") instead of its tests.
const sealctlProcessEnv = "SEALCTL_TEST_PROCESS_ARGS"

// TestParallelInspectsStoreOneArticleEach is the reproduction: 42
// `sealctl inspect` processes over 7 messages, all at once, into one new
// data directory. One mail, one article: 7 articles (the old code stored
// 18 to 25).
func TestParallelInspectsStoreOneArticleEach(t *testing.T) {
	if args, ok := proctest.Child(sealctlProcessEnv); ok {
		if code := run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr); code != exitOK {
			t.Fatalf("sealctl %s: exit %d", args, code)
		}
		return
	}
	if os.Getenv("SEALDESK_TEST_KEYRING") != "1" {
		t.Skip("SEALDESK_TEST_KEYRING unset: sealctl processes need the real Secret Service (scripts/with-keyring.sh)")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "profile")
	var mails []string
	for i := range 7 {
		name := filepath.Join(dir, fmt.Sprintf("m%d.eml", i))
		raw := fmt.Sprintf("From: Customer %d <c%d@example.org>\r\nTo: desk@example.org\r\nMessage-ID: <par%d@example.org>\r\n"+
			"Subject: parallel %d\r\nDate: Mon, 2 Feb 2026 10:00:00 +0000\r\n\r\nbody %d\r\n", i, i, i, i, i)
		if err := os.WriteFile(name, []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
		mails = append(mails, name)
	}
	proctest.Run(t, t.Name(), sealctlProcessEnv, 42, func(r int) string {
		return strings.Join([]string{"--data", data, "inspect", "--json", mails[r%7]}, "\x1f")
	})
	s, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var articles, tickets int
	if err := s.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM tickets)`).Scan(&articles, &tickets); err != nil {
		t.Fatal(err)
	}
	if articles != 7 || tickets != 7 {
		t.Fatalf("42 parallel inspections of 7 mails stored %d articles in %d tickets, want 7 in 7", articles, tickets)
	}
}
