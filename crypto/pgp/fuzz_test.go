package pgp

import (
	"testing"
	"time"
)

func FuzzParseKeys(f *testing.F) {
	fx := getFixture(f)
	pub, _ := ExportPublic(fx.sam)
	bin, _ := fx.sam.PublicBytes()
	f.Add(pub)
	f.Add(bin)
	f.Add(fx.samArmor)
	for _, p := range fx.pub {
		f.Add(p)
	}
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
	fx := getFixture(f)
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
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := eng.Process(raw, ProcessOptions{Now: testNow})
		if err != nil {
			return
		}
		if p.Result.Encrypted && !p.Result.Encryption.Success && len(p.Attachments) > 0 && p.Result.Encryption.Comment == "" {
			t.Fatal("failed decryption without a comment")
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
