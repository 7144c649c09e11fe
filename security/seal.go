package security

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// Sealing signs and/or encrypts outgoing mail with the profile's keys of
// one technology and says beforehand whether it can (Readiness). Every
// path takes one SealRequest.
type Sealing struct {
	*deps
}

// PGPSealOptions tunes sealing with OpenPGP. The zero value signs and/or
// encrypts only.
type PGPSealOptions struct {
	// Autocrypt adds our public key as an Autocrypt header (a group's
	// setting); PreferEncrypt adds prefer-encrypt=mutual.
	Autocrypt, PreferEncrypt bool
	// HideSubject sends "[...]" as the outer Subject of an encrypted
	// message; the real one travels inside (RFC 9788).
	HideSubject bool
}

// SealRequest is one outgoing message to seal, or, for Readiness, the
// addresses it will have.
type SealRequest struct {
	// Raw is the plain RFC 5322 message, Bcc field included: From picks
	// our key, To and Cc (and Bcc, see Copies) the recipients.
	Raw           []byte
	Sign, Encrypt bool
	// Technology is verdict.TechSMIME or verdict.TechPGP.
	Technology verdict.Technology
	// Choices are the certificates or keys the agent picked for
	// recipients with several (see KeyChoice); nil means the engines'
	// pick. With OpenPGP a pick for the From address is ignored: our own
	// key stays the engine's pick.
	Choices KeyChoice
	// PGP tunes OpenPGP; S/MIME ignores it.
	PGP PGPSealOptions
	// From and Recipients are what Readiness judges: the composer asks
	// before there is a message. Seal and Copies read them from Raw
	// (From from its From field, whatever is set here).
	From       string
	Recipients []string
}

// SealedCopy is a copy of an outgoing message sealed for some of its
// recipients only.
type SealedCopy struct {
	Recipients []string
	Raw        []byte
}

// Sealed is an outgoing message sealed for sending.
type Sealed struct {
	// Main goes to every recipient that no Bcc copy is for, and is the
	// copy kept in Sent: it is readable by us, never names a Bcc
	// recipient, and has no Bcc field.
	Main []byte
	// Bcc holds one copy per Bcc recipient (not also in To or Cc) when
	// the message is encrypted, each encrypted to that recipient and us.
	// A message that is only signed names no recipient: Main goes to
	// everyone and Bcc is empty.
	Bcc []SealedCopy
}

// Seal signs and/or encrypts a plain outgoing message (req.Raw) as one
// message for To and Cc and logs the sign and encrypt operations. With
// S/MIME it encrypts with AES-256-CBC, or AES-256-GCM AuthEnvelopedData
// when store.SettingSMIMEAESGCM is on; with OpenPGP it writes PGP/MIME
// (RFC 3156), encrypted to the sender too. Encrypting a message with Bcc
// recipients fails with verdict.ErrBccNeedsCopies: use Copies. A
// *smime.SealError or *pgp.SealError says what is impossible; when a key
// could not be read because the keychain is unreachable, that error
// (keystore.ErrUnavailable) is returned instead of the engine's "no
// private key".
//
// Before the engine runs, the addresses it would encrypt to (To, Cc and
// the sender) are judged as Readiness judges them: one that cannot be
// encrypted to fails with a *NotReadyError.
func (s *Sealing) Seal(ctx context.Context, req SealRequest) ([]byte, error) {
	to, _, err := splitRecipients(req.Raw)
	if err != nil {
		return nil, err
	}
	req.From = fromOf(req.Raw)
	sl, err := s.openSealer(ctx, req)
	if err != nil {
		return nil, err
	}
	defer sl.release()
	var rcpts []string // nil: the engine refuses a Bcc field (verdict.ErrBccNeedsCopies)
	if req.Encrypt && !hasBcc(req.Raw) {
		if err := encryptable(sl.judge, sl.tech, req.From, to); err != nil {
			return nil, s.logSeal(ctx, sl, req, nil, err)
		}
		rcpts = encryptTo(req.From, to)
	}
	out, err := sl.seal(req.Raw, rcpts)
	return out, s.logSeal(ctx, sl, req, nil, err)
}

// Copies seals a message for sending without revealing its Bcc
// recipients (RFC 5322 section 3.6.3): when encrypting, Main is encrypted
// to To, Cc and the sender, and each Bcc recipient gets a copy of its own
// encrypted to them and the sender (see verdict.ErrBccNeedsCopies for
// why one message for everyone would name them). Every copy is signed
// when asked and checked by the engine before it is returned. The sender
// is in every copy: it names nobody the recipient does not know from the
// From field, and a copy that bounces stays readable. Every address of
// every copy is judged first, as Readiness judges the composer's To, Cc
// and Bcc: one that cannot be encrypted to fails with a *NotReadyError
// before anything is sealed.
func (s *Sealing) Copies(ctx context.Context, req SealRequest) (Sealed, error) {
	var res Sealed
	to, bcc, err := splitRecipients(req.Raw)
	if err != nil {
		return res, err
	}
	req.From = fromOf(req.Raw)
	sl, err := s.openSealer(ctx, req)
	if err != nil {
		return res, err
	}
	defer sl.release()
	if !req.Encrypt {
		res.Main, err = sl.seal(req.Raw, nil)
		return res, s.logSeal(ctx, sl, req, nil, err)
	}
	if err := encryptable(sl.judge, sl.tech, req.From, append(to[:len(to):len(to)], bcc...)); err != nil {
		return res, s.logSeal(ctx, sl, req, nil, err)
	}
	if res.Main, err = sl.seal(req.Raw, encryptTo(req.From, to)); err != nil {
		return res, s.logSeal(ctx, sl, req, to, err)
	}
	if err := s.logSeal(ctx, sl, req, to, nil); err != nil {
		return res, err
	}
	for _, b := range bcc {
		out, err := sl.seal(req.Raw, encryptTo(req.From, []string{b}))
		if err = s.logSeal(ctx, sl, req, []string{b + " (Bcc, a copy of its own)"}, err); err != nil {
			return Sealed{}, err
		}
		res.Bcc = append(res.Bcc, SealedCopy{Recipients: []string{b}, Raw: out})
	}
	return res, nil
}

// sealer is an engine over the profile's keys of one technology.
type sealer struct {
	tech verdict.Technology
	// seal seals raw for rcpts and the sender (nil: To and Cc); Seal and
	// Copies pass encryptTo's list, judged first by judge.
	seal        func(raw []byte, rcpts []string) ([]byte, error)
	judge       *judge
	release     func()
	keychainErr func() error
	// failed says which steps a sealing error names (the engine's
	// *SealError); neither means the error does not say.
	failed func(error) (sign, encrypt bool)
}

func (s *Sealing) openSealer(ctx context.Context, req SealRequest) (*sealer, error) {
	if !req.Sign && !req.Encrypt {
		return nil, errNothingToSeal
	}
	e := s.engine(req.Technology)
	if e == nil {
		return nil, fmt.Errorf("security: cannot seal with technology %q", req.Technology)
	}
	if err := s.requireOn(ctx, e); err != nil {
		return nil, err
	}
	return e.Sealer(ctx, req)
}

var errNothingToSeal = errors.New("security: nothing to do: ask for signing, encryption or both")

// splitRecipients returns the To and Cc addresses (never nil) and the Bcc
// addresses that are not also in To or Cc, lowercased, each once.
func splitRecipients(raw []byte) (to, bcc []string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("security: the message's header does not parse: %w", err)
	}
	seen := map[string]bool{}
	to = []string{}
	for _, k := range []string{"To", "Cc", "Bcc"} {
		if len(msg.Header[k]) == 0 {
			continue
		}
		l, err := msg.Header.AddressList(k)
		if err != nil {
			return nil, nil, fmt.Errorf("security: the %s field does not parse: %w", k, err)
		}
		for _, a := range l {
			x := strings.ToLower(a.Address)
			switch {
			case seen[x]:
			case k == "Bcc":
				bcc = append(bcc, x)
			default:
				to = append(to, x)
			}
			seen[x] = true
		}
	}
	return to, bcc, nil
}

// logSeal records the sign and encrypt steps of one sealed copy and
// returns err, made "the keychain is unreachable" when that is why a key
// could not be read. rcpts names the copy's recipients (nil: those of
// the header). On failure the steps the engine names, else every step
// asked, are logged as failed.
func (s *Sealing) logSeal(ctx context.Context, sl *sealer, req SealRequest, rcpts []string, err error) error {
	messageID, from, all := outgoingHeader(req.Raw)
	if rcpts == nil {
		rcpts = all
	}
	sign, encrypt := req.Sign, req.Encrypt
	var notReady *NotReadyError
	if errors.As(err, &notReady) {
		// The judgement named the addresses before anything was sealed.
		sign, encrypt = false, true
	} else if err != nil {
		if sl.failed != nil {
			if fs, fe := sl.failed(err); fs || fe {
				sign, encrypt = fs, fe
			}
		}
		if kerr := sl.keychainErr(); kerr != nil {
			err = fmt.Errorf("security: our private key could not be read: %w", kerr)
		}
	}
	if err != nil {
		for op, failed := range map[string]bool{"sign": sign, "encrypt": encrypt} {
			if failed {
				s.log(ctx, sl.tech, store.LogEntry{Direction: "out", Operation: op, Status: "failed", MessageID: messageID, Detail: err.Error()})
			}
		}
		return err
	}
	if sign {
		s.log(ctx, sl.tech, store.LogEntry{Direction: "out", Operation: "sign", Status: "success", MessageID: messageID,
			Detail: "Signed as " + from + "."})
	}
	if encrypt {
		detail := "Encrypted to the sender only."
		if len(rcpts) > 0 {
			detail = "Encrypted to " + strings.Join(rcpts, ", ") + " and the sender."
		}
		s.log(ctx, sl.tech, store.LogEntry{Direction: "out", Operation: "encrypt", Status: "success", MessageID: messageID, Detail: detail})
	}
	return nil
}

// fromOf is the address of the message's From field ("" when it does not
// parse: the engine then refuses the message and says why).
func fromOf(raw []byte) string {
	_, from, _ := outgoingHeader(raw)
	return from
}

// hasBcc says whether the message has a Bcc field, however empty.
func hasBcc(raw []byte) bool {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	return err == nil && len(msg.Header["Bcc"]) > 0
}

// outgoingHeader reads what the log names: Message-ID, the From address
// and the recipients' addresses.
func outgoingHeader(raw []byte) (messageID, from string, rcpts []string) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", "", nil
	}
	messageID = strings.Trim(msg.Header.Get("Message-ID"), " <>")
	if a, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		from = a.Address
	}
	for _, k := range []string{"To", "Cc", "Bcc"} {
		if l, err := msg.Header.AddressList(k); err == nil {
			for _, a := range l {
				rcpts = append(rcpts, a.Address)
			}
		}
	}
	return messageID, from, rcpts
}
