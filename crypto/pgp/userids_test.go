package pgp

import (
	"bytes"
	"crypto"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

const forgedAddr = "ceo@bank.example"

// withPackets is k's transferable public key with more packets appended,
// as anyone who holds the public key can do.
func withPackets(t *testing.T, k *Key, pkts ...packet.Packet) []byte {
	t.Helper()
	bin, err := k.PublicBytes()
	if err != nil {
		t.Fatal(err)
	}
	buf := bytes.NewBuffer(bin)
	for _, p := range pkts {
		var err error
		switch p := p.(type) {
		case *packet.UserId:
			err = p.Serialize(buf)
		case *packet.Signature:
			err = p.Serialize(buf)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// forgedUserIDPackets is a user ID for forgedAddr followed by a copy of
// k's own self-certification, serialized.
func forgedUserIDPackets(t testing.TB, k *Key) []byte {
	var buf bytes.Buffer
	if err := packet.NewUserId("Bank CEO", "", forgedAddr).Serialize(&buf); err != nil {
		t.Fatal(err)
	}
	if err := selfSig(k).Serialize(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// selfSig is the first self-certification of k's first user ID.
func selfSig(k *Key) *packet.Signature {
	return k.entity().Identities[k.UserIDs[0]].SelfCertifications[0].Packet
}

// signUserID makes a certification of type typ by k (unlocked) over uid.
func signUserID(t *testing.T, k *Key, uid string, typ packet.SignatureType, at time.Time) *packet.Signature {
	t.Helper()
	e := k.entity()
	sig := &packet.Signature{Version: e.PrimaryKey.Version, SigType: typ, PubKeyAlgo: e.PrimaryKey.PubKeyAlgo,
		Hash: crypto.SHA256, CreationTime: at, IssuerKeyId: &e.PrimaryKey.KeyId}
	if err := sig.SignUserId(uid, e.PrimaryKey, e.PrivateKey, nil); err != nil {
		t.Fatal(err)
	}
	return sig
}

// TestForgedUserIDs appends a user ID for an address the owner never
// claimed to a known key: it must not be listed, must not make a mail
// "From" that address verify, and a merge that would add it is refused.
func TestForgedUserIDs(t *testing.T) {
	fx := getFixture(t)
	sam := fx.sam
	other := hiddenKey(t)
	forged := packet.NewUserId("Bank CEO", "", forgedAddr)
	signed := clearsignWith(t, mustUnlock(t, sam), "Please wire the money.\n")
	for _, tc := range []struct {
		name string
		pkts []packet.Packet
		// seen: go-crypto attaches the user ID to the key, so it must be
		// recognised as unverified (and a merge refused); a user ID with
		// no signature naming the key is dropped by go-crypto itself.
		seen bool
	}{
		{"no signature", []packet.Packet{forged}, false},
		{"self-signature copied from another user ID", []packet.Packet{forged, selfSig(sam)}, true},
		{"self-signature of another key's user ID", []packet.Packet{forged, selfSig(other)}, false},
		{"garbage after a copied self-signature", []packet.Packet{forged, selfSig(sam), selfSig(sam)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey(withPackets(t, sam, tc.pkts...))
			if err != nil {
				t.Fatal(err)
			}
			if k.HasEmail(forgedAddr) || !slices.Equal(k.Emails, []string{samAddr}) || !slices.Equal(k.UserIDs, sam.UserIDs) {
				t.Fatalf("Emails %v, UserIDs %v: the forged user ID is listed", k.Emails, k.UserIDs)
			}
			if got := slices.Contains(k.UnverifiedUserIDs, forged.Id); got != tc.seen {
				t.Errorf("UnverifiedUserIDs = %v, want forged listed: %v", k.UnverifiedUserIDs, tc.seen)
			}
			if _, ok := k.entity().Identities[forged.Id]; ok {
				t.Error("the forged user ID stayed in the entity")
			}
			// The stored form (what the store keeps and parses again)
			// carries it no more.
			pub, err := k.PublicBytes()
			if err != nil {
				t.Fatal(err)
			}
			if again, err := ParseKey(pub); err != nil || len(again.UnverifiedUserIDs) != 0 || again.HasEmail(forgedAddr) {
				t.Errorf("re-parsed: %v, %+v", err, again)
			}

			// Mail "From" the forged address, signed by the key.
			kr := NewMemoryKeyring()
			if _, err := kr.Add(k); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				from string
				ok   bool
			}{{forgedAddr, false}, {samAddr, true}} {
				p, err := NewEngine(kr).Process(gpgDated(mkMail(c.from, samAddr, "s", "text/plain", string(signed))), ProcessOptions{Now: testNow})
				if err != nil {
					t.Fatal(err)
				}
				if p.Result.Sign.Success != c.ok || fromCheck(p.Result.Sign.Checks) != c.ok {
					t.Errorf("From %s: success %v, checks %+v; want %v", c.from, p.Result.Sign.Success, p.Result.Sign.Checks, c.ok)
				}
			}

			// Merging the forged copy into the known key.
			merged, rep, err := Merge(sam, k)
			if tc.seen {
				if !errors.Is(err, ErrUnverifiedUserID) || merged != nil {
					t.Fatalf("Merge: %v, report %+v; want ErrUnverifiedUserID", err, rep)
				}
				return
			}
			if err != nil || rep.Changed() || merged.HasEmail(forgedAddr) {
				t.Fatalf("Merge: %v, report %+v, emails %v", err, rep, merged.Emails)
			}
		})
	}
}

func fromCheck(cs []verdict.Check) bool {
	for _, c := range cs {
		if c.Kind == verdict.CheckFrom {
			return c.OK
		}
	}
	return false
}

// TestRevokedUserIDs: a user ID revoked by the key is not listed; a
// revocation copied from another user ID hides nothing.
func TestRevokedUserIDs(t *testing.T) {
	fx := getFixture(t)
	u := mustUnlock(t, fx.sam)
	const work = "Sam Work <sam@work.example>"
	pkts := []packet.Packet{
		packet.NewUserId("Sam Work", "", "sam@work.example"),
		signUserID(t, u, work, packet.SigTypePositiveCert, gpgTime.Add(time.Hour)),
		signUserID(t, u, work, packet.SigTypeCertificationRevocation, gpgTime.Add(2*time.Hour)),
	}
	k, err := ParseKey(withPackets(t, fx.sam, pkts...))
	if err != nil {
		t.Fatal(err)
	}
	if k.HasEmail("sam@work.example") || len(k.UnverifiedUserIDs) != 0 {
		t.Fatalf("revoked user ID listed: %v, unverified %v", k.Emails, k.UnverifiedUserIDs)
	}
	// The revocation of "Sam Work" copied under the first user ID.
	k, err = ParseKey(withPackets(t, fx.sam))
	if err != nil {
		t.Fatal(err)
	}
	id := k.entity().Identities[k.UserIDs[0]]
	id.Revocations = append(id.Revocations, packet.NewVerifiableSig(pkts[2].(*packet.Signature)))
	k, err = ParseKey(withPackets(t, k))
	if err != nil {
		t.Fatal(err)
	}
	if !k.HasEmail(samAddr) {
		t.Fatalf("a copied revocation hid %s: %v", samAddr, k.Emails)
	}
}

// TestParseKeyNoVerifiedUserID: a v4 key whose every user ID fails its
// self-signature is refused, naming why.
func TestParseKeyNoVerifiedUserID(t *testing.T) {
	fx := getFixture(t)
	// The primary key, then a foreign user ID with the real self-signature.
	e := fx.sam.entity()
	var buf bytes.Buffer
	if err := e.PrimaryKey.Serialize(&buf); err != nil {
		t.Fatal(err)
	}
	_ = packet.NewUserId("Bank CEO", "", forgedAddr).Serialize(&buf)
	_ = selfSig(fx.sam).Serialize(&buf)
	_, err := ParseKeys(buf.Bytes())
	var ie *ImportError
	if !errors.As(err, &ie) || ie.Reason != ReasonMalformed || !errors.Is(err, ErrUnverifiedUserID) {
		t.Fatalf("err = %v, want ReasonMalformed with ErrUnverifiedUserID", err)
	}
}
