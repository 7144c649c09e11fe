package pgp

import (
	"testing"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
)

func benchSetup(b *testing.B) (*Engine, *Key, [][]byte) {
	fx := getFixture(b)
	kr := NewMemoryKeyring()
	if err := kr.AddSecret(fx.sam, []byte(samPass)); err != nil {
		b.Fatal(err)
	}
	eng := NewEngine(kr)
	msg := mkMail(samAddr, samAddr, "s", "text/plain; charset=utf-8", string(make([]byte, 0))+"hello, a benchmark body of some length\n")
	var outs [][]byte
	for _, c := range [][2]bool{{true, false}, {false, true}, {true, true}} {
		out, err := eng.Seal(msg, c[0], c[1], SealOptions{Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		outs = append(outs, out)
	}
	return eng, mustUnlock(b, fx.sam), outs
}

func BenchmarkProcess(b *testing.B) {
	eng, _, outs := benchSetup(b)
	for i, name := range []string{"signed", "encrypted", "signed+encrypted"} {
		raw := outs[i]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				p, err := eng.Process(raw, ProcessOptions{Now: testNow})
				if err != nil || (i != 0 && !p.Result.Encryption.Success) || (i != 1 && !p.Result.Sign.Success) {
					b.Fatalf("%v %+v", err, p.Result)
				}
			}
		})
	}
}

// BenchmarkBareGopenPGP is gopenpgp's decrypt+verify of the same kind of
// message with an already unlocked key, for the pipeline's overhead ratio.
func BenchmarkBareGopenPGP(b *testing.B) {
	_, key, _ := benchSetup(b)
	pgp := gcrypto.PGP()
	kr, _ := gcrypto.NewKeyRing(key.key)
	enc, _ := pgp.Encryption().Recipients(kr).SigningKeys(kr).New()
	msg, err := enc.Encrypt([]byte("Content-Type: text/plain\r\n\r\nhello, a benchmark body of some length\r\n"))
	if err != nil {
		b.Fatal(err)
	}
	dec, _ := pgp.Decryption().DecryptionKeys(kr).VerificationKeys(kr).New()
	data := msg.Bytes()
	for b.Loop() {
		res, err := dec.Decrypt(data, gcrypto.Bytes)
		if err != nil || res.SignatureError() != nil {
			b.Fatal(err, res.SignatureError())
		}
	}
}
