package security

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	sdcrypto "github.com/sealdesk/sealdesk/crypto"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/store"
)

// Seal signs and/or encrypts a plain outgoing RFC 5322 message with the
// profile's S/MIME keys (AES-256-CBC, or AES-256-GCM AuthEnvelopedData when
// store.SettingSMIMEAESGCM is on) (From picks our key; To, Cc and Bcc the
// recipients) and logs the sign and encrypt operations. A *smime.SealError
// says what is impossible; when a key could not be read because the
// keychain is unreachable, that error (keystore.ErrUnavailable) is returned
// instead of the engine's "no private key".
func (s *Service) Seal(ctx context.Context, raw []byte, sign, encrypt bool) ([]byte, error) {
	return s.SealChosen(ctx, raw, sign, encrypt, nil)
}

// SealChosen is Seal with the certificates the agent picked for addresses
// that have several (see KeyChoice); nil means the engine's pick.
func (s *Service) SealChosen(ctx context.Context, raw []byte, sign, encrypt bool, chosen KeyChoice) ([]byte, error) {
	if !sign && !encrypt {
		return nil, errNothingToSeal
	}
	if err := s.requireOn(ctx, sdcrypto.TechSMIME); err != nil {
		return nil, err
	}
	gcm, err := s.p.Store.BoolSetting(ctx, store.SettingSMIMEAESGCM)
	if err != nil {
		return nil, err
	}
	kr, err := s.Keyring(ctx)
	if err != nil {
		return nil, err
	}
	defer kr.Release()
	out, err := smime.NewEngine(chosen.keyring(kr)).Seal(raw, sign, encrypt, smime.SealOptions{Now: s.now(),
		Encrypt: smime.EncryptOptions{AuthEnveloped: gcm}})
	if err != nil {
		// Log what failed: the step the engine names, else every step asked.
		var se *smime.SealError
		if errors.As(err, &se) && (se.Sign != nil || se.Recipients != nil) {
			sign, encrypt = se.Sign != nil, se.Recipients != nil
		}
	}
	return out, s.logSeal(ctx, sdcrypto.TechSMIME, raw, sign, encrypt, err, kr.KeychainErr())
}

// PGPSealOptions tunes SealPGP. The zero value signs and/or encrypts only.
type PGPSealOptions struct {
	// Autocrypt adds our public key as an Autocrypt header (a group's
	// setting); PreferEncrypt adds prefer-encrypt=mutual.
	Autocrypt, PreferEncrypt bool
	// HideSubject sends "[...]" as the outer Subject of an encrypted
	// message; the real one travels inside (RFC 9788).
	HideSubject bool
	// Keys are the OpenPGP keys the agent picked for recipients with
	// several (see KeyChoice); nil means the engine's pick. A pick for the
	// From address is ignored: our own key stays the engine's pick.
	Keys KeyChoice
}

// SealPGP is Seal with the profile's OpenPGP keys: PGP/MIME (RFC 3156),
// signed with our key for From, encrypted to To, Cc, Bcc and the sender
// (with the keys picked in opts.Keys). A *pgp.SealError says what is
// impossible.
func (s *Service) SealPGP(ctx context.Context, raw []byte, sign, encrypt bool, opts PGPSealOptions) ([]byte, error) {
	if !sign && !encrypt {
		return nil, errNothingToSeal
	}
	if err := s.requireOn(ctx, sdcrypto.TechPGP); err != nil {
		return nil, err
	}
	kr, err := s.PGPKeyring(ctx)
	if err != nil {
		return nil, err
	}
	defer kr.Release()
	_, from, _ := outgoingHeader(raw)
	out, err := pgp.NewEngine(opts.Keys.pgpKeyring(kr, from)).Seal(raw, sign, encrypt, pgp.SealOptions{Now: s.now(),
		Autocrypt: opts.Autocrypt, PreferEncrypt: opts.PreferEncrypt, HideSubject: opts.HideSubject})
	if err != nil {
		var se *pgp.SealError
		if errors.As(err, &se) && (se.Sign != nil || se.Recipients != nil) {
			sign, encrypt = se.Sign != nil, se.Recipients != nil
		}
	}
	return out, s.logSeal(ctx, sdcrypto.TechPGP, raw, sign, encrypt, err, kr.KeychainErr())
}

var errNothingToSeal = errors.New("security: nothing to do: ask for signing, encryption or both")

// logSeal records the sign and encrypt steps of an outgoing message and
// returns err, made "the keychain is unreachable" when that is why a key
// could not be read. On failure sign and encrypt name the steps that
// failed.
func (s *Service) logSeal(ctx context.Context, tech sdcrypto.Technology, raw []byte, sign, encrypt bool, err, kerr error) error {
	messageID, from, rcpts := outgoingHeader(raw)
	if err != nil {
		if kerr != nil {
			err = fmt.Errorf("security: our private key could not be read: %w", kerr)
		}
		for op, failed := range map[string]bool{"sign": sign, "encrypt": encrypt} {
			if failed {
				s.log(ctx, tech, store.LogEntry{Direction: "out", Operation: op, Status: "failed", MessageID: messageID, Detail: err.Error()})
			}
		}
		return err
	}
	if sign {
		s.log(ctx, tech, store.LogEntry{Direction: "out", Operation: "sign", Status: "success", MessageID: messageID,
			Detail: "Signed as " + from + "."})
	}
	if encrypt {
		s.log(ctx, tech, store.LogEntry{Direction: "out", Operation: "encrypt", Status: "success", MessageID: messageID,
			Detail: "Encrypted to " + strings.Join(rcpts, ", ") + " and the sender."})
	}
	return nil
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
