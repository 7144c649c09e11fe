package pgp

import (
	"slices"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// TestSenderIdentity: a valid signature confirms the message only when
// there is one From field with one address, proven by the key, whose
// display name shows no other address, and when the message is dated
// within an hour of the signature (issue 11). The signature itself is
// intact in every row: the result still says whose it is.
func TestSenderIdentity(t *testing.T) {
	fx := getFixture(t)
	eng := NewEngine(samKeyring(t, fx))
	body := string(clearsignWith(t, mustUnlock(t, fx.sam), "Pay 100 EUR.\n"))
	mk := func(fields string, date time.Time) []byte {
		return crlf(fields + "To: x@example.org\nSubject: s\nDate: " + date.Format(time.RFC1123Z) + "\nContent-Type: text/plain; charset=utf-8\n\n" + body)
	}
	for _, tc := range []struct {
		name   string
		raw    []byte
		reason verdict.Reason // "" means valid
	}{
		{"plain", mk("From: Sam <"+samAddr+">\n", gpgTime), ""},
		// net/mail cannot decode windows-1252 words: "From address cannot be read".
		{"Outlook display name", mk("From: =?windows-1252?Q?Sam_S=E9al?= <"+samAddr+">\n", gpgTime), ""},
		{"Outlook names with a second sender", mk("From: =?windows-1252?Q?Bank_=80?= <security@bank.example>, =?windows-1252?Q?S=E9?= <"+samAddr+">\n", gpgTime), verdict.ReasonFromAddresses},
		{"two From fields", mk("From: "+samAddr+"\nFrom: security@bank.example\n", gpgTime), verdict.ReasonFromHeaders},
		{"address in the display name", mk(`From: "security@bank.example" <`+samAddr+">\n", gpgTime), verdict.ReasonFromName},
		{"encoded word hiding an address", mk("From: =?utf-8?Q?security=40bank=2Eexample?= <"+samAddr+">\n", gpgTime), verdict.ReasonFromName},
		{"unreadable From", mk("From: Sam <"+samAddr+"\n", gpgTime), verdict.ReasonFromUnreadable},
		{"no From", mk("", gpgTime), verdict.ReasonFromMissing},
		{"another sender", mk("From: security@bank.example\n", gpgTime), verdict.ReasonFromMismatch},
		{"dated a day after the signature", mk("From: "+samAddr+"\n", gpgTime.Add(24*time.Hour)), verdict.ReasonDateMismatch},
		{"dated two hours before the signature", mk("From: "+samAddr+"\n", gpgTime.Add(-2*time.Hour)), verdict.ReasonDateMismatch},
		{"dated within the hour", mk("From: "+samAddr+"\n", gpgTime.Add(-59*time.Minute)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := eng.Process(tc.raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := p.Result.Sign
			if !p.Result.Signed || r.Success != (tc.reason == "") || r.Reason != tc.reason {
				t.Fatalf("signed %v success %v reason %q, want reason %q: %s", p.Result.Signed, r.Success, r.Reason, tc.reason, r.Comment)
			}
			if len(r.Signers) != 1 || !slices.Contains(r.Signers[0].Emails, samAddr) {
				t.Errorf("signers %+v: the result does not say whose the signature is", r.Signers)
			}
		})
	}
}

// TestSenderReplyElsewhere: a Reply-To that points elsewhere does not
// spoil the seal but is part of the result, to be shown beside it.
func TestSenderReplyElsewhere(t *testing.T) {
	fx := getFixture(t)
	eng := NewEngine(samKeyring(t, fx))
	raw := gpgDated(mkMail(samAddr+"\r\nReply-To: =?windows-1252?Q?Pay=80?= <pay@evil.example>", "x@example.org", "s", "text/plain", string(clearsignWith(t, mustUnlock(t, fx.sam), "hi\n"))))
	p, err := eng.Process(raw, ProcessOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Result.Sender
	if !p.Result.Sign.Success || s == nil || s.From != samAddr || len(s.ReplyTo) != 1 || s.ReplyTo[0] != "pay@evil.example" {
		t.Fatalf("success %v, sender %+v", p.Result.Sign.Success, s)
	}
}
