package compose

import (
	"context"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/security"
)

// can is what one technology can do for the test's addresses.
type can struct{ off, sign, encrypt bool }

// fakeJudge answers Readiness from a table per technology and records
// what it was asked.
type fakeJudge struct {
	by    map[verdict.Technology]can
	asked []security.SealRequest
}

func (f *fakeJudge) Readiness(_ context.Context, req security.SealRequest) (security.Readiness, error) {
	f.asked = append(f.asked, req)
	c := f.by[req.Technology]
	r := security.Readiness{Technology: req.Technology, Enabled: !c.off, CanSign: !c.off && c.sign, CanEncrypt: !c.off && c.encrypt,
		Sign: security.AddressStatus{Address: req.From, OK: c.sign, Comment: "no key to sign with"}}
	r.Recipients = append(r.Recipients, security.AddressStatus{Address: "ann@example.org", OK: c.encrypt, Comment: "no key for ann"})
	return r, nil
}

func TestChoose(t *testing.T) {
	both := Defaults{Sign: true, Encrypt: true, Technology: verdict.TechSMIME}
	all := can{sign: true, encrypt: true}
	signOnly := can{sign: true}
	cases := []struct {
		name     string
		req      Request
		judge    map[verdict.Technology]can
		wantTech verdict.Technology
		wantWhy  Why
		// sign, encrypt: the toggles; held: which defaults were held off.
		sign, encrypt         bool
		signHeld, encryptHeld bool
	}{
		{"a reply to PGP/MIME mail stays PGP when PGP can do it all (the group is S/MIME)",
			Request{Defaults: both, Answered: verdict.TechPGP},
			map[verdict.Technology]can{verdict.TechPGP: all, verdict.TechSMIME: all}, verdict.TechPGP, WhyAnswered, true, true, false, false},
		{"a reply to PGP/MIME mail takes the group's S/MIME when PGP cannot encrypt",
			Request{Defaults: both, Answered: verdict.TechPGP},
			map[verdict.Technology]can{verdict.TechPGP: signOnly, verdict.TechSMIME: all}, verdict.TechSMIME, WhyGroup, true, true, false, false},
		{"a reply to S/MIME mail in a PGP group stays S/MIME",
			Request{Defaults: Defaults{Sign: true, Encrypt: true, Technology: verdict.TechPGP}, Answered: verdict.TechSMIME},
			map[verdict.Technology]can{verdict.TechPGP: all, verdict.TechSMIME: all}, verdict.TechSMIME, WhyAnswered, true, true, false, false},
		{"a new message takes the other technology when the group's cannot encrypt",
			Request{Defaults: both, Answered: verdict.TechNone},
			map[verdict.Technology]can{verdict.TechPGP: all, verdict.TechSMIME: signOnly}, verdict.TechPGP, WhyCapable, true, true, false, false},
		{"a switched-off technology is passed over",
			Request{Defaults: both},
			map[verdict.Technology]can{verdict.TechPGP: all, verdict.TechSMIME: {off: true}}, verdict.TechPGP, WhyCapable, true, true, false, false},
		{"neither can encrypt: the one that can sign, Encrypt held off with its reason",
			Request{Defaults: both, Answered: verdict.TechSMIME},
			map[verdict.Technology]can{verdict.TechPGP: signOnly, verdict.TechSMIME: {}}, verdict.TechPGP, WhyBest, true, false, false, true},
		{"nothing possible: the group's technology, both defaults held off",
			Request{Defaults: both},
			map[verdict.Technology]can{}, verdict.TechSMIME, WhyBest, false, false, true, true},
		{"the agent's technology is kept although the other could do it all",
			Request{Defaults: both, Answered: verdict.TechPGP, Technology: verdict.TechSMIME, Chosen: Chosen{Technology: true}},
			map[verdict.Technology]can{verdict.TechPGP: all, verdict.TechSMIME: signOnly}, verdict.TechSMIME, WhyChosen, true, false, false, true},
		{"the agent's Encrypt is kept although impossible: the send is blocked by their choice",
			Request{Defaults: Defaults{Technology: verdict.TechSMIME}, Encrypt: true, Chosen: Chosen{Encrypt: true}},
			map[verdict.Technology]can{verdict.TechSMIME: signOnly}, verdict.TechSMIME, WhyBest, false, true, false, false},
		{"the agent's Sign off is kept although the group signs",
			Request{Defaults: both, Sign: false, Chosen: Chosen{Sign: true}},
			map[verdict.Technology]can{verdict.TechSMIME: all}, verdict.TechSMIME, WhyGroup, false, true, false, false},
		{"no group: nothing on, S/MIME",
			Request{Defaults: Defaults{}},
			map[verdict.Technology]can{verdict.TechSMIME: all, verdict.TechPGP: all}, verdict.TechSMIME, WhyGroup, false, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.From, tc.req.Recipients = "help@desk.test", []string{"ann@example.org"}
			c, err := Choose(context.Background(), &fakeJudge{by: tc.judge}, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if c.Technology != tc.wantTech || c.TechnologyWhy != tc.wantWhy {
				t.Errorf("technology %s (%s), want %s (%s): %s", c.Technology, c.TechnologyWhy, tc.wantTech, tc.wantWhy, c.TechnologyNote)
			}
			if c.Readiness.Technology != c.Technology {
				t.Errorf("readiness of %s for a choice of %s", c.Readiness.Technology, c.Technology)
			}
			if c.Sign != tc.sign || c.Encrypt != tc.encrypt || c.SignHeld != tc.signHeld || c.EncryptHeld != tc.encryptHeld {
				t.Errorf("sign %v encrypt %v held %v/%v, want %v %v held %v/%v", c.Sign, c.Encrypt, c.SignHeld, c.EncryptHeld,
					tc.sign, tc.encrypt, tc.signHeld, tc.encryptHeld)
			}
			if (c.SignHeld && c.SignNote == "") || (c.EncryptHeld && c.EncryptNote == "") {
				t.Errorf("a held default without its reason: %+v", c)
			}
			if (c.TechnologyWhy == WhyChosen) != (c.TechnologyNote == "") {
				t.Errorf("technology note %q for %s", c.TechnologyNote, c.TechnologyWhy)
			}
		})
	}
}

// TestChooseHandsTheKeyPicksOnlyToTheirTechnology: the agent's picks are
// fingerprints of the composer's current technology; judging the other
// one with them would hide every certificate or key of the address.
func TestChooseHandsTheKeyPicksOnlyToTheirTechnology(t *testing.T) {
	j := &fakeJudge{by: map[verdict.Technology]can{verdict.TechPGP: {}, verdict.TechSMIME: {}}}
	_, err := Choose(context.Background(), j, Request{Defaults: Defaults{Encrypt: true, Technology: verdict.TechSMIME}, Answered: verdict.TechPGP,
		Technology: verdict.TechPGP, Keys: security.KeyChoice{"ann@example.org": "AB"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(j.asked) != 2 {
		t.Fatalf("asked %d times, want PGP then S/MIME", len(j.asked))
	}
	for _, a := range j.asked {
		if (a.Technology == verdict.TechPGP) != (len(a.Choices) == 1) {
			t.Errorf("%s judged with picks %v", a.Technology, a.Choices)
		}
	}
}
