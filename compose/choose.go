package compose

import (
	"context"
	"fmt"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// Judge says whether a message can be signed and encrypted with one
// technology: security.Sealing. Readiness lists the recipients and the
// sender, as sealing judges them.
type Judge interface {
	Readiness(ctx context.Context, req security.SealRequest) (security.Readiness, error)
}

var _ Judge = (*security.Sealing)(nil)

// Defaults are a group's: sign, encrypt, with which technology. Without a
// group nothing is signed or encrypted and the technology is S/MIME.
type Defaults struct {
	Sign, Encrypt bool
	Technology    verdict.Technology
}

// GroupDefaults reads a group's defaults; a group without a technology
// (older rows) is S/MIME.
func GroupDefaults(g store.Group) Defaults {
	d := Defaults{Sign: g.DefaultSign, Encrypt: g.DefaultEncrypt, Technology: verdict.Technology(g.Technology)}
	if d.Technology != verdict.TechPGP {
		d.Technology = verdict.TechSMIME
	}
	return d
}

// Chosen says which of the composer's security settings the agent set
// by hand. Those are kept; the others follow the rules of Choose each
// time the recipients change.
type Chosen struct {
	Technology bool `json:"technology"`
	Sign       bool `json:"sign"`
	Encrypt    bool `json:"encrypt"`
}

// Request is what Choose decides over.
type Request struct {
	Defaults Defaults
	// Answered is the technology of the mail answered (TechNone for a new
	// message, a forward, or plain mail).
	Answered   verdict.Technology
	From       string
	Recipients []string
	// Keys are the agent's picks among several certificates or keys; they
	// belong to Technology and are used only when judging it.
	Keys security.KeyChoice
	// Technology, Sign and Encrypt are the composer's values now; those
	// Chosen marks are kept.
	Technology    verdict.Technology
	Sign, Encrypt bool
	Chosen        Chosen
}

// Why says why Choose took a technology.
type Why string

const (
	// WhyChosen: the agent chose it.
	WhyChosen Why = "chosen"
	// WhyAnswered: the mail answered used it, and it can do what is asked
	// for every recipient.
	WhyAnswered Why = "answered"
	// WhyGroup: the group's technology, which can do what is asked (or
	// nothing else can do more).
	WhyGroup Why = "group"
	// WhyCapable: neither the answered mail's nor the group's technology
	// can do what is asked; this one can.
	WhyCapable Why = "capable"
	// WhyBest: no technology can do all that is asked; this one does the
	// most of it.
	WhyBest Why = "best"
)

// Choice is how the composer starts, or goes on after a change.
type Choice struct {
	Technology    verdict.Technology `json:"technology"`
	Sign          bool               `json:"sign"`
	Encrypt       bool               `json:"encrypt"`
	TechnologyWhy Why                `json:"technology_why"`
	// TechnologyNote says TechnologyWhy in words ("" for WhyChosen).
	TechnologyNote string `json:"technology_note"`
	// SignHeld and EncryptHeld: the group's default is on, but cannot be
	// met for these recipients, so the toggle is off; the notes say why.
	SignHeld    bool   `json:"sign_held"`
	EncryptHeld bool   `json:"encrypt_held"`
	SignNote    string `json:"sign_note"`
	EncryptNote string `json:"encrypt_note"`
	// Readiness is the judgement of Technology for these addresses.
	Readiness security.Readiness `json:"readiness"`
}

// Choose decides the technology and the Sign and Encrypt toggles the
// composer shows, by the rules the S/MIME and OpenPGP admin docs give
// ("signed and encrypted by default, assuming the required certificates
// exist"; agents can always change it):
//
//   - Technology: the agent's choice; else the answered mail's technology
//     when it can do what is asked (the Sign and Encrypt wanted) for every
//     recipient; else the group's; else the other one, if it can; else
//     the one that can do the most of it.
//   - Sign and Encrypt: the agent's choice; else the group's default where
//     it can be met, and off with the reason (Held, Note) where not. A
//     default never blocks a send the agent did not choose.
func Choose(ctx context.Context, j Judge, req Request) (Choice, error) {
	want := req.Defaults
	if req.Chosen.Sign {
		want.Sign = req.Sign
	}
	if req.Chosen.Encrypt {
		want.Encrypt = req.Encrypt
	}
	order := candidates(req)
	judged := make([]security.Readiness, 0, len(order))
	pick := -1
	for i, t := range order {
		sr := security.SealRequest{Technology: t, From: req.From, Recipients: req.Recipients}
		if t == req.Technology {
			sr.Choices = req.Keys
		}
		r, err := j.Readiness(ctx, sr)
		if err != nil {
			return Choice{}, err
		}
		judged = append(judged, r)
		if req.Chosen.Technology || fits(r, want) {
			pick = i
			break
		}
	}
	if pick < 0 {
		pick = best(judged, want)
	}
	r := judged[pick]
	c := Choice{Technology: order[pick], Sign: want.Sign, Encrypt: want.Encrypt, Readiness: r}
	c.TechnologyWhy, c.TechnologyNote = why(req, order, judged, pick, want)
	if !req.Chosen.Sign && want.Sign && !r.CanSign {
		c.Sign, c.SignHeld = false, true
		c.SignNote = "The group signs by default, but " + signBlocked(r)
	}
	if !req.Chosen.Encrypt && want.Encrypt && !r.CanEncrypt {
		c.Encrypt, c.EncryptHeld = false, true
		c.EncryptNote = "The group encrypts by default, but " + encryptBlocked(r)
	}
	return c, nil
}

// candidates is the order technologies are tried in: the agent's alone;
// else the answered mail's, the group's, then the other.
func candidates(req Request) []verdict.Technology {
	if req.Chosen.Technology {
		return []verdict.Technology{techOrSMIME(req.Technology)}
	}
	var out []verdict.Technology
	for _, t := range []verdict.Technology{req.Answered, techOrSMIME(req.Defaults.Technology), verdict.TechSMIME, verdict.TechPGP} {
		if (t == verdict.TechSMIME || t == verdict.TechPGP) && !contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func techOrSMIME(t verdict.Technology) verdict.Technology {
	if t == verdict.TechPGP {
		return t
	}
	return verdict.TechSMIME
}

func contains(l []verdict.Technology, t verdict.Technology) bool {
	for _, x := range l {
		if x == t {
			return true
		}
	}
	return false
}

// fits: the technology is on and can do all that is wanted.
func fits(r security.Readiness, want Defaults) bool {
	return r.Enabled && (!want.Sign || r.CanSign) && (!want.Encrypt || r.CanEncrypt)
}

// best is the first of the judged that does the most of what is wanted
// (encrypting counts more than signing: it is what keeps the text from
// others), else the first.
func best(judged []security.Readiness, want Defaults) int {
	score := func(r security.Readiness) int {
		s := 0
		if want.Encrypt && r.CanEncrypt {
			s += 2
		}
		if want.Sign && r.CanSign {
			s++
		}
		return s
	}
	pick := 0
	for i, r := range judged {
		if score(r) > score(judged[pick]) {
			pick = i
		}
	}
	return pick
}

// why names the rule that picked order[pick].
func why(req Request, order []verdict.Technology, judged []security.Readiness, pick int, want Defaults) (Why, string) {
	t := order[pick]
	what := wanted(want)
	group := techOrSMIME(req.Defaults.Technology)
	switch {
	case req.Chosen.Technology:
		return WhyChosen, ""
	case !fits(judged[pick], want):
		return WhyBest, fmt.Sprintf("Neither S/MIME nor PGP can %s for every recipient: %s can do the most of it.", what, t)
	case t == req.Answered:
		return WhyAnswered, fmt.Sprintf("The mail you answer is %s, and %s can %s for every recipient.", t, t, what)
	case t == group && pick > 0:
		return WhyGroup, fmt.Sprintf("The mail you answer is %s, but %s cannot %s for every recipient: %s, the group's technology, can.", order[0], order[0], what, t)
	case t == group:
		return WhyGroup, fmt.Sprintf("%s is the group's technology.", t)
	}
	return WhyCapable, fmt.Sprintf("%s, the group's technology, cannot %s for every recipient: %s can.", group, what, t)
}

// wanted says what is asked in words.
func wanted(want Defaults) string {
	switch {
	case want.Sign && want.Encrypt:
		return "sign and encrypt"
	case want.Sign:
		return "sign"
	case want.Encrypt:
		return "encrypt"
	}
	return "be used"
}

// signBlocked says why r cannot sign.
func signBlocked(r security.Readiness) string {
	if !r.Enabled {
		return fmt.Sprintf("%s is switched off in Settings > Integrations.", r.Technology)
	}
	return r.Sign.Comment
}

// encryptBlocked says why r cannot encrypt, per address (the sender's own
// included: see security.Readiness).
func encryptBlocked(r security.Readiness) string {
	if !r.Enabled {
		return fmt.Sprintf("%s is switched off in Settings > Integrations.", r.Technology)
	}
	var bad []string
	for _, a := range r.Recipients {
		if !a.OK {
			bad = append(bad, a.Address+": "+a.Comment)
		}
	}
	if len(bad) == 0 {
		return "there is no recipient yet."
	}
	return "not to every address: " + strings.Join(bad, "; ")
}
