package pgp

import (
	"encoding/base64"
	"testing"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
)

// TestFoundKeyFindings: a key carried by a mail is the sender's
// (FoundSender, offerable) only with a self-certified user ID equal to
// From and either Autocrypt for From or the mail's signature verifying
// with it; a key for another address, an unproven one and one of
// several keys for From are found but not offerable (issue 12).
func TestFoundKeyFindings(t *testing.T) {
	f := needGPG(t)
	// A second key with Alice's address, as anyone can make.
	gk, err := gcrypto.PGP().KeyGeneration().AddUserId("Alice", aliceAddr).GenerationTime(gpgTime.Unix()).New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	fakeArm, err := gk.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	fake := mustKey(t, []byte(fakeArm))[0]
	alice := mustKey(t, f.pub[aliceAddr])[0]
	bob := mustKey(t, f.pub[bobAddr])[0]
	clear, err := f.gpg([]byte("Here is my key.\n"), "--passphrase", alicePass, "-u", aliceAddr, "--clearsign")
	if err != nil {
		t.Fatal(err)
	}
	attach := func(from, text string, keys ...[]byte) []byte {
		body := "--mx\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n"
		for _, k := range keys {
			body += "--mx\nContent-Type: application/pgp-keys; name=\"key.asc\"\nContent-Disposition: attachment; filename=\"key.asc\"\n\n" + string(k) + "\n"
		}
		return gpgDated(mkMail(from, samAddr, "key", `multipart/mixed; boundary="mx"`, body+"--mx--\n"))
	}
	autocrypt := func(raw []byte, k *Key) []byte {
		bin, err := k.PublicBytes()
		if err != nil {
			t.Fatal(err)
		}
		return append([]byte("Autocrypt: addr="+aliceAddr+"; keydata="+base64.StdEncoding.EncodeToString(bin)+"\r\n"), raw...)
	}
	// We hold no key of Alice's: the signature is checked with the found
	// key only, and the message's own result stays "key missing".
	eng := NewEngine(samKeyring(t, f))
	for _, c := range []struct {
		name string
		raw  []byte
		want map[string]FoundFinding // by fingerprint
	}{
		{"Autocrypt for From", autocrypt(mkMail(aliceAddr, samAddr, "ac", "text/plain", "hi\n"), alice), map[string]FoundFinding{alice.Fingerprint: FoundSender}},
		{"attached to an unsigned mail", attach(aliceAddr, "my key", f.pub[aliceAddr]), map[string]FoundFinding{alice.Fingerprint: FoundUnproven}},
		{"attached to a mail it signed", attach(aliceAddr, string(clear), f.pub[aliceAddr]), map[string]FoundFinding{alice.Fingerprint: FoundSender}},
		{"attached to a mail it signed, From someone else", attach(bobAddr, string(clear), f.pub[aliceAddr]), map[string]FoundFinding{alice.Fingerprint: FoundOtherAddress}},
		{"a colleague's key", attach(aliceAddr, string(clear), f.pub[aliceAddr], f.pub[bobAddr]), map[string]FoundFinding{alice.Fingerprint: FoundSender, bob.Fingerprint: FoundOtherAddress}},
		{"the same key twice is one key", autocrypt(attach(aliceAddr, "my key", f.pub[aliceAddr]), alice), map[string]FoundFinding{alice.Fingerprint: FoundSender}},
		{"two keys for From, unsigned", attach(aliceAddr, "my keys", f.pub[aliceAddr], []byte(fakeArm)), map[string]FoundFinding{alice.Fingerprint: FoundDuplicate, fake.Fingerprint: FoundDuplicate}},
		{"two keys for From, one signed", attach(aliceAddr, string(clear), f.pub[aliceAddr], []byte(fakeArm)), map[string]FoundFinding{alice.Fingerprint: FoundSender, fake.Fingerprint: FoundDuplicate}},
		{"Autocrypt and another attached key for From", autocrypt(attach(aliceAddr, "keys", []byte(fakeArm)), alice), map[string]FoundFinding{alice.Fingerprint: FoundDuplicate, fake.Fingerprint: FoundDuplicate}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := eng.Process(c.raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]FoundFinding{}
			for _, fk := range p.FoundKeys {
				if _, dup := got[fk.Key.Fingerprint]; dup {
					t.Errorf("key %s listed twice", fk.Key.Fingerprint)
				}
				got[fk.Key.Fingerprint] = fk.Finding
			}
			if len(got) != len(c.want) {
				t.Fatalf("found %v, want %v", got, c.want)
			}
			for fp, w := range c.want {
				if got[fp] != w {
					t.Errorf("key %s: %q, want %q", fp, got[fp], w)
				}
			}
			if p.Result.Sign.Success {
				t.Errorf("a key found in the mail made its signature valid: %+v", p.Result.Sign)
			}
		})
	}
}
