package main

import (
	"encoding/json"
	"testing"

	"github.com/sealdesk/sealdesk/mail/team/teamtest"
)

// TestTicketsShowTheSendingAgent: an answer found in Sent carrying
// X-SealDesk-Agent lists its agent in `tickets --json`; the customer's
// mail has none.
func TestTicketsShowTheSendingAgent(t *testing.T) {
	memoryKeychain(t)
	srv := teamtest.NewServer(t)
	srv.Append(t, "INBOX", []byte("From: carol@example.com\r\nTo: agent@example.test\r\nMessage-ID: <q1@example.com>\r\n"+
		"Date: Tue, 02 Jun 2026 10:00:00 +0000\r\nSubject: printer\r\n\r\nit jams\r\n"))
	srv.Append(t, "Sent", []byte("From: agent@example.test\r\nTo: carol@example.com\r\nMessage-ID: <r1@example.test>\r\n"+
		"In-Reply-To: <q1@example.com>\r\nX-SealDesk-Agent: Anna Agent <Anna@example.test>\r\n"+
		"Date: Tue, 02 Jun 2026 10:42:00 +0000\r\nSubject: Re: printer\r\n\r\nfixed\r\n"))
	pw := writeFile(t, "pw", []byte(srv.Pass+"\n"))
	c := ctl{t, t.TempDir()}
	c.run(exitOK, "account", "add", "help", "--imap", srv.Addr, "--tls", "none", "--user", srv.User, "--password-file", pw, "--no-team")
	c.run(exitOK, "sync", "--once")
	var all []ticketJSON
	if err := json.Unmarshal([]byte(c.run(exitOK, "tickets", "--json")), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || len(all[0].Articles) != 2 {
		t.Fatalf("tickets: %+v", all)
	}
	in, out := all[0].Articles[0], all[0].Articles[1]
	if in.Agent != "" || out.Direction != "out" || out.Agent != "anna@example.test" {
		t.Fatalf("articles: %+v", all[0].Articles)
	}
}
