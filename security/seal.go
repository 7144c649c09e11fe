package security

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/store"
)

// Seal signs and/or encrypts a plain outgoing RFC 5322 message with the
// profile's S/MIME keys (From picks our key; To, Cc and Bcc the
// recipients) and logs the sign and encrypt operations. A *smime.SealError
// says what is impossible; when a key could not be read because the
// keychain is unreachable, that error (keystore.ErrUnavailable) is returned
// instead of the engine's "no private key".
func (s *Service) Seal(ctx context.Context, raw []byte, sign, encrypt bool) ([]byte, error) {
	if !sign && !encrypt {
		return nil, errors.New("security: nothing to do: ask for signing, encryption or both")
	}
	kr, err := s.Keyring(ctx)
	if err != nil {
		return nil, err
	}
	defer kr.Release()
	messageID, from, rcpts := outgoingHeader(raw)
	out, err := smime.NewEngine(kr).Seal(raw, sign, encrypt, smime.SealOptions{Now: s.now()})
	if err != nil {
		if kerr := kr.KeychainErr(); kerr != nil {
			err = fmt.Errorf("security: our private key could not be read: %w", kerr)
		}
		// Log what failed: the step the engine names, else every step asked.
		failSign, failEnc := sign, encrypt
		var se *smime.SealError
		if errors.As(err, &se) && (se.Sign != nil || se.Recipients != nil) {
			failSign, failEnc = se.Sign != nil, se.Recipients != nil
		}
		for op, failed := range map[string]bool{"sign": failSign, "encrypt": failEnc} {
			if failed {
				s.log(ctx, store.LogEntry{Direction: "out", Operation: op, Status: "failed", MessageID: messageID, Detail: err.Error()})
			}
		}
		return nil, err
	}
	if sign {
		s.log(ctx, store.LogEntry{Direction: "out", Operation: "sign", Status: "success", MessageID: messageID,
			Detail: "Signed as " + from + "."})
	}
	if encrypt {
		s.log(ctx, store.LogEntry{Direction: "out", Operation: "encrypt", Status: "success", MessageID: messageID,
			Detail: "Encrypted to " + strings.Join(rcpts, ", ") + " and the sender."})
	}
	return out, nil
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
