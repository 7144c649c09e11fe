package pgp

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestPendingKeysFromAutocrypt(t *testing.T) {
	f := getFixture(t)
	eng := NewEngine(NewMemoryKeyring())
	pub, _ := f.sam.PublicBytes()
	kd := base64.StdEncoding.EncodeToString(pub)
	cases := []struct {
		name   string
		from   string
		header string
		want   int
	}{
		{"valid", samAddr, "addr=" + samAddr + "; prefer-encrypt=mutual; keydata=" + kd, 1},
		{"addr is not From", "other@example.org", "addr=" + samAddr + "; keydata=" + kd, 0},
		{"unknown critical attribute", samAddr, "addr=" + samAddr + "; color=blue; keydata=" + kd, 0},
		{"bad keydata", samAddr, "addr=" + samAddr + "; keydata=AAAA", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := append([]byte("Autocrypt: "+c.header+"\r\n"), mkMail(c.from, "x@example.org", "hi", "text/plain", "hello\n")...)
			p, err := eng.Process(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.FoundKeys) != c.want {
				t.Fatalf("found %d keys, want %d", len(p.FoundKeys), c.want)
			}
			if c.want == 1 && (p.FoundKeys[0].Key.Fingerprint != f.sam.Fingerprint || p.FoundKeys[0].PreferEncrypt != "mutual" || p.FoundKeys[0].Key.Secret) {
				t.Fatalf("found %+v", p.FoundKeys[0])
			}
			if p.Result.Type != "" || p.Result.Signed || p.Result.Encrypted {
				t.Fatalf("plain mail reported as %+v", p.Result)
			}
		})
	}
}

func TestSealRoundTripProtectedHeaders(t *testing.T) {
	f := getFixture(t)
	kr := NewMemoryKeyring()
	if err := kr.AddSecret(f.sam, []byte(samPass)); err != nil {
		t.Fatal(err)
	}
	other := hiddenKey(t) // hidden@example.org
	kr.Add(other)
	eng := NewEngine(kr)
	msg := mkMail(samAddr, "hidden@example.org", "Secret subject", "text/plain; charset=utf-8", "body text\n")
	out, err := eng.Seal(msg, true, true, SealOptions{Now: testNow, HideSubject: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "Secret subject") {
		t.Fatal("subject leaked outside")
	}
	p, err := eng.Process(out, ProcessOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Result.Sign.Success || !p.Result.Encryption.Success || p.ProtectedSubject != "Secret subject" {
		t.Fatalf("result %+v subject %q", p.Result, p.ProtectedSubject)
	}
	if p.Result.Encryption.Key != f.sam.Fingerprint || p.Result.Encryption.Algorithm != "AES-256" || !p.Result.Encryption.IntegrityProtected {
		t.Fatalf("encryption %+v", p.Result.Encryption)
	}
	// The same mail judged by someone who lacks our public key: the
	// signature cannot be valid, but the message decrypts for sam only.
}

func TestCanEncryptCanSign(t *testing.T) {
	f := needGPG(t)
	kr := samKeyring(t, f, aliceAddr, oldAddr, revAddr)
	eng := NewEngine(kr)
	cases := []struct {
		addr string
		want RecipientReason
	}{
		{aliceAddr, RecipientOK},
		{oldAddr, RecipientExpired},
		{revAddr, RecipientRevoked},
		{"nobody@example.org", RecipientNoKey},
		{samAddr, RecipientOK},
	}
	for _, c := range cases {
		t.Run("encrypt "+c.addr, func(t *testing.T) {
			st := eng.CanEncrypt([]string{c.addr}, testNow)[0]
			if st.Reason != c.want || st.OK != (c.want == RecipientOK) || st.Comment == "" {
				t.Fatalf("%+v", st)
			}
		})
	}
	if st := CheckRecipient("x@example.org", mustKey(t, f.pub[aliceAddr])[0], testNow); st.Reason != RecipientAddressMismatch {
		t.Errorf("mismatch: %+v", st)
	}
	if st := eng.CanSign(samAddr, testNow); !st.OK {
		t.Errorf("sign sam: %+v", st)
	}
	if st := eng.CanSign(aliceAddr, testNow); st.Reason != SignNoSecretKey {
		t.Errorf("sign alice: %+v", st)
	}
	if st := eng.CanSign("nobody@example.org", testNow); st.Reason != SignNoKey {
		t.Errorf("sign nobody: %+v", st)
	}
	_, err := eng.Seal(mkMail(samAddr, oldAddr, "s", "text/plain", "x\n"), false, true, SealOptions{Now: testNow})
	var se *SealError
	if !errors.As(err, &se) || len(se.Recipients) == 0 {
		t.Fatalf("seal to expired: %v", err)
	}
}

func TestProcessNotMessage(t *testing.T) {
	eng := NewEngine(NewMemoryKeyring())
	for _, in := range [][]byte{nil, []byte("no header here"), {0xff, 0xfe}} {
		if _, err := eng.Process(in, ProcessOptions{Now: testNow}); !errors.Is(err, ErrNotMessage) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// NoText changes nothing but Text, and that only for PGP/MIME: inline
// OpenPGP still reads (and returns) its text.
func TestProcessNoText(t *testing.T) {
	f := getFixture(t)
	kr := NewMemoryKeyring()
	if err := kr.AddSecret(f.sam, []byte(samPass)); err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(kr)
	msg := mkMail(samAddr, samAddr, "Subject", "text/plain; charset=utf-8", "body text\n")
	cases := map[string][]byte{"plain": msg}
	for _, c := range []struct {
		name          string
		sign, encrypt bool
	}{{"signed", true, false}, {"encrypted", false, true}, {"signed+encrypted", true, true}} {
		out, err := eng.Seal(msg, c.sign, c.encrypt, SealOptions{Now: testNow, HideSubject: c.encrypt})
		if err != nil {
			t.Fatal(c.name, err)
		}
		cases[c.name] = out
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			full, err := eng.Process(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			bare, err := eng.Process(raw, ProcessOptions{Now: testNow, NoText: true})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(full.Text, "body text") {
				t.Fatalf("text %q", full.Text)
			}
			if name != "plain" && bare.Text != "" {
				t.Errorf("NoText: text %q", bare.Text)
			}
			if name == "plain" && bare.Text != full.Text {
				t.Errorf("NoText, inline: text %q, want %q", bare.Text, full.Text)
			}
			bare.Text = full.Text
			if !reflect.DeepEqual(full, bare) {
				t.Errorf("NoText changed more than the text:\n%+v\n%+v", full, bare)
			}
		})
	}
}
