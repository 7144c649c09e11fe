package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// TestMigrationHoldsBackOurChain: certificates stored before with_key
// existed are held back from publication when they are ours or above ours
// (the issuer chain, followed by name, ends at a self-signed root), and
// only then.
func TestMigrationHoldsBackOurChain(t *testing.T) {
	certs := []struct {
		fp, subject, issuer string
		private             bool
		want                bool
	}{
		{"01", "CN=desk", "CN=Intermediate", true, true},
		{"02", "CN=Intermediate", "CN=Root", false, true},
		{"03", "CN=Root", "CN=Root", false, true},
		{"04", "CN=customer", "CN=Other CA", false, false},
		{"05", "CN=Other CA", "CN=Other CA", false, false},
		{"06", "CN=colleague", "CN=Intermediate", false, false},
	}
	s := openFrom(t, t.TempDir(), 19, func(db *sql.DB) error {
		for _, c := range certs {
			if _, err := db.Exec(`INSERT INTO smime_certificates(fingerprint, subject, issuer, serial, not_before, not_after, has_private, der, created_at)
			    VALUES (?, ?, ?, '1', '', '', ?, x'30', '')`, c.fp, c.subject, c.issuer, c.private); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range certs {
		var got bool
		if err := s.db.QueryRow(`SELECT with_key FROM smime_certificates WHERE fingerprint = ?`, c.fp).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s (issued by %s): with_key %v, want %v", c.subject, c.issuer, got, c.want)
		}
	}
}

// TestKeyQueueFollowsDeletesAndImports: a delete queues a removal in its
// own transaction for a public key only, and drops the key's publication
// if it was still waiting; an import drops a removal still waiting,
// even one already built into a record.
func TestKeyQueueFollowsDeletesAndImports(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	acct, err := s.SaveAccount(ctx, Account{Name: "help", IMAPHost: "127.0.0.1", IMAPPort: 143, IMAPTLS: "none", Username: "u"})
	if err != nil {
		t.Fatal(err)
	}
	cert := func(fp string) Certificate {
		return Certificate{Fingerprint: fp, Subject: "CN=" + fp, Emails: []string{fp + "@example.org"}, DER: []byte(fp)}
	}
	queue := func() string {
		rows, err := s.db.Query(`SELECT kind || ' ' || fingerprint || ' ' || address FROM team_key_queue ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var r string
			_ = rows.Scan(&r)
			out = append(out, r)
		}
		return strings.Join(out, "; ")
	}
	if _, _, err := s.AddCertificates(ctx, []Certificate{cert("aa"), cert("bb")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddCertificates(ctx, []Certificate{cert("cc"), cert("dd")}, "cc"); err != nil {
		t.Fatal(err)
	}
	if got := queue(); got != "key aa ; key bb " {
		t.Fatalf("after the imports: %q", got)
	}
	for _, fp := range []string{"aa", "cc", "dd"} {
		if err := s.DeleteCertificate(ctx, fp); err != nil {
			t.Fatal(err)
		}
	}
	// Ours (cc) and its chain (dd) were never published: no removal.
	if got := queue(); got != "key bb ; unkey aa aa@example.org" {
		t.Fatalf("after the deletes: %q", got)
	}
	// The removal built into a record but not written yet, then the key
	// imported again: neither copy of the removal is written.
	if err := s.QueueTeamRecords(ctx, acct.ID, []TeamOutgoing{{MessageID: "unkey-aa@x", Raw: []byte("x"), Kind: "unkey",
		Root: TeamKeySubject(KeyFormatSMIME, "aa")}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddCertificates(ctx, []Certificate{cert("aa")}); err != nil {
		t.Fatal(err)
	}
	if got := queue(); got != "key bb ; key aa " {
		t.Fatalf("after the import again: %q", got)
	}
	if out, err := s.TeamOutbox(ctx, acct.ID); err != nil || len(out) != 0 {
		t.Fatalf("outbox: %+v, %v", out, err)
	}
	if err := s.DeleteCertificate(ctx, "zz"); err != ErrNotFound {
		t.Fatalf("deleting nothing: %v", err)
	}
}

// TestWithdrawKeepsWhatAMailCarried: only a candidate the team alone
// offered, still waiting, is withdrawn.
func TestWithdrawKeepsWhatAMailCarried(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.db.Exec(`INSERT INTO tickets(id, number, subject, created_at, updated_at) VALUES (1, 10001, 's', '', '');
	    INSERT INTO articles(id, ticket_id, content_sha256, direction, created_at) VALUES (7, 1, 'h', 'in', '');
	    INSERT INTO tickets_search(tickets_search) VALUES ('rebuild')`); err != nil {
		t.Fatal(err)
	}
	team := func(fp string) PendingKey {
		return PendingKey{Technology: "S/MIME", Source: "attachment", Fingerprint: fp, Key: []byte(fp), Origin: OriginTeam, OriginAgent: "anna@x"}
	}
	mailed := PendingKey{Technology: "S/MIME", Source: "signature", Fingerprint: "bb", Key: []byte("bb"), ArticleID: 7}
	added, err := s.AddPendingKeys(ctx, []PendingKey{team("aa"), mailed, team("cc"), team("dd"), team("ee")})
	if err != nil || len(added) != 5 {
		t.Fatalf("%d added, %v", len(added), err)
	}
	// cc: the team's, then seen in a mail; dd: rejected here.
	if _, err := s.AddPendingKeys(ctx, []PendingKey{{Technology: "S/MIME", Source: "signature", Fingerprint: "cc", Key: []byte("cc"), ArticleID: 7}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DecidePendingKey(ctx, added[3].ID, PendingRejected); err != nil {
		t.Fatal(err)
	}
	for fp, want := range map[string]int{"AA": 1, "bb": 0, "cc": 0, "dd": 0, "ee": 1} {
		got, err := s.WithdrawTeamCandidates(ctx, "S/MIME", fp)
		if err != nil || len(got) != want {
			t.Errorf("%s: withdrew %+v, %v; want %d", fp, got, err, want)
		}
	}
	if got, err := s.WithdrawTeamCandidates(ctx, "PGP", "bb"); err != nil || len(got) != 0 {
		t.Errorf("another technology: %+v, %v", got, err)
	}
	left, err := s.PendingKeys(ctx, "")
	if err != nil || len(left) != 3 {
		t.Fatalf("left: %+v, %v", left, err)
	}
}

// TestInventoryQueuedOncePerEpoch: the inventory is queued on the first
// pass, again after the log was lost (ResetTeam) and after team records
// were switched off and on, and not on the passes between; a key a team
// member removed is left out of it.
func TestInventoryQueuedOncePerEpoch(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, fp := range []string{"aa", "bb", "cc"} {
		if _, err := s.db.Exec(`INSERT INTO smime_certificates(fingerprint, subject, issuer, serial, not_before, not_after, der, created_at)
		    VALUES (?, 'CN=x', 'CN=y', '1', '', '', ?, '')`, fp, fp); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkTeamRemoved(ctx, KeyFormatSMIME, "CC", TeamRemoval{Agent: "anna@x"}); err != nil {
		t.Fatal(err)
	}
	acct, err := s.SaveAccount(ctx, Account{Name: "help", IMAPHost: "127.0.0.1", IMAPPort: 143, IMAPTLS: "none", Username: "u"})
	if err != nil {
		t.Fatal(err)
	}
	pass := func(want int) {
		t.Helper()
		if _, err := s.db.Exec(`DELETE FROM team_key_queue`); err != nil {
			t.Fatal(err)
		}
		n, err := s.QueueTeamInventory(ctx, acct.ID)
		if err != nil || n != want {
			t.Fatalf("queued %d, %v; want %d", n, err, want)
		}
	}
	pass(2)
	pass(0)
	if err := s.ResetTeam(ctx, acct.ID); err != nil {
		t.Fatal(err)
	}
	pass(2)
	pass(0)
	acct.NoTeam = true
	if _, err := s.SaveAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	acct.NoTeam = false
	if _, err := s.SaveAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	pass(2)
	pass(0)
}
