package smime

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// TestOutlookAndGatewayForms: what Outlook and mail gateways make of
// S/MIME, built with OpenSSL, reads like the standard form: Outlook's
// opaque signature (application/x-pkcs7-mime; smime-type=signed-data,
// `openssl smime -sign -nodetach`), parts relabelled
// application/octet-stream named smime.p7m or smime.p7s, and the whole
// message wrapped in a message/rfc822 by a gateway of the same From
// (issue 12). A wrapper from another From is not looked through.
func TestOutlookAndGatewayForms(t *testing.T) {
	e := newOSSL(t)
	const hdr = "-from alice@example.org -to bob@example.org -subject interop"
	gen := func(t *testing.T, script string) []byte {
		t.Helper()
		out, err := e.run(script, nil)
		if err != nil {
			t.Fatalf("openssl: %v %s", err, err.(*exec.ExitError).Stderr)
		}
		return bytes.ReplaceAll(bytes.ReplaceAll(out, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	}
	opaque := func(t *testing.T) []byte {
		return gen(t, "openssl smime -sign -nodetach -in entity.txt -signer alice.pem -inkey alice.key -certfile inter.pem "+hdr)
	}
	detached := func(t *testing.T) []byte {
		return gen(t, "openssl smime -sign -in entity.txt -signer alice.pem -inkey alice.key -certfile inter.pem "+hdr)
	}
	encrypted := func(t *testing.T) []byte {
		return gen(t, "openssl smime -encrypt -aes256 -in entity.txt "+hdr+" bob.pem")
	}
	ctype := regexp.MustCompile(`(?m)^Content-Type: application/x-pkcs7-(mime|signature);[^\r]*`)
	asOctet := func(raw []byte, name string) []byte {
		return ctype.ReplaceAll(raw, []byte(`Content-Type: application/octet-stream; name="`+name+`"`))
	}
	wrap := func(from string, raw []byte) []byte {
		return append([]byte("From: "+from+"\r\nTo: bob@example.org\r\nSubject: [gateway] interop\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n"), raw...)
	}
	type want struct {
		signed, enc bool
		repaired    verdict.Repair
	}
	for _, c := range []struct {
		name  string
		build func(t *testing.T) []byte
		want  want
	}{
		{"Outlook opaque signed-data (-nodetach)", opaque, want{signed: true}},
		{"opaque signed-data as octet-stream smime.p7m", func(t *testing.T) []byte { return asOctet(opaque(t), "smime.p7m") }, want{signed: true}},
		{"enveloped-data as octet-stream smime.p7m", func(t *testing.T) []byte { return asOctet(encrypted(t), "smime.p7m") }, want{enc: true}},
		{"detached signature as octet-stream smime.p7s", func(t *testing.T) []byte { return asOctet(detached(t), "smime.p7s") }, want{signed: true}},
		{"detached signature as octet-stream smime.p7s, no protocol", func(t *testing.T) []byte {
			return bytes.Replace(asOctet(detached(t), "smime.p7s"), []byte(`protocol="application/x-pkcs7-signature"; `), nil, 1)
		}, want{signed: true}},
		{"opaque signed, wrapped by a gateway", func(t *testing.T) []byte { return wrap("Alice <alice@example.org>", opaque(t)) }, want{signed: true, repaired: verdict.RepairGatewayRFC822}},
		{"detached signed, wrapped by a gateway", func(t *testing.T) []byte { return wrap("alice@example.org", detached(t)) }, want{signed: true, repaired: verdict.RepairGatewayRFC822}},
		{"encrypted, wrapped by a gateway", func(t *testing.T) []byte { return wrap("alice@example.org", encrypted(t)) }, want{enc: true, repaired: verdict.RepairGatewayRFC822}},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := c.build(t)
			if found, err := Detect(raw); !found || err != nil {
				t.Fatalf("Detect = %v, %v", found, err)
			}
			p, err := e.eng.Process(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := p.Result
			if r.Type != verdict.TechSMIME || r.Signed != c.want.signed || r.Encrypted != c.want.enc || r.Repaired != c.want.repaired {
				t.Fatalf("result %+v, want %+v", r, c.want)
			}
			if (r.Signed && !r.Sign.Success) || (r.Encrypted && !r.Encryption.Success) {
				t.Errorf("sign %s %+v / encryption %+v", r.Sign.Comment, r.Sign.Checks, r.Encryption)
			}
			if !strings.Contains(p.Text, "Hello from OpenSSL.") {
				t.Errorf("text %q", p.Text)
			}
		})
	}
	// Near misses: a wrapper that names another sender, or a wrapped
	// message beside other content, is not the message.
	for name, raw := range map[string][]byte{
		"wrapper from another address": wrap("mallory@example.net", opaque(t)),
		"wrapped message beside text": []byte("From: alice@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nWire 500 EUR.\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" +
			string(opaque(t)) + "\r\n--b--\r\n"),
	} {
		p, err := e.eng.Process(raw, ProcessOptions{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if r := p.Result; r.Sign.Success || r.Repaired != "" || strings.Contains(p.Text, "Hello from OpenSSL.") {
			t.Errorf("%s: looked through: %+v text %q", name, r, p.Text)
		}
	}
}
