package security

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/internal/sealtest"
	"github.com/sealdesk/sealdesk/store"
)

func bccMessage(from, to, bcc, body string) []byte {
	return append([]byte("Bcc: "+bcc+"\r\n"), message(from, to, "bcc", body)...)
}

// TestSealCopiesSMIME: the main copy names To and us, the Bcc copy its
// recipient and us (issue 11, item 8); one message for everyone is
// refused.
func TestSealCopiesSMIME(t *testing.T) {
	f := aliceWithBob(t)
	p := getPKI(t)
	mustImport(t, f, p.carol.certPEM())
	raw := bccMessage("alice@example.test", "Bob <bob@example.test>", "Carol <carol@example.test>, bob@example.test", "the plan")
	if _, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: raw, Sign: true, Encrypt: true, Technology: verdict.TechSMIME}); !errors.Is(err, verdict.ErrBccNeedsCopies) {
		t.Fatalf("one message with Bcc: %v", err)
	}
	sealed, err := f.svc.Sealing.Copies(f.ctx, SealRequest{Raw: raw, Sign: true, Encrypt: true, Technology: verdict.TechSMIME})
	if err != nil {
		t.Fatal(err)
	}
	// bob@ is in To and in Bcc: To wins, he gets the main copy only.
	if len(sealed.Bcc) != 1 || !slices.Equal(sealed.Bcc[0].Recipients, []string{"carol@example.test"}) {
		t.Fatalf("Bcc copies: %+v", sealed.Bcc)
	}
	names := func(raw []byte) []string {
		var out []string
		for _, r := range sealtest.SMIMERecipients(t, raw) {
			for name, id := range map[string]ident{"alice": p.alice, "bob": p.bob, "carol": p.carol} {
				if r.Is(id.cert) {
					out = append(out, name)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	if got := names(sealed.Main); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("the main copy names %v", got)
	}
	if got := names(sealed.Bcc[0].Raw); !slices.Equal(got, []string{"alice", "carol"}) {
		t.Errorf("Carol's copy names %v", got)
	}
	for _, out := range [][]byte{sealed.Main, sealed.Bcc[0].Raw} {
		if bytes.Contains(out, []byte("Bcc:")) || bytes.Contains(out, []byte("carol@")) {
			t.Errorf("a copy shows the Bcc field:\n%s", out)
		}
	}
	if logs, _ := f.p.Store.Log(f.ctx, store.LogQuery{Operation: "encrypt", Status: "success"}); len(logs) != 2 {
		t.Errorf("%d encrypt log entries, want one per copy", len(logs))
	}
	// Signed only: one message, no copies.
	sealed, err = f.svc.Sealing.Copies(f.ctx, SealRequest{Raw: raw, Sign: true, Technology: verdict.TechSMIME})
	if err != nil || len(sealed.Bcc) != 0 || bytes.Contains(sealed.Main, []byte("carol@")) {
		t.Fatalf("signed only: %+v, %v", sealed.Bcc, err)
	}
}

// TestSealCopiesPGP: the PKESK packets of each copy name only its own
// recipients and us, and GnuPG decrypts the Bcc copy.
func TestSealCopiesPGP(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	importPGP(t, f, gpgtest.DeskPass, g.DeskSecret)
	importPGP(t, f, "", g.AlicePublic)
	bare := g.Must(t, nil, "--armor", "--export", g.Bare)
	importPGP(t, f, "", bare)
	// The PGP fixture signs at the wall clock: date the message then, or
	// the self-check sees a replayed signature (date_mismatch).
	raw := redate(bccMessage(gpgtest.DeskAddr, "Alice <"+gpgtest.AliceAddr+">", gpgtest.BareAddr, "for Alice, and Bare in Bcc"), time.Now())
	sealed, err := f.svc.Sealing.Copies(f.ctx, SealRequest{Raw: raw, Sign: true, Encrypt: true, Technology: verdict.TechPGP})
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed.Bcc) != 1 || !slices.Equal(sealed.Bcc[0].Recipients, []string{gpgtest.BareAddr}) {
		t.Fatalf("Bcc copies: %+v", sealed.Bcc)
	}
	ids := map[string][]uint64{"desk": sealtest.PGPKeyIDsOf(t, g.DeskPublic), "alice": sealtest.PGPKeyIDsOf(t, g.AlicePublic),
		"bare": sealtest.PGPKeyIDsOf(t, bare)}
	names := func(raw []byte) []string {
		var out []string
		for _, id := range sealtest.PGPKeyIDs(t, raw) {
			who := "unknown"
			for name, l := range ids {
				if slices.Contains(l, id) {
					who = name
				}
			}
			out = append(out, who)
		}
		slices.Sort(out)
		return out
	}
	if got := names(sealed.Main); !slices.Equal(got, []string{"alice", "desk"}) {
		t.Errorf("the main copy's PKESKs are for %v", got)
	}
	if got := names(sealed.Bcc[0].Raw); !slices.Equal(got, []string{"bare", "desk"}) {
		t.Errorf("Bare's copy's PKESKs are for %v", got)
	}
	payload, err := sealtest.PGPPayload(sealed.Bcc[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	if plain := g.Must(t, payload, "--decrypt"); !bytes.Contains(plain, []byte("for Alice, and Bare in Bcc")) {
		t.Fatalf("gpg decrypted Bare's copy to:\n%s", plain)
	}
}
