package pgp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

const innerPart = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello Sam,\r\nthe meeting is at 10.\r\n"

// TestFromGnuPG: every form GnuPG produces, read by us.
func TestFromGnuPG(t *testing.T) {
	f := needGPG(t)
	alice := []string{"--passphrase", alicePass, "-u", aliceAddr}
	gpgOut := func(t *testing.T, stdin []byte, args ...string) []byte {
		t.Helper()
		out, err := f.gpg(stdin, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	type want struct {
		signed, signOK, encrypted, encOK bool
		text                             string                 // expected in Text
		reason                           verdict.Reason         // Sign.Reason
		failure                          verdict.DecryptFailure // Encryption.Failure
	}
	cases := []struct {
		name  string
		build func(t *testing.T) []byte
		want  want
	}{
		{"pgpmime encrypted", func(t *testing.T) []byte {
			return pgpMIMEEncrypted(aliceAddr, samAddr, "s", gpgOut(t, []byte(innerPart), "--armor", "-r", samAddr, "--encrypt"))
		}, want{encrypted: true, encOK: true, text: "meeting is at 10"}},
		{"pgpmime signed+encrypted combined", func(t *testing.T) []byte {
			return pgpMIMEEncrypted(aliceAddr, samAddr, "s", gpgOut(t, []byte(innerPart), append(alice, "--armor", "-r", samAddr, "--sign", "--encrypt")...))
		}, want{signed: true, signOK: true, encrypted: true, encOK: true, text: "meeting is at 10"}},
		{"pgpmime signed+encrypted rsa", func(t *testing.T) []byte {
			return pgpMIMEEncrypted(bobAddr, samAddr, "s", gpgOut(t, []byte(innerPart), "-u", bobAddr, "--armor", "-r", samAddr, "--sign", "--encrypt"))
		}, want{signed: true, signOK: true, encrypted: true, encOK: true, text: "meeting is at 10"}},
		{"pgpmime signed", func(t *testing.T) []byte {
			return pgpMIMESigned(aliceAddr, samAddr, "s", strings.TrimSuffix(innerPart, "\r\n"), gpgOut(t, []byte(strings.TrimSuffix(innerPart, "\r\n")), append(alice, "--armor", "--detach-sign")...))
		}, want{signed: true, signOK: true, text: "meeting is at 10"}},
		{"pgpmime signed rsa textmode", func(t *testing.T) []byte {
			p := strings.TrimSuffix(innerPart, "\r\n")
			return pgpMIMESigned(bobAddr, samAddr, "s", p, gpgOut(t, []byte(p), "-u", bobAddr, "--textmode", "--armor", "--detach-sign"))
		}, want{signed: true, signOK: true, text: "meeting is at 10"}},
		{"pgpmime nested signed inside encrypted", func(t *testing.T) []byte {
			p := strings.TrimSuffix(innerPart, "\r\n")
			sig := gpgOut(t, []byte(p), append(alice, "--armor", "--detach-sign")...)
			signed := "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"in\"\r\n\r\n--in\r\n" + p + "\r\n--in\r\nContent-Type: application/pgp-signature\r\n\r\n" + string(crlf(string(sig))) + "\r\n--in--\r\n"
			return pgpMIMEEncrypted(aliceAddr, samAddr, "s", gpgOut(t, []byte(signed), "--armor", "-r", samAddr, "--encrypt"))
		}, want{signed: true, signOK: true, encrypted: true, encOK: true, text: "meeting is at 10"}},
		{"anonymous recipient", func(t *testing.T) []byte {
			return pgpMIMEEncrypted(aliceAddr, samAddr, "s", gpgOut(t, []byte(innerPart), "--armor", "-R", samAddr, "--encrypt"))
		}, want{encrypted: true, encOK: true, text: "meeting is at 10"}},
		{"inline clearsigned", func(t *testing.T) []byte {
			return mkMail(aliceAddr, samAddr, "s", "text/plain; charset=utf-8", string(gpgOut(t, []byte("Hello Sam,\n- dash line\nbye\n"), append(alice, "--clearsign")...)))
		}, want{signed: true, signOK: true, text: "- dash line"}},
		{"inline clearsigned with unsigned text around", func(t *testing.T) []byte {
			return mkMail(aliceAddr, samAddr, "s", "text/plain; charset=utf-8", "PS: wire money to X\n"+string(gpgOut(t, []byte("Hello Sam\n"), append(alice, "--clearsign")...)))
		}, want{signed: true, signOK: false, text: "wire money", reason: verdict.ReasonPartial}},
		{"inline clearsigned with an unsigned attachment", func(t *testing.T) []byte {
			signed := string(gpgOut(t, []byte("Invoice attached.\n"), append(alice, "--clearsign")...))
			return mkMail(aliceAddr, samAddr, "s", `multipart/mixed; boundary="mx"`,
				"--mx\nContent-Type: text/plain\n\n"+signed+"\n--mx\nContent-Type: application/pdf; name=\"invoice.pdf\"\nContent-Disposition: attachment; filename=\"invoice.pdf\"\n\n%PDF-1.4 anyone could have put this here\n--mx--\n")
		}, want{signed: true, signOK: false, text: "Invoice attached", reason: verdict.ReasonPartial}},
		{"inline armored encrypted with an unencrypted attachment", func(t *testing.T) []byte {
			arm := string(gpgOut(t, []byte("secret text\n"), "--armor", "-r", samAddr, "--encrypt"))
			return mkMail(aliceAddr, samAddr, "s", `multipart/mixed; boundary="mx"`,
				"--mx\nContent-Type: text/plain\n\n"+arm+"\n--mx\nContent-Type: application/pdf; name=\"plain.pdf\"\nContent-Disposition: attachment; filename=\"plain.pdf\"\n\n%PDF-1.4\n--mx--\n")
		}, want{encrypted: true, encOK: false, text: "secret text", failure: verdict.DecryptPartial}},
		{"inline armored encrypted+signed", func(t *testing.T) []byte {
			return mkMail(aliceAddr, samAddr, "s", "text/plain; charset=utf-8", string(gpgOut(t, []byte("secret text\n"), append(alice, "--armor", "-r", samAddr, "--sign", "--encrypt")...)))
		}, want{signed: true, signOK: true, encrypted: true, encOK: true, text: "secret text"}},
		{"inline armored in html", func(t *testing.T) []byte {
			arm := string(gpgOut(t, []byte("html secret\n"), "--armor", "-r", samAddr, "--encrypt"))
			return mkMail(aliceAddr, samAddr, "s", "text/html; charset=utf-8", "<html><body><p>"+strings.ReplaceAll(arm, "\n", "<br>\n")+"</p></body></html>")
		}, want{encrypted: true, encOK: true, text: "html secret"}},
		{"encrypted attachment", func(t *testing.T) []byte {
			bin := gpgOut(t, []byte("%PDF attachment\n"), "-r", samAddr, "--encrypt")
			return mkMail(aliceAddr, samAddr, "s", `multipart/mixed; boundary="mx"`,
				"--mx\nContent-Type: text/plain\n\nSee attached.\n--mx\nContent-Type: application/octet-stream; name=\"doc.pdf.gpg\"\nContent-Disposition: attachment; filename=\"doc.pdf.gpg\"\nContent-Transfer-Encoding: base64\n\n"+b64(bin)+"\n--mx--\n")
		}, want{encrypted: true, encOK: false, text: "See attached", failure: verdict.DecryptPartial}},
		{"signed part wrapped in unsigned multipart", func(t *testing.T) []byte {
			p := strings.TrimSuffix(innerPart, "\r\n")
			sig := gpgOut(t, []byte(p), append(alice, "--armor", "--detach-sign")...)
			signed := "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"in\"\n\n--in\n" + p + "\n--in\nContent-Type: application/pgp-signature\n\n" + string(sig) + "\n--in--\n"
			return mkMail(aliceAddr, samAddr, "s", `multipart/mixed; boundary="mx"`, "--mx\nContent-Type: text/plain\n\nAdded by an attacker.\n--mx\n"+signed+"\n--mx--\n")
		}, want{signed: true, signOK: false, reason: verdict.ReasonPartial}},
		{"signer key missing", func(t *testing.T) []byte {
			return mkMail(eveAddr, samAddr, "s", "text/plain", string(gpgOut(t, []byte("hi\n"), "-u", eveAddr, "--clearsign")))
		}, want{signed: true, signOK: false, reason: verdict.ReasonNoPublicKey}},
		// SHA-1 is refused (RFC 9580 section 9.5): a weak digest, not an
		// altered message, which go-crypto's error alone would suggest.
		{"SHA-1 signature", func(t *testing.T) []byte {
			return mkMail(aliceAddr, samAddr, "s", "text/plain", string(gpgOut(t, []byte("hi\n"), append(alice, "--digest-algo", "SHA1", "--clearsign")...)))
		}, want{signed: true, signOK: false, reason: verdict.ReasonWeakDigest}},
		{"signer is not the sender", func(t *testing.T) []byte {
			return mkMail(bobAddr, samAddr, "s", "text/plain", string(gpgOut(t, []byte("hi\n"), append(alice, "--clearsign")...)))
		}, want{signed: true, signOK: false, reason: verdict.ReasonFromMismatch}},
		{"expired signer key", func(t *testing.T) []byte {
			return mkMail(oldAddr, samAddr, "s", "text/plain", string(gpgOut(t, []byte("hi\n"), "-u", oldAddr, "--clearsign")))
		}, want{signed: true, signOK: false, reason: verdict.ReasonExpired}},
		{"revoked signer key", func(t *testing.T) []byte {
			// gpg refuses to sign with the revoked key now; sign with a copy
			// made before the revocation was imported.
			return mkMail(revAddr, samAddr, "s", "text/plain", string(f.revSigned(t)))
		}, want{signed: true, signOK: false, reason: verdict.ReasonRevoked}},
		{"no MDC (rfc2440)", func(t *testing.T) []byte {
			return pgpMIMEEncrypted(aliceAddr, samAddr, "s", gpgOut(t, []byte(innerPart), "--rfc2440", "--cipher-algo", "AES", "--armor", "-r", samAddr, "--encrypt"))
		}, want{encrypted: true, encOK: false, failure: verdict.DecryptNotProtected}},
		{"tampered ciphertext", func(t *testing.T) []byte {
			bin := gpgOut(t, bytes.Repeat([]byte(innerPart), 20), "--compress-algo", "none", "-r", samAddr, "--encrypt")
			bin[len(bin)-30] ^= 0x01
			arm, _ := armorEncode(armorMessage, bin)
			return pgpMIMEEncrypted(aliceAddr, samAddr, "s", arm)
		}, want{encrypted: true, encOK: false, failure: verdict.DecryptIntegrity}},
		{"not for us", func(t *testing.T) []byte {
			return pgpMIMEEncrypted(aliceAddr, samAddr, "s", gpgOut(t, []byte(innerPart), "--armor", "-r", bobAddr, "--encrypt"))
		}, want{encrypted: true, encOK: false, failure: verdict.DecryptNoKey}},
	}
	kr := samKeyring(t, f, aliceAddr, bobAddr, oldAddr, revAddr)
	eng := NewEngine(kr)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := gpgDated(c.build(t))
			p, err := eng.Process(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := p.Result
			if r.Signed != c.want.signed || r.Sign.Success != c.want.signOK || r.Encrypted != c.want.encrypted || r.Encryption.Success != c.want.encOK {
				t.Fatalf("signed=%v/%v encrypted=%v/%v, want %+v\nsign: %s\nenc: %s\nchecks: %+v", r.Signed, r.Sign.Success, r.Encrypted, r.Encryption.Success, c.want, r.Sign.Comment, r.Encryption.Comment, r.Sign.Checks)
			}
			if r.Type != "PGP" {
				t.Errorf("type %q", r.Type)
			}
			if c.want.text != "" && !strings.Contains(p.Text, c.want.text) {
				t.Errorf("text %q lacks %q", p.Text, c.want.text)
			}
			if r.Sign.Reason != c.want.reason || r.Encryption.Failure != c.want.failure {
				t.Errorf("codes %q / %q, want %q / %q (%s / %s)", r.Sign.Reason, r.Encryption.Failure, c.want.reason, c.want.failure, r.Sign.Comment, r.Encryption.Comment)
			}
			if err := r.CheckCodes(); err != nil {
				t.Error(err)
			}
			if !r.Encryption.Success && r.Encrypted && strings.Contains(p.Text, "meeting is at 10") {
				t.Errorf("plaintext released although decryption failed")
			}
		})
	}
}

// revSigned is a clearsigned text by rev's key, made in a home where the
// key is not yet revoked.
func (f *fixture) revSigned(t *testing.T) []byte {
	t.Helper()
	sec, err := f.gpg(nil, "--armor", "--export-secret-keys", revAddr)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(sec)
	if err != nil {
		t.Fatal(err)
	}
	// Sign as before the revocation: drop it from a private copy.
	k.entity().Revocations = nil
	return clearsignWith(t, k, "hi from rev\n")
}

func b64(b []byte) string {
	var buf bytes.Buffer
	mimepart.WriteBase64Lines(&buf, b)
	return buf.String()
}

// TestToGnuPG: GnuPG (and sq) must verify and decrypt everything we send.
func TestToGnuPG(t *testing.T) {
	f := needGPG(t)
	kr := samKeyring(t, f, aliceAddr, bobAddr)
	eng := NewEngine(kr)
	msg := mkMail("Sam Seal <"+samAddr+">", "Alice <"+aliceAddr+">", "Quarterly numbers ü", "text/plain; charset=utf-8",
		"Grüße,\nFrom here on: trailing space \nbye\n")
	msg = append([]byte("Cc: "+bobAddr+"\r\nBcc: hidden@example.org\r\n"), msg...)
	kr.Add(mustKey(t, f.pub[aliceAddr])...)
	hidden := hiddenKey(t)
	kr.Add(hidden)
	cases := []struct {
		name          string
		sign, encrypt bool
	}{
		{"signed", true, false},
		{"encrypted", false, true},
		{"signed+encrypted", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The main copy: To and Cc (the Bcc copy is TestSealBccCopies).
			out, err := eng.Seal(msg, c.sign, c.encrypt, SealOptions{Now: testNow, Autocrypt: true, Recipients: []string{aliceAddr, bobAddr}})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("Bcc:")) || bytes.Contains(out, []byte("hidden@example.org")) {
				t.Fatal("Bcc leaked into the output")
			}
			top, _ := mimepart.Parse(out)
			parts, _ := mimepart.SplitMultipart(top.Body, top.Params["boundary"])
			if c.encrypt {
				payload, _ := mimepart.Parse(parts[1])
				plain, err := f.gpgAt(testNow, payload.Body, "--passphrase", alicePass, "--decrypt")
				if err != nil {
					t.Fatalf("gpg cannot decrypt: %v", err)
				}
				if !bytes.Contains(plain, []byte("protected-headers")) || !bytes.Contains(plain, []byte("Subject:")) {
					t.Errorf("no protected headers inside: %s", plain)
				}
				if c.sign {
					status, err := f.gpgAt(testNow, payload.Body, "--passphrase", alicePass, "--status-fd", "1", "--decrypt")
					if err != nil || !bytes.Contains(status, []byte("[GNUPG:] GOODSIG")) {
						t.Errorf("gpg: no good signature in the combined message: %v\n%s", err, status)
					}
				}
				sqDecrypt(t, f, payload.Body)
			} else {
				dir := t.TempDir()
				signedPart := mimepart.CanonicalCRLF(parts[0])
				sigPart, _ := mimepart.Parse(parts[1])
				os.WriteFile(filepath.Join(dir, "part"), signedPart, 0o600)
				os.WriteFile(filepath.Join(dir, "part.asc"), sigPart.Body, 0o600)
				if _, err := f.gpgAt(testNow, nil, "--verify", filepath.Join(dir, "part.asc"), filepath.Join(dir, "part")); err != nil {
					t.Fatalf("gpg cannot verify: %v", err)
				}
				if !bytes.Contains(top.Raw, []byte("micalg=pgp-sha256")) {
					t.Error("micalg is not pgp-sha256")
				}
				for _, l := range bytes.Split(signedPart, []byte("\r\n")) {
					for _, ch := range l {
						if ch >= 0x80 {
							t.Fatalf("8-bit data in the signed part: %q", l)
						}
					}
				}
			}
			if !bytes.Contains(out, []byte("Autocrypt: addr="+samAddr)) {
				t.Error("no Autocrypt header")
			}
		})
	}
}

// sqDecrypt has Sequoia decrypt our output with Alice's secret key.
func sqDecrypt(t *testing.T, f *fixture, armored []byte) {
	if _, err := exec.LookPath("sq"); err != nil {
		t.Log("sq is not installed: skipping the Sequoia check")
		return
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "bob.key")
	os.WriteFile(key, f.sec[bobAddr], 0o600)
	cmd := exec.Command("sq", "decrypt", "--recipient-key", key)
	cmd.Stdin = bytes.NewReader(armored)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Errorf("sq decrypt: %v: %s", err, errb.String())
		return
	}
	if !bytes.Contains(out.Bytes(), []byte("Content-Type")) {
		t.Errorf("sq output: %s", out.String())
	}
}
