package security

import (
	"errors"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// TestEncryptReadinessJudgesTheSenderAsSealingDoes: sealing encrypts to the
// recipients and the sender; readiness used to judge the recipients only,
// said Encrypt was possible, and the send then failed with advice meant
// for a customer about the helpdesk's own address. Now both judge
// encryptTo's list the same way, and the sender's entry says that the
// helpdesk's own certificate or key is missing.
func TestEncryptReadinessJudgesTheSenderAsSealingDoes(t *testing.T) {
	year := 365 * 24 * time.Hour
	smimeDesk := func(t *testing.T) *fixture { return aliceWithBob(t) }
	pgpCustomerOnly := func(t *testing.T) *fixture {
		f := newFixture(t)
		importPGP(t, f, "", armoredPublic(t, genKey(t, "Cust", choiceCust, testNow.Add(-year), 0)))
		return f
	}
	pgpBoth := func(t *testing.T) *fixture { f, _ := choiceFixture(t); return f }
	cases := []struct {
		name     string
		fixture  func(*testing.T) *fixture
		tech     verdict.Technology
		from, to string
		// ownReason is the sender's reason when it cannot be encrypted
		// to; "" means the message can be encrypted.
		ownReason string
	}{
		{"S/MIME: the helpdesk address has no certificate of its own", smimeDesk, verdict.TechSMIME, "carol@example.test", "bob@example.test", "no_certificate"},
		{"S/MIME: our certificate and the recipient's", smimeDesk, verdict.TechSMIME, "alice@example.test", "bob@example.test", ""},
		{"OpenPGP: the helpdesk address has no key of its own", pgpCustomerOnly, verdict.TechPGP, choiceDesk, choiceCust, "no_key"},
		{"OpenPGP: our key and the recipient's", pgpBoth, verdict.TechPGP, choiceDesk, choiceCust, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.fixture(t)
			r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: tc.tech, From: tc.from, Recipients: []string{tc.to}})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Recipients) != 2 || r.Recipients[0].Address != tc.to || r.Recipients[0].Own || !r.Recipients[0].OK {
				t.Fatalf("recipients %+v: want %s (ok) then the sender", r.Recipients, tc.to)
			}
			own := r.Recipients[1]
			if !own.Own || own.Address != tc.from || own.Reason != tc.ownReason || own.OK != (tc.ownReason == "") {
				t.Fatalf("sender's entry %+v, want own %s with reason %q", own, tc.from, tc.ownReason)
			}
			if r.CanEncrypt != (tc.ownReason == "") {
				t.Fatalf("CanEncrypt %v with the sender %+v", r.CanEncrypt, own)
			}

			raw := message(tc.from, tc.to, "own-"+string(tc.ownReason), "hello")
			_, sealErr := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: raw, Encrypt: true, Technology: tc.tech})
			_, copiesErr := f.svc.Sealing.Copies(f.ctx, SealRequest{Raw: raw, Encrypt: true, Technology: tc.tech})
			for name, err := range map[string]error{"Seal": sealErr, "Copies": copiesErr} {
				var nr *NotReadyError
				switch {
				case tc.ownReason == "" && err != nil:
					t.Fatalf("%s: %v, but readiness said it can encrypt", name, err)
				case tc.ownReason == "":
				case !errors.As(err, &nr):
					t.Fatalf("%s: %v, want a *NotReadyError as readiness said", name, err)
				case len(nr.Recipients) != 1 || nr.Recipients[0].Address != own.Address || !nr.Recipients[0].Own || nr.Recipients[0].Comment != own.Comment:
					t.Fatalf("%s names %+v, want the sender's entry of readiness %+v", name, nr.Recipients, own)
				}
			}
		})
	}
}

// TestEncryptToListsRecipientsThenTheSenderOnce pins the list both paths
// judge.
func TestEncryptToListsRecipientsThenTheSenderOnce(t *testing.T) {
	cases := []struct {
		name  string
		from  string
		rcpts []string
		want  []string
	}{
		{"recipients then the sender", "Help@Desk.test", []string{"a@x.test", "B@x.test"}, []string{"a@x.test", "b@x.test", "help@desk.test"}},
		{"the sender among the recipients is listed once, last", "help@desk.test", []string{"help@desk.test", "a@x.test"}, []string{"a@x.test", "help@desk.test"}},
		{"duplicates and blanks dropped", "help@desk.test", []string{"a@x.test", " A@x.test ", ""}, []string{"a@x.test", "help@desk.test"}},
		{"no recipient: the sender only", "help@desk.test", nil, []string{"help@desk.test"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := encryptTo(tc.from, tc.rcpts)
			if len(got) != len(tc.want) {
				t.Fatalf("%v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("%v, want %v", got, tc.want)
				}
			}
		})
	}
}
