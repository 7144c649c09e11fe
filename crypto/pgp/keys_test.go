package pgp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseKeysErrors(t *testing.T) {
	f := getFixture(t)
	armored, err := ExportPublic(f.sam)
	if err != nil {
		t.Fatal(err)
	}
	// Damage one base64 character inside the body: CRC must catch it.
	lines := strings.Split(string(armored), "\n")
	mid := len(lines) / 2
	b := []byte(lines[mid])
	if b[3] == 'A' {
		b[3] = 'B'
	} else {
		b[3] = 'A'
	}
	lines[mid] = string(b)
	badCRC := strings.Join(lines, "\n")
	truncated := string(armored[:len(armored)/2])
	cases := []struct {
		name string
		in   []byte
		want ImportReason
	}{
		{"empty", nil, ReasonEmpty},
		{"whitespace", []byte(" \n\t\n"), ReasonEmpty},
		{"x509 pem", []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), ReasonIsSMIME},
		{"x509 der", []byte{0x30, 0x82, 0x01, 0x0a, 0x02, 0x82}, ReasonIsSMIME},
		{"pgp message", []byte("-----BEGIN PGP MESSAGE-----\n\nhQEMA0\n=AAAA\n-----END PGP MESSAGE-----\n"), ReasonIsPGPMessage},
		{"pgp signature", []byte("-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n"), ReasonIsPGPSignature},
		{"clearsigned", []byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhi\n-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n"), ReasonIsSignedMessage},
		{"truncated armor", []byte(truncated), ReasonTruncatedArmor},
		{"bad crc", []byte(badCRC), ReasonBadChecksum},
		{"bad base64", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n"), ReasonBadArmor},
		{"plain text", []byte("hello, this is not a key\n"), ReasonText},
		{"ssh key", []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host\n"), ReasonIsSSHKey},
		{"binary garbage", []byte{0x01, 0x02, 0x03, 0xff}, ReasonBinaryGarbage},
		{"binary pgp message", []byte{0x84, 0x5e, 0x03, 0x00}, ReasonIsPGPMessage},
		{"broken key packets", []byte{0x99, 0x00, 0x05, 0x04, 0x00}, ReasonMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseKeys(c.in)
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *ImportError", err)
			}
			if ie.Reason != c.want {
				t.Fatalf("reason = %d (%v), want %d", ie.Reason, err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "pgp: ") {
				t.Errorf("message %q lacks the pgp: prefix", err)
			}
		})
	}
}

func TestParseKeysInventory(t *testing.T) {
	f := needGPG(t)
	all := bytes.Join([][]byte{f.pub[aliceAddr], f.pub[bobAddr], f.pub[oldAddr], f.pub[revAddr]}, nil)
	keys, err := ParseKeys(all)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 4 {
		t.Fatalf("got %d keys, want 4", len(keys))
	}
	by := map[string]*Key{}
	for _, k := range keys {
		by[k.Emails[0]] = k
		if k.Fingerprint != strings.ToUpper(k.Fingerprint) || len(k.Fingerprint) != 40 {
			t.Errorf("fingerprint %q", k.Fingerprint)
		}
	}
	if a := by[aliceAddr]; a.Algorithm != "EdDSA (ed25519)" && !strings.Contains(strings.ToLower(a.Algorithm), "ed25519") {
		t.Errorf("alice algorithm %q", a.Algorithm)
	}
	if b := by[bobAddr]; b.Algorithm != "RSA-3072" {
		t.Errorf("bob algorithm %q", b.Algorithm)
	}
	if a := by[aliceAddr]; len(a.Subkeys) != 1 || !a.Subkeys[0].Encrypt || a.Secret {
		t.Errorf("alice subkeys %+v secret=%v", a.Subkeys, a.Secret)
	}
	if o := by[oldAddr]; !o.Expired(testNow) || o.Expires.IsZero() || len(o.Warnings(testNow)) == 0 {
		t.Errorf("old: expires %v warnings %v", o.Expires, o.Warnings(testNow))
	}
	// Expiry is judged at the caller's clock, not the wall clock.
	if o := by[oldAddr]; strings.Contains(strings.Join(o.Warnings(o.Expires.Add(-time.Hour)), ";"), "expired") ||
		!strings.Contains(strings.Join(o.Warnings(o.Expires.Add(time.Hour)), ";"), "expired on "+o.Expires.Format("2006-01-02")) {
		t.Errorf("old: warnings before/after expiry: %v / %v", o.Warnings(o.Expires.Add(-time.Hour)), o.Warnings(o.Expires.Add(time.Hour)))
	}
	if r := by[revAddr]; !r.Revoked {
		t.Errorf("rev not revoked")
	}
	if !by[aliceAddr].Created.Equal(gpgTime) {
		t.Errorf("created %v", by[aliceAddr].Created)
	}
	// Binary form of the same keys.
	bin, err := f.gpg(nil, "--export", aliceAddr)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := ParseKeys(bin); err != nil || k[0].Fingerprint != by[aliceAddr].Fingerprint {
		t.Fatalf("binary: %v", err)
	}
}

func TestUnlockKey(t *testing.T) {
	f := needGPG(t)
	cases := []struct {
		name        string
		data        []byte
		pass        string
		wantErr     bool
		unprotected bool
	}{
		{"alice right passphrase", f.sec[aliceAddr], alicePass, false, false},
		{"alice wrong passphrase", f.sec[aliceAddr], "nope", true, false},
		{"bob unprotected", f.sec[bobAddr], "", false, true},
		{"sam ours", f.samArmor, samPass, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := ParseKey(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if !k.Secret {
				t.Fatal("not secret")
			}
			if k.Unprotected != c.unprotected {
				t.Errorf("Unprotected = %v", k.Unprotected)
			}
			u, err := UnlockKey(k, []byte(c.pass))
			if c.wantErr {
				if !errors.Is(err, ErrWrongPassphrase) {
					t.Fatalf("err = %v, want ErrWrongPassphrase", err)
				}
				return
			}
			if err != nil || u.Locked() {
				t.Fatalf("unlock: %v", err)
			}
		})
	}
}

func TestExportSecretRoundTrip(t *testing.T) {
	f := needGPG(t)
	u, err := UnlockKey(f.sam, []byte(samPass))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ExportSecret(u, nil); !errors.Is(err, ErrPassphraseRequired) {
		t.Fatalf("empty passphrase: %v", err)
	}
	out, err := ExportSecret(u, []byte("export-pass"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(out)
	if err != nil || !k.Locked() || k.Fingerprint != f.sam.Fingerprint {
		t.Fatalf("reparse: %v locked=%v", err, k != nil && k.Locked())
	}
	if _, err := UnlockKey(k, []byte("export-pass")); err != nil {
		t.Fatal(err)
	}
	// GnuPG must read it with that passphrase.
	g := &fixture{home: t.TempDir()}
	if _, err := g.gpgAt(testNow, out, "--passphrase", "export-pass", "--import"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.gpgAt(testNow, []byte("x"), "--passphrase", "export-pass", "-u", samAddr, "--clearsign"); err != nil {
		t.Fatalf("gpg cannot sign with the exported key: %v", err)
	}
	pub, err := ExportPublic(f.sam)
	if err != nil || !bytes.HasPrefix(pub, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
		t.Fatalf("export public: %v", err)
	}
}

func TestMerge(t *testing.T) {
	f := needGPG(t)
	before, err := ParseKey(f.pub[aliceAddr])
	if err != nil {
		t.Fatal(err)
	}
	// A second user ID and a second encryption subkey, added by gpg.
	g := &fixture{home: t.TempDir()}
	if _, err := g.gpg(f.sec[aliceAddr], "--passphrase", alicePass, "--import"); err != nil {
		t.Fatal(err)
	}
	fp := before.Fingerprint
	if _, err := g.gpg(nil, "--passphrase", alicePass, "--quick-add-uid", fp, "Alice Work <alice@work.example>"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.gpg(nil, "--passphrase", alicePass, "--quick-add-key", fp, "cv25519", "encr", "never"); err != nil {
		t.Fatal(err)
	}
	newer, err := g.gpg(nil, "--armor", "--export", fp)
	if err != nil {
		t.Fatal(err)
	}
	kr := NewMemoryKeyring()
	if _, err := kr.Add(before); err != nil {
		t.Fatal(err)
	}
	nk, err := ParseKey(newer)
	if err != nil {
		t.Fatal(err)
	}
	reps, err := kr.Add(nk)
	if err != nil {
		t.Fatal(err)
	}
	rep := reps[0]
	if !rep.Changed() || len(rep.NewUserIDs) != 1 || len(rep.NewSubkeys) != 1 {
		t.Fatalf("report %+v", rep)
	}
	merged, _ := kr.KeyByFingerprint(fp)
	if !merged.HasEmail("alice@work.example") || len(merged.Subkeys) != 2 {
		t.Fatalf("merged %v %d subkeys", merged.Emails, len(merged.Subkeys))
	}
	// Importing the same again changes nothing.
	reps, _ = kr.Add(nk)
	if reps[0].Changed() {
		t.Fatalf("second merge changed: %+v", reps[0])
	}
	if _, _, err := Merge(merged, f.sam); !errors.Is(err, ErrDifferentKeys) {
		t.Fatalf("different keys: %v", err)
	}
}
