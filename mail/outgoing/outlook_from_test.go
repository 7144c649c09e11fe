package outgoing

import (
	"testing"
)

// TestReplyToOutlookDisplayName: Outlook's From display names come as
// windows-1252 encoded words (RFC 2047); a reply reads them decoded and
// goes to the address (issue 12: the ticket list, the article header and
// both engines' From check read them in crypto/sender and mail/thread).
func TestReplyToOutlookDisplayName(t *testing.T) {
	raw := []byte("From: =?windows-1252?Q?J=FCrgen_M=FCller_=96_Vertrieb?= <j@example.test>\r\nTo: support@example.test\r\n" +
		"Subject: =?windows-1252?Q?Angebot_f=FCr_Q3?=\r\nMessage-ID: <q3@example.test>\r\n\r\nHallo\r\n")
	o := HeaderOf(raw)
	if len(o.From) != 1 || o.From[0].Name != "Jürgen Müller – Vertrieb" || o.From[0].Address != "j@example.test" {
		t.Fatalf("From = %+v", o.From)
	}
	if o.Subject != "Angebot für Q3" {
		t.Errorf("Subject = %q", o.Subject)
	}
	to, _ := Recipients(ModeReply, o, nil)
	if len(to) != 1 || to[0] != "=?utf-8?q?J=C3=BCrgen_M=C3=BCller_=E2=80=93_Vertrieb?= <j@example.test>" {
		t.Errorf("reply To = %q", to)
	}
}
