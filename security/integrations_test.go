package security

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// aliceWithBob is a fixture holding the root, Alice's certificate and key
// (ours) and Bob's certificate.
func aliceWithBob(t *testing.T) *fixture {
	t.Helper()
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, append(p.root.certPEM(), p.bob.certPEM()...))
	mustImport(t, f, p.alice.certPEM())
	if _, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func setting(t *testing.T, f *fixture, key, value string) {
	t.Helper()
	if err := f.p.Store.SetSetting(f.ctx, key, value); err != nil {
		t.Fatal(err)
	}
}

func TestSwitchedOffTechnologyIsNotCheckedButSaysSo(t *testing.T) {
	f := aliceWithBob(t)
	setting(t, f, store.SettingSMIMEEnabled, "false")
	in, err := f.svc.Processing.Inspect(f.ctx, signedByAlice(t, "while off"), InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := in.Security
	if r.Type != verdict.TechSMIME || !r.Signed || r.Sign.Success || r.Sign.Reason != verdict.ReasonSwitchedOff {
		t.Fatalf("with S/MIME off: %+v", r)
	}
	for _, s := range r.Sign.Signers {
		if s.Valid {
			t.Fatalf("a signer reads as valid while S/MIME is off: %+v", s)
		}
	}
	setting(t, f, store.SettingSMIMEEnabled, "true")
	changed, err := f.svc.Processing.RecheckFailed(f.ctx)
	if err != nil || changed != 1 {
		t.Fatalf("re-check after switching on: %d changed, %v", changed, err)
	}
	a, _ := f.p.Store.Article(f.ctx, in.ArticleID)
	if !a.Security.Sign.Success {
		t.Fatalf("after switching on: %+v", a.Security.Sign)
	}
}

func TestSealRefusesASwitchedOffTechnology(t *testing.T) {
	f := aliceWithBob(t)
	for _, tc := range []struct {
		setting string
		seal    func() error
	}{
		{store.SettingSMIMEEnabled, func() error {
			_, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: message("alice@example.test", "bob@example.test", "s", "b"), Sign: true, Encrypt: false, Technology: verdict.TechSMIME})
			return err
		}},
		{store.SettingPGPEnabled, func() error {
			_, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: message("alice@example.test", "bob@example.test", "s", "b"), Sign: true, Encrypt: false, Technology: verdict.TechPGP})
			return err
		}},
	} {
		setting(t, f, tc.setting, "false")
		if err := tc.seal(); !errors.Is(err, ErrSwitchedOff) || !strings.Contains(err.Error(), "Settings") {
			t.Errorf("%s off: %v, want ErrSwitchedOff saying where to switch it on", tc.setting, err)
		}
		setting(t, f, tc.setting, "true")
	}
}

func TestAESGCMSettingSendsAuthEnvelopedData(t *testing.T) {
	f := aliceWithBob(t)
	raw := message("alice@example.test", "bob@example.test", "gcm", "Authenticated encryption, please.")
	for _, tc := range []struct {
		on       string
		smimeTyp string
	}{{"false", "enveloped-data"}, {"true", "authEnveloped-data"}} {
		setting(t, f, store.SettingSMIMEAESGCM, tc.on)
		out, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: raw, Sign: false, Encrypt: true, Technology: verdict.TechSMIME})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte("smime-type="+tc.smimeTyp)) {
			t.Fatalf("AES-GCM %s: output is not %s:\n%.400s", tc.on, tc.smimeTyp, out)
		}
		in, err := f.svc.Processing.Inspect(f.ctx, out, InspectOptions{})
		if err != nil || !in.Security.Encryption.Success || !strings.Contains(in.Text, "Authenticated encryption") {
			t.Fatalf("AES-GCM %s: our own copy does not decrypt: %+v, %v", tc.on, in.Security.Encryption, err)
		}
	}
}

func TestReadinessSaysPerRecipientWhy(t *testing.T) {
	f := aliceWithBob(t)
	r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechSMIME, From: "alice@example.test", Recipients: []string{"bob@example.test", "carol@example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Enabled || !r.CanSign || r.Sign.Key == "" || r.CanEncrypt {
		t.Fatalf("readiness %+v", r)
	}
	want := map[string]string{"bob@example.test": "", "carol@example.test": "no_certificate"}
	for _, a := range r.Recipients {
		if a.Reason != want[a.Address] || a.OK != (want[a.Address] == "") || (!a.OK && a.Comment == "") {
			t.Errorf("%s: %+v, want reason %q with a comment", a.Address, a, want[a.Address])
		}
	}
	// Bob holds no key of ours: he cannot sign as himself here.
	r, _ = f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechSMIME, From: "bob@example.test", Recipients: []string{"bob@example.test"}})
	if r.CanSign || r.Sign.Reason != "no_private_key" || !r.CanEncrypt {
		t.Fatalf("as Bob: %+v", r)
	}
	// No OpenPGP keys at all.
	r, err = f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechPGP, From: "alice@example.test", Recipients: []string{"bob@example.test"}})
	if err != nil || r.CanSign || r.Sign.Reason != "no_key" || r.Recipients[0].Reason != "no_key" {
		t.Fatalf("PGP readiness %+v, %v", r, err)
	}
	setting(t, f, store.SettingSMIMEEnabled, "false")
	if r, _ := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechSMIME, From: "alice@example.test", Recipients: nil}); r.Enabled || r.CanSign {
		t.Fatalf("switched off but ready: %+v", r)
	}
}
