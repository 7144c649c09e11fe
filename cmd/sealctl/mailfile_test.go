package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/internal/gpgtest"
)

// TestInspectSavedMailFiles: a mail saved by Thunderbird (an mbox "From "
// line in front, LF line ends) or by any tool with or without a final
// line end reads as the message it holds: the same valid signature and
// text as the CRLF original, never "not an e-mail message" (issue 12).
func TestInspectSavedMailFiles(t *testing.T) {
	c, g, _ := pgpCtl(t)
	c.run(exitOK, "pgp", "import", c.file("alice.asc", g.AlicePublic))
	orig := g.Signed(t, "saved mail")
	lf := bytes.ReplaceAll(orig, []byte("\r\n"), []byte("\n"))
	mbox := []byte("From - Sun Mar  1 10:00:00 2026\n")
	for _, tc := range []struct {
		name string
		raw  []byte
	}{
		{"CRLF", orig},
		{"LF", lf},
		{"CRLF without final line end", bytes.TrimSuffix(orig, []byte("\r\n"))},
		{"mbox From line, LF (Thunderbird)", append(append([]byte{}, mbox...), lf...)},
		{"mbox From line, CRLF, no final line end", append([]byte("From alice@example.org Sun Mar  1 10:00:00 2026\r\n"), bytes.TrimSuffix(orig, []byte("\r\n"))...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := inspectJSONOf(t, c, c.file("saved.eml", tc.raw))
			if r := got.Security; !r.Signed || !r.Sign.Success || got.From != "Alice <"+gpgtest.AliceAddr+">" || !strings.Contains(got.Text, "printer is on fire") {
				t.Errorf("from %q text %q: %+v", got.From, got.Text, r)
			}
		})
	}
	if out := c.run(exitIO, "inspect", c.file("empty.eml", mbox)); !strings.Contains(out, "not an e-mail message") {
		t.Errorf("an mbox line alone: %s", out)
	}
}

// TestInspectSaysRepaired: an Exchange-mangled PGP/MIME mail saved to a
// file is inspected as the encrypted message it was, and says so.
func TestInspectSaysRepaired(t *testing.T) {
	c, g, _ := pgpCtl(t)
	c.run(exitOK, "pgp", "import", c.file("desk.asc", g.DeskSecret), "--passphrase-file", c.file("p", []byte(gpgtest.DeskPass)))
	raw := g.Encrypted(t, "exchange", false)
	raw = bytes.Replace(raw, []byte(`multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"`), []byte(`multipart/mixed; boundary="enc"`), 1)
	raw = bytes.Replace(raw, []byte("\r\n\r\n--enc\r\n"), []byte("\r\n\r\n--enc\r\nContent-Type: text/plain\r\n\r\n\r\n--enc\r\n"), 1)
	out := c.run(exitOK, "inspect", c.file("exchange.eml", raw))
	for _, want := range []string{"Encrypted: yes, decrypted", "Repaired:  exchange_pgpmime", "printer is on fire"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
}
