package security

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

const (
	choiceDesk = "desk@sealdesk.test"
	choiceCust = "cust@example.test"
	choicePass = "desk-secret"
)

// genKey makes an OpenPGP key for addr created at created (relative to the
// fixture's testNow clock), expiring after lifetime (0: never).
func genKey(t *testing.T, name, addr string, created time.Time, lifetime time.Duration) *gcrypto.Key {
	t.Helper()
	b := gcrypto.PGP().KeyGeneration().AddUserId(name, addr).GenerationTime(created.Unix())
	if lifetime > 0 {
		b = b.Lifetime(int32(lifetime / time.Second))
	}
	k, err := b.New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func armoredPublic(t *testing.T, k *gcrypto.Key) []byte {
	t.Helper()
	a, err := k.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return []byte(a)
}

// custKeys is a customer with three keys for one address: one made a year
// ago, an older one still valid, and one that expired a year ago.
type custKeys struct {
	newer, older, expired *gcrypto.Key
}

func fp(k *gcrypto.Key) string { return strings.ToUpper(k.GetFingerprint()) }

// choiceFixture holds our secret key for choiceDesk (passphrase-protected)
// and only the public halves of the customer's keys.
func choiceFixture(t *testing.T) (*fixture, custKeys) {
	t.Helper()
	f := newFixture(t)
	year := 365 * 24 * time.Hour
	desk := genKey(t, "Desk", choiceDesk, testNow.Add(-year), 0)
	locked, err := gcrypto.PGP().LockKey(desk, []byte(choicePass))
	if err != nil {
		t.Fatal(err)
	}
	deskArmor, err := locked.Armor()
	if err != nil {
		t.Fatal(err)
	}
	importPGP(t, f, choicePass, []byte(deskArmor))
	c := custKeys{
		newer:   genKey(t, "Cust New", choiceCust, testNow.Add(-year), 0),
		older:   genKey(t, "Cust Old", choiceCust, testNow.Add(-2*year), 0),
		expired: genKey(t, "Cust Gone", choiceCust, testNow.Add(-3*year), 2*year),
	}
	importPGP(t, f, "", armoredPublic(t, c.newer), armoredPublic(t, c.older), armoredPublic(t, c.expired))
	return f, c
}

// TestPGPReadinessListsAndHonoursThePickedKey: a recipient with several
// keys lists them all, judged; without a pick the newest usable key is
// judged, with one the picked key, usable or not.
func TestPGPReadinessListsAndHonoursThePickedKey(t *testing.T) {
	f, c := choiceFixture(t)
	r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechPGP, From: choiceDesk, Recipients: []string{choiceCust}})
	if err != nil || len(r.Recipients) != 2 || !r.Recipients[1].Own { // the customer, then the sender
		t.Fatalf("readiness: %+v, %v", r, err)
	}
	got := map[string]KeyCandidate{}
	for _, k := range r.Recipients[0].Candidates {
		got[k.Fingerprint] = k
	}
	want := map[string]KeyCandidate{
		fp(c.newer):   {Subject: "Cust New <" + choiceCust + ">", NotAfter: "", OK: true},
		fp(c.older):   {Subject: "Cust Old <" + choiceCust + ">", NotAfter: "", OK: true},
		fp(c.expired): {Subject: "Cust Gone <" + choiceCust + ">", NotAfter: testNow.Add(-365 * 24 * time.Hour).UTC().Format(time.DateOnly), OK: false},
	}
	if len(got) != len(want) {
		t.Fatalf("candidates: %+v, want the 3 keys for %s", r.Recipients[0].Candidates, choiceCust)
	}
	for key, w := range want {
		g := got[key]
		if g.Subject != w.Subject || g.NotAfter != w.NotAfter || g.OK != w.OK || g.Issuer == "" || g.Comment == "" {
			t.Errorf("candidate %s: %+v, want %+v with the algorithm as issuer and a comment", key, g, w)
		}
	}
	if !strings.Contains(got[fp(c.expired)].Comment, "expired") {
		t.Errorf("the expired key's comment: %q", got[fp(c.expired)].Comment)
	}

	for _, tc := range []struct {
		name    string
		pick    string
		wantKey string
		reason  string // "" when OK
	}{
		{"no pick: the newest usable key", "", fp(c.newer), ""},
		{"a picked older key", fp(c.older), fp(c.older), ""},
		{"a pick in lower case", strings.ToLower(fp(c.older)), fp(c.older), ""},
		{"a picked expired key", fp(c.expired), fp(c.expired), "expired"},
		{"a pick no longer held", strings.Repeat("AB", 20), "", "no_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pick KeyChoice
			if tc.pick != "" {
				pick = KeyChoice{strings.ToUpper(choiceCust): tc.pick}
			}
			r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechPGP, From: choiceDesk, Recipients: []string{choiceCust}, Choices: pick})
			if err != nil {
				t.Fatal(err)
			}
			a := r.Recipients[0]
			if a.Key != tc.wantKey || a.Reason != tc.reason || a.OK != (tc.reason == "") || r.CanEncrypt != a.OK {
				t.Fatalf("%+v (can encrypt %v), want key %s, reason %q", a, r.CanEncrypt, tc.wantKey, tc.reason)
			}
			if len(a.Candidates) != 3 {
				t.Errorf("a pick hid candidates: %d listed", len(a.Candidates))
			}
			if !r.CanSign {
				t.Errorf("a pick for a recipient changed signing: %+v", r.Sign)
			}
		})
	}
}

// TestPGPSealEncryptsToThePickedKey: the sealed message opens with the
// secret key of the picked key only (and ours); a picked expired key
// refuses to seal, saying why.
func TestPGPSealEncryptsToThePickedKey(t *testing.T) {
	f, c := choiceFixture(t)
	seal := func(pick KeyChoice) ([]byte, error) {
		raw := message(choiceDesk, "Cust <"+choiceCust+">", "choice", "Your ticket is solved.")
		return f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: raw, Sign: true, Encrypt: true, Technology: verdict.TechPGP, Choices: pick})
	}
	for _, tc := range []struct {
		name string
		pick KeyChoice
		want *gcrypto.Key
	}{
		{"no pick: the newest usable key", nil, c.newer},
		{"a picked older key", KeyChoice{choiceCust: fp(c.older)}, c.older},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := seal(tc.pick)
			if err != nil {
				t.Fatal(err)
			}
			for name, k := range map[string]*gcrypto.Key{"newer": c.newer, "older": c.older, "expired": c.expired} {
				opens := opensWith(t, out, k)
				if opens != (k == tc.want) {
					t.Errorf("the %s key opens the message: %v, want %v", name, opens, k == tc.want)
				}
			}
		})
	}

	_, err := seal(KeyChoice{choiceCust: fp(c.expired)})
	var nr *NotReadyError
	if !errors.As(err, &nr) || len(nr.Recipients) != 1 || nr.Recipients[0].Reason != "expired" {
		t.Fatalf("seal to a picked expired key: %v", err)
	}
}

// opensWith says whether the PGP/MIME encrypted message decrypts with k.
func opensWith(t *testing.T, sealed []byte, k *gcrypto.Key) bool {
	t.Helper()
	const begin, end = "-----BEGIN PGP MESSAGE-----", "-----END PGP MESSAGE-----"
	i, j := bytes.Index(sealed, []byte(begin)), bytes.Index(sealed, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("no PGP message in the sealed mail:\n%.600s", sealed)
	}
	h, err := gcrypto.PGP().Decryption().DecryptionKey(k).New()
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Decrypt(sealed[i:j+len(end)], gcrypto.Armor)
	return err == nil && bytes.Contains(res.Bytes(), []byte("solved"))
}

// TestPGPChoiceIsForRecipientsOnly: a pick narrows the keys of its
// address only, whatever the case of address and fingerprint, and a pick
// for the sender's own address is ignored.
func TestPGPChoiceIsForRecipientsOnly(t *testing.T) {
	kr := pgp.NewMemoryKeyring()
	var fps []string
	for i, addr := range []string{choiceCust, choiceCust, choiceDesk, choiceDesk} {
		k, err := pgp.ParseKey(armoredPublic(t, genKey(t, "K", addr, testNow.Add(-time.Duration(i+1)*time.Hour), 0)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kr.Add(k); err != nil {
			t.Fatal(err)
		}
		fps = append(fps, k.Fingerprint)
	}
	pick := KeyChoice{" Cust@Example.test": strings.ToLower(fps[1]), choiceDesk: fps[2]}
	ring := pick.pgpKeyring(kr, "Desk@sealdesk.test")
	if got := ring.KeysByAddress(choiceCust); len(got) != 1 || got[0].Fingerprint != fps[1] {
		t.Errorf("the picked recipient's keys: %v, want only %s", got, fps[1])
	}
	if got := ring.KeysByAddress(choiceDesk); len(got) != 2 {
		t.Errorf("the sender's keys: %v, want both (a pick for the sender is ignored)", got)
	}
	if KeyChoice(nil).pgpKeyring(kr, choiceDesk) != pgp.Keyring(kr) {
		t.Error("no pick wraps the keyring")
	}
}
