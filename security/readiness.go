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
	// Own marks the sender's own address: every encrypted message is
	// encrypted to it too (see encryptTo).
	Own bool `json:"own"`
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
// address the message is encrypted to (the recipients and the sender,
// last, marked Own) whether it can be. Encryption is possible only when
// there is a recipient and every address is OK.
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
// to answer it. req.Raw, Sign and Encrypt are not read. The addresses
// judged are those Seal and Copies encrypt to and judge the same way
// (encryptionStatuses): the recipients and the sender.
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
	j, err := e.Judge(ctx, req)
	if err != nil {
		return r, err
	}
	defer j.release()
	r.Sign = j.sign(req.From)
	r.Recipients = encryptionStatuses(j, req.Technology, req.From, req.Recipients)
	r.CanSign = r.Enabled && r.Sign.OK
	r.CanEncrypt = r.Enabled && hasRecipient(req.Recipients)
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

// hasRecipient: a message needs a recipient to be encrypted for; the
// sender, who is always added (encryptTo), may be one.
func hasRecipient(rcpts []string) bool {
	for _, a := range rcpts {
		if normAddress(a) != "" {
			return true
		}
	}
	return false
}
