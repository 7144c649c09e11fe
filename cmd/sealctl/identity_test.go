package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
)

// TestInspectSaysWhatIsWrongWithTheSender: Alice's intact PGP/MIME
// signature under a From whose display name shows another address is not
// a valid seal; inspect --json carries the reason code (added field) and
// the Reply-To that points elsewhere, and the text output names both.
func TestInspectSaysWhatIsWrongWithTheSender(t *testing.T) {
	c, g, _ := pgpCtl(t)
	c.run(exitOK, "pgp", "import", c.file("alice.asc", g.AlicePublic))
	raw := g.Signed(t, "spoof")
	raw = bytes.Replace(raw, []byte("From: Alice <"+gpgtest.AliceAddr+">\r\n"),
		[]byte("From: \"ceo@bank.example\" <"+gpgtest.AliceAddr+">\r\nReply-To: pay@evil.example\r\n"), 1)
	file := c.file("spoof.eml", raw)
	r := inspectJSONOf(t, c, file).Security
	if !r.Signed || r.Sign.Success || r.Sign.Reason != verdict.ReasonFromName || len(r.Sign.Signers) != 1 || r.Sign.Signers[0].Emails[0] != gpgtest.AliceAddr {
		t.Fatalf("sign = %+v", r.Sign)
	}
	if r.Sender == nil || r.Sender.From != gpgtest.AliceAddr || len(r.Sender.ReplyTo) != 1 || r.Sender.ReplyTo[0] != "pay@evil.example" {
		t.Fatalf("sender = %+v", r.Sender)
	}
	out := c.run(exitOK, "inspect", file)
	for _, want := range []string{"NOT VALID", "Reason:    from_name_address", "Reply-To:  pay@evil.example", `From:      "ceo@bank.example" <` + gpgtest.AliceAddr + ">"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
}
