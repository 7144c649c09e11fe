package pgp

import (
	"testing"
	"time"
)

func FuzzParseKeys(f *testing.F) {
	fx := getSam(f)
	pub, _ := ExportPublic(fx.sam)
	bin, _ := fx.sam.PublicBytes()
	f.Add(pub)
	f.Add(bin)
	f.Add(fx.samArmor)
	// GnuPG-made keys (Ed25519/Cv25519, RSA-3072, expired, revoked) are
	// seeds in testdata/fuzz/FuzzParseKeys/gnupg-*: made once with gpg,
	// not per fuzz worker (getSam says why).
	f.Add([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParseKeys(data)
		if err == nil && len(keys) == 0 {
			t.Fatal("no error and no key")
		}
		for _, k := range keys {
			_ = k.Expired(time.Now())
			_, _ = ExportPublic(k)
		}
	})
}

func FuzzProcess(f *testing.F) {
	fx := getSam(f)
	kr := NewMemoryKeyring()
	if err := kr.AddSecret(fx.sam, []byte(samPass)); err != nil {
		f.Fatal(err)
	}
	eng := NewEngine(kr)
	msg := mkMail(samAddr, samAddr, "s", "text/plain; charset=utf-8", "hello\n")
	for _, c := range [][2]bool{{true, false}, {false, true}, {true, true}} {
		out, err := eng.Seal(msg, c[0], c[1], SealOptions{Now: testNow, Autocrypt: true})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(out)
	}
	f.Add(mkMail(samAddr, samAddr, "s", "text/plain", string(clearsignWith(f, mustUnlock(f, fx.sam), "hi\n"))))
	f.Add(msg)
	// The repaired forms (repair.go): Exchange's rewrite, and a
	// cleartext-signed payload in place of ciphertext.
	f.Add(exchangeShape("", exEmpty, exControl, exPayload("encrypted.asc", []byte("-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n"))))
	f.Add(pgpMIMEEncrypted(samAddr, samAddr, "s", clearsignWith(f, mustUnlock(f, fx.sam), "hi\n")))
	// A signature around a whole encryption (issue 12), its signature a stub.
	f.Add(pgpMIMESigned(samAddr, samAddr, "s", "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e--",
		[]byte("-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQ\n-----END PGP SIGNATURE-----\n")))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := eng.Process(raw, ProcessOptions{Now: testNow})
		if err != nil {
			return
		}
		if p.Result.Encrypted && !p.Result.Encryption.Success && len(p.Attachments) > 0 && p.Result.Encryption.Comment == "" {
			t.Fatal("failed decryption without a comment")
		}
		if err := p.Result.CheckCodes(); err != nil {
			t.Fatal(err)
		}
		if p.Inner != nil && (p.Result.Signed || p.Result.OuterSignature == nil || p.Entity != nil) {
			t.Fatal("a signature around an encryption handed on reads as the message's")
		}
	})
}

func mustUnlock(t testing.TB, k *Key) *Key {
	u, err := UnlockKey(k, []byte(samPass))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// FuzzMergeKeys parses a key file and merges every key into each key of
// the same fingerprint (itself included): no panic, no user ID without a
// valid self-certification in any key, and a merge adds only addresses
// one of its inputs proved.
func FuzzMergeKeys(f *testing.F) {
	// A cheap key, not the GnuPG fixture: each fuzz worker builds it.
	k := hiddenKey(f)
	bin, _ := k.PublicBytes()
	f.Add(bin)
	forged := append(append([]byte(nil), bin...), forgedUserIDPackets(f, k)...)
	f.Add(forged)
	f.Add(append(append([]byte(nil), bin...), forged...))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParseKeys(data)
		if err != nil {
			return
		}
		for _, a := range keys {
			assertVerifiedUserIDs(t, a)
			for _, b := range keys {
				if a.Fingerprint != b.Fingerprint {
					continue
				}
				m, _, err := Merge(a, b)
				if err != nil {
					continue
				}
				assertVerifiedUserIDs(t, m)
				for _, e := range m.Emails {
					if !a.HasEmail(e) && !b.HasEmail(e) {
						t.Fatalf("merge added %s, which neither input proves", e)
					}
				}
			}
		}
	})
}

func assertVerifiedUserIDs(t *testing.T, k *Key) {
	for name, id := range k.entity().Identities {
		if _, err := id.LatestValidSelfCertification(time.Time{}, nil); err != nil {
			t.Fatalf("key %s keeps the unverified user ID %q", k.Fingerprint, name)
		}
	}
}
