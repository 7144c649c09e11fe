package security

import (
	"context"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// AddressStatus says whether one address can be signed as or encrypted to,
// and if not, why, in words the composer shows beside the address.
type AddressStatus struct {
	Address string `json:"address"`
	OK      bool   `json:"ok"`
	// Reason is the engine's reason code (e.g. "no certificate",
	// "expired"); empty when OK.
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
	// Key is the certificate or OpenPGP key fingerprint that would be used.
	Key string `json:"key"`
	// Candidates are the S/MIME certificates or OpenPGP keys held for the
	// address when there are several, to pick from (see KeyChoice); empty
	// otherwise, and always for the sender's own address with OpenPGP
	// (a pick applies to recipients only, see pgpKeyring).
	Candidates []KeyCandidate `json:"candidates"`
	// Note is a typed remark on an OK status that the agent should read
	// before sending; Comment says it in words. Empty when there is none.
	Note ReadinessNote `json:"note,omitempty"`
	// NoteText is what the composer shows for Note (wording.go); empty
	// when there is no Note.
	NoteText string `json:"note_text,omitempty"`
}

// ReadinessNote is a typed remark on an address that can be used.
type ReadinessNote string

// NoteRecipientsNeedOurCA: the message will be signed, but our
// certificate's CA is not imported, so recipients verify the signature
// only if they hold that CA (smime.SignNoteCANotImported).
const NoteRecipientsNeedOurCA ReadinessNote = "recipients_need_our_ca"

// Readiness is what the composer needs before a send with one technology:
// whether it is switched on, whether the sender can sign, and per
// recipient whether the message can be encrypted to them. Encryption is
// possible only when every recipient is OK.
type Readiness struct {
	Technology verdict.Technology `json:"technology"`
	Enabled    bool               `json:"enabled"`
	CanSign    bool               `json:"can_sign"`
	CanEncrypt bool               `json:"can_encrypt"`
	Sign       AddressStatus      `json:"sign"`
	Recipients []AddressStatus    `json:"recipients"`
}

// Readiness judges req.From and req.Recipients for req.Technology at the
// service's clock, with the certificates or OpenPGP keys the agent picked
// (req.Choices, see KeyChoice): a picked one is judged instead of the
// engine's best one, and every recipient with several lists them as
// Candidates. It reads public material only: no private key is unlocked
// to answer it. req.Raw, Sign and Encrypt are not read.
func (s *Sealing) Readiness(ctx context.Context, req SealRequest) (Readiness, error) {
	r := Readiness{Technology: req.Technology, Recipients: []AddressStatus{}}
	on, err := s.Integrations(ctx)
	if err != nil {
		return r, err
	}
	e := s.engine(req.Technology)
	if e == nil {
		return r, fmt.Errorf("security: unknown technology %q: use S/MIME or PGP", req.Technology)
	}
	r.Enabled = e.Enabled(on)
	if err := e.Readiness(ctx, req, &r); err != nil {
		return r, err
	}
	r.CanSign = r.Enabled && r.Sign.OK
	r.CanEncrypt = r.Enabled && len(r.Recipients) > 0
	for _, a := range r.Recipients {
		r.CanEncrypt = r.CanEncrypt && a.OK
	}
	return r, nil
}

func addressStatus(addr string, ok bool, reason fmt.Stringer, comment, key string) AddressStatus {
	a := AddressStatus{Address: addr, OK: ok, Comment: comment, Key: key, Candidates: []KeyCandidate{}}
	if !ok {
		a.Reason = reason.String()
	}
	return a
}
