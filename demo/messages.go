package demo

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
)

// Message-IDs of the seeded mails, for tests and for threading.
const (
	IDSigned          = "demo-printer@customer.test"
	IDSignedEncrypted = "demo-vpn@customer.test"
	IDPGP             = "demo-contract@partner.test"
	IDTampered        = "demo-invoice@customer.test"
	IDUnknownSender   = "demo-reset@elsewhere.test"
	IDKeyWeLack       = "demo-numbers@customer.test"
	IDPlain           = "demo-portal@customer.test"
	IDReply           = "demo-printer-2@customer.test"
	IDSentAnswer      = "demo-portal-answer@demo.sealdesk.test"
)

// seeded is one message and the folder it goes to.
type seeded struct {
	folder string
	date   time.Time
	raw    []byte
}

// plain builds an RFC 5322 message with CRLF line ends.
func plain(from, to, subject, id string, date time.Time, extra, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n", from, to, subject, date.Format(time.RFC1123Z), id)
	b.WriteString(extra)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.TrimSpace(body), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}

// dateOf reads the Date field that plain wrote.
func dateOf(raw []byte) time.Time {
	_, v, _ := strings.Cut(string(raw), "\r\nDate: ")
	v, _, _ = strings.Cut(v, "\r\n")
	t, _ := time.Parse(time.RFC1123Z, v)
	return t
}

// messages signs and encrypts the demo mails with the engines the app
// uses to read them, each over its own keyring so that each mail carries
// exactly the trouble it is meant to show.
func messages(p *pki, now time.Time) ([]seeded, error) {
	day := func(d int, h int) time.Time {
		return now.Add(-time.Duration(d)*24*time.Hour - time.Duration(h)*time.Hour).Truncate(time.Minute)
	}
	help := HelpdeskName + " <" + HelpdeskAddr + ">"
	alice, bob := "Alice Customer <"+aliceAddr+">", "Bob Customer <"+bobAddr+">"

	// The customers' own S/MIME setup, as their mail client has it.
	customers := smime.NewMemoryKeyring()
	customers.AddTrustAnchor(p.ca.cert)
	customers.AddCertificate(p.helpdesk.cert)
	for _, id := range []ident{p.alice, p.bob} {
		if err := customers.AddKey(id.cert, id.key); err != nil {
			return nil, err
		}
	}
	// Bob still has the helpdesk's old certificate, whose key the helpdesk
	// no longer has.
	bobs := smime.NewMemoryKeyring()
	bobs.AddTrustAnchor(p.ca.cert)
	bobs.AddCertificate(p.oldHelpdesk.cert)
	if err := bobs.AddKey(p.bob.cert, p.bob.key); err != nil {
		return nil, err
	}
	mallorys := smime.NewMemoryKeyring()
	mallorys.AddTrustAnchor(p.otherCA.cert)
	if err := mallorys.AddKey(p.mallory.cert, p.mallory.key); err != nil {
		return nil, err
	}
	carols := pgp.NewMemoryKeyring()
	carolSecret, err := pgpKey(p.pgpCarol, true)
	if err != nil {
		return nil, err
	}
	helpPublic, err := pgpKey(p.pgpHelpdesk, false)
	if err != nil {
		return nil, err
	}
	if err := carols.AddSecret(carolSecret, nil); err != nil {
		return nil, err
	}
	if _, err := carols.Add(helpPublic); err != nil {
		return nil, err
	}

	// Each mail is sealed when it says it was written: a signature made
	// more than an hour from the Date field is a date mismatch.
	smimeSeal := func(kr smime.Keyring, sign, encrypt bool, raw []byte) ([]byte, error) {
		return smime.Seal(raw, kr, sign, encrypt, smime.SealOptions{Now: dateOf(raw)})
	}
	var out []seeded
	add := func(folder string, date time.Time, raw []byte, err error) error {
		if err != nil {
			return fmt.Errorf("demo: sealing a demo message: %w", err)
		}
		out = append(out, seeded{folder, date, raw})
		return nil
	}

	d := day(3, 2)
	raw, err := smimeSeal(customers, true, false, plain(alice, help, "Printer on floor 3 prints blank pages", IDSigned, d, "", `
Hello helpdesk,

since this morning the printer on floor 3 (PRN-3-EAST) prints only blank
pages. Toner was replaced last week. Could you have a look?

This mail is signed with S/MIME: its signature checks out once the demo CA
is trusted, which the demo did for you.

Alice`))
	if err := add("INBOX", d, raw, err); err != nil {
		return nil, err
	}

	d = day(3, 0)
	raw, err = smimeSeal(customers, false, false, plain(alice, help, "Re: Printer on floor 3 prints blank pages", IDReply, d,
		"In-Reply-To: <"+IDSigned+">\r\nReferences: <"+IDSigned+">\r\n", `
Update: it also happens on PRN-3-WEST. This reply is threaded into the
same ticket by its In-Reply-To header.

Alice`))
	if err := add("INBOX", d, raw, err); err != nil {
		return nil, err
	}

	d = day(2, 5)
	raw, err = smimeSeal(customers, true, true, plain(alice, help, "VPN access for our new colleague", IDSignedEncrypted, d, "", `
Hello,

please create VPN access for Jordan Miller, who starts on Monday. The
initial one-time code we agreed on is 4711-0815.

Signed and encrypted with S/MIME to the helpdesk's certificate: only this
desk can read it.

Alice`))
	if err := add("INBOX", d, raw, err); err != nil {
		return nil, err
	}

	d = day(2, 1)
	raw, err = pgp.NewEngine(carols).Seal(plain("Carol Partner <"+carolAddr+">", help, "Contract renewal (confidential)", IDPGP, d, "", `
Dear helpdesk,

attached to our call: the renewal of the support contract runs from July
with the same terms. Please confirm the new service hours.

Signed and encrypted with OpenPGP (PGP/MIME).

Carol`), true, true, pgp.SealOptions{Now: d})
	if err := add("INBOX", d, raw, err); err != nil {
		return nil, err
	}

	d = day(1, 6)
	raw, err = smimeSeal(customers, true, false, plain(alice, help, "Invoice 2026-117: our bank details", IDTampered, d, "", `
Hello,

for invoice 2026-117 please use our account
IBAN DE02 1203 0000 0000 2020 51

This mail was signed, then changed on its way: the signature no longer
matches the text.

Alice`))
	if err == nil {
		// The attack: someone on the way swaps the account number.
		tampered := bytes.Replace(raw, []byte("DE02 1203 0000 0000 2020 51"), []byte("DE89 3704 0044 0532 0130 00"), 1)
		if bytes.Equal(tampered, raw) {
			err = errors.New("the signed text no longer holds the account number to swap")
		}
		raw = tampered
	}
	if err := add("INBOX", d, raw, err); err != nil {
		return nil, err
	}

	d = day(1, 2)
	raw, err = smimeSeal(mallorys, true, false, plain("IT Security <"+malloryAddr+">", help, "Urgent: password reset required", IDUnknownSender, d, "", `
Your mailbox password expires today. Reply with your current password to
keep access.

Signed by a certificate from a CA you do not trust: SealDesk cannot vouch
for the sender.`))
	if err := add("INBOX", d, raw, err); err != nil {
		return nil, err
	}

	d = day(0, 8)
	raw, err = smimeSeal(bobs, false, true, plain(bob, help, "Quarterly numbers", IDKeyWeLack, d, "", `
The quarterly numbers, as promised.

Encrypted to the helpdesk's old certificate, whose key is gone: SealDesk
says it cannot decrypt and why.`))
	if err := add("INBOX", d, raw, err); err != nil {
		return nil, err
	}

	d = day(0, 4)
	if err := add("INBOX", d, plain("Dave Customer <"+daveAddr+">", help, "Cannot log in to the customer portal", IDPlain, d, "", `
Hi, I cannot log in to the portal since the update. No signature, no
encryption: a plain mail.

Dave`), nil); err != nil {
		return nil, err
	}

	d = day(0, 3)
	err = add("Sent", d, plain(help, "Dave Customer <"+daveAddr+">", "Re: Cannot log in to the customer portal", IDSentAnswer, d,
		"In-Reply-To: <"+IDPlain+">\r\nReferences: <"+IDPlain+">\r\n", `
Hello Dave,

we reset your portal session; please try again. (Our answer, from the Sent
folder.)

Your helpdesk`), nil)
	if err != nil {
		return nil, err
	}

	// Last in INBOX, so the UIDs of the mails above stay what they were.
	d = day(0, 1)
	err = add("INBOX", d, hostileHTML(d), nil)
	return out, err
}
