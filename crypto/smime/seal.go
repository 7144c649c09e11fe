package smime

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// Seal is Engine.Seal with a one-off engine over kr.
func Seal(raw []byte, kr Keyring, sign, encrypt bool, opts SealOptions) ([]byte, error) {
	return NewEngine(kr).Seal(raw, sign, encrypt, opts)
}

// SealOptions tunes Seal.
type SealOptions struct {
	// Now is the signing time and the time certificates are judged at;
	// zero means time.Now().
	Now time.Time
	// Encrypt tunes the encryption (zero: AES-256-CBC EnvelopedData).
	Encrypt EncryptOptions
	// Recipients, when not nil, are the addresses to encrypt to besides
	// the sender, instead of the header's To and Cc: a Bcc recipient's own
	// copy lists just that recipient. nil means To and Cc; encrypting a
	// message with Bcc recipients then fails with verdict.ErrBccNeedsCopies
	// (see there why one message for everyone is refused).
	Recipients []string
}

// isContentField: Content-* fields move into the signed/encrypted entity;
// the others stay on the outer message (RFC 8551 section 3.1).
func isContentField(k string) bool {
	return strings.HasPrefix(strings.ToLower(k), "content-")
}

// Seal signs and/or encrypts a raw RFC 5322 message (sign-then-encrypt,
// RFC 8551 section 3.7). The signing key is found by the From address;
// the recipients are To and Cc (or opts.Recipients) plus the sender (to
// read sent mail). Bcc is removed from the output header. Seal verifies
// its own output with Process before returning it. A *SealError says what
// is impossible.
func (e *Engine) Seal(raw []byte, sign, encrypt bool, opts SealOptions) ([]byte, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if !sign && !encrypt {
		return raw, nil
	}
	top, err := mimepart.Parse(raw)
	if err != nil || top.Header.Len() == 0 {
		return nil, ErrNotMessage
	}
	id := sender.Parse(&top.Header)
	if !id.OK() {
		return nil, &SealError{Msg: "the message needs exactly one From address to be signed or encrypted: " + id.Detail}
	}
	from := []string{id.Address}
	// Split the header.
	var outer, content bytes.Buffer
	fields := top.Header.Fields()
	hasDate := false
	for fields.Next() {
		k := fields.Key()
		rawField, err := fields.Raw()
		if err != nil {
			return nil, err
		}
		line := append(mimepart.CanonicalCRLF(bytes.TrimRight(rawField, "\r\n")), '\r', '\n')
		switch {
		case strings.EqualFold(k, "Bcc"), strings.EqualFold(k, "MIME-Version"):
		case isContentField(k):
			content.Write(line)
		default:
			if strings.EqualFold(k, "Date") {
				hasDate = true
			}
			outer.Write(line)
		}
	}
	if content.Len() == 0 {
		content.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	}
	content.WriteString("\r\n")
	content.Write(mimepart.CanonicalCRLF(top.Body))
	entity := content.Bytes()
	if !hasDate {
		outer.WriteString("Date: " + now.Format(time.RFC1123Z) + "\r\n")
	}

	var selfTrust *x509.Certificate // our certificate, when its CA is not imported
	if sign {
		st := e.CanSign(from[0], now)
		if !st.OK {
			return nil, &SealError{Msg: "cannot sign: " + st.Comment, Sign: &st}
		}
		if st.Note == SignNoteCANotImported {
			selfTrust = st.Certificate
		}
		key, err := e.keys.PrivateKey(Fingerprint(st.Certificate))
		if err != nil {
			return nil, err
		}
		entity, err = signAt(entity, key, st.Certificate, e.intermediates(st.Certificate, now), now)
		if err != nil {
			return nil, err
		}
	}
	if encrypt {
		addrs := opts.Recipients
		if addrs == nil {
			if mimepart.HasBcc(top.Header) {
				return nil, &SealError{Msg: verdict.ErrBccNeedsCopies.Error(), Err: verdict.ErrBccNeedsCopies}
			}
			for _, f := range []string{"To", "Cc"} {
				list, err := sender.Addresses(top.Header.Values(f))
				if err != nil {
					return nil, &SealError{Msg: "the " + f + " field cannot be read: " + err.Error()}
				}
				addrs = append(addrs, list...)
			}
		}
		addrs = append(addrs[:len(addrs):len(addrs)], from[0])
		statuses := e.CanEncrypt(dedupe(addrs), now)
		var certs []*x509.Certificate
		var bad []RecipientStatus
		for _, s := range statuses {
			if !s.OK {
				bad = append(bad, s)
				continue
			}
			if !containsCert(certs, s.Certificate) {
				certs = append(certs, s.Certificate)
			}
		}
		if len(bad) > 0 {
			var names []string
			for _, b := range bad {
				names = append(names, b.Address+" ("+b.Comment+")")
			}
			return nil, &SealError{Msg: "cannot encrypt to " + strings.Join(names, "; "), Recipients: bad}
		}
		entity, err = Encrypt(entity, certs, opts.Encrypt)
		if err != nil {
			return nil, err
		}
	}
	out := append(outer.Bytes(), []byte("MIME-Version: 1.0\r\n")...)
	out = append(out, entity...)

	// Check our own work before it leaves. Without our CA, our certificate
	// is trusted directly for this check only (selfCheckKeyring).
	check := e
	if selfTrust != nil {
		check = NewEngine(selfCheckKeyring{Keyring: e.keys, own: selfTrust})
	}
	p, err := check.Process(out, ProcessOptions{Now: now})
	if err != nil {
		return nil, fmt.Errorf("smime: self-check of the sealed message failed: %w", err)
	}
	if sign && !p.Result.Sign.Success {
		return nil, errors.New("smime: self-check of the signature failed: " + p.Result.Sign.Comment)
	}
	if encrypt && !p.Result.Encryption.Success {
		return nil, errors.New("smime: self-check of the encryption failed: " + p.Result.Encryption.Comment)
	}
	return out, nil
}

func dedupe(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		s = strings.ToLower(s)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// intermediates returns the CA certificates between cert and its trust
// anchor, to include in a signature.
func (e *Engine) intermediates(cert *x509.Certificate, now time.Time) []*x509.Certificate {
	_, chain, err := buildChain(cert, e.keys.Certificates(), e.trustEnv(now))
	if err != nil || len(chain) < 3 {
		return nil
	}
	return chain[1 : len(chain)-1]
}

// CanEncrypt says, for each address, whether a message can be encrypted to
// it and with which certificate, or why not. The composer calls it as the
// recipients are typed.
func (e *Engine) CanEncrypt(addrs []string, now time.Time) []RecipientStatus {
	certs := e.keys.Certificates()
	direct := e.keys.TrustedDirectly()
	out := make([]RecipientStatus, 0, len(addrs))
	for _, a := range addrs {
		a = strings.ToLower(strings.TrimSpace(a))
		var cands []RecipientStatus
		for _, c := range certs {
			if containsFold(Emails(c), a) && EndEntity(c, direct) {
				cands = append(cands, e.CheckRecipient(a, c, now))
			}
		}
		if len(cands) == 0 {
			out = append(out, RecipientStatus{Address: a, Reason: RecipientNoCertificate,
				Comment: "no certificate for " + a + ": ask them for a signed message, or import their certificate"})
			continue
		}
		// Best first: usable, then the one that expires last.
		sort.SliceStable(cands, func(i, j int) bool {
			if cands[i].OK != cands[j].OK {
				return cands[i].OK
			}
			return cands[i].Certificate.NotAfter.After(cands[j].Certificate.NotAfter)
		})
		out = append(out, cands[0])
	}
	return out
}

// CheckRecipient judges one certificate for encrypting to addr.
func (e *Engine) CheckRecipient(addr string, c *x509.Certificate, now time.Time) RecipientStatus {
	s := RecipientStatus{Address: addr, Certificate: c}
	switch {
	case !containsFold(Emails(c), addr):
		s.Reason, s.Comment = RecipientAddressMismatch, "the certificate is for "+strings.Join(Emails(c), ", ")+", not "+addr
	case !encryptableKey(c):
		s.Reason, s.Comment = RecipientUnsupportedKey, "the certificate's key type cannot be encrypted to"
	case now.After(c.NotAfter):
		s.Reason, s.Comment = RecipientExpired, "the certificate expired on "+c.NotAfter.UTC().Format(time.DateOnly)+": ask them for their new one"
	case now.Before(c.NotBefore):
		s.Reason, s.Comment = RecipientNotYetValid, "the certificate is valid only from "+c.NotBefore.UTC().Format(time.DateOnly)
	case usageProblem(c, false) != "":
		s.Reason, s.Comment = RecipientWrongKeyUsage, "the certificate is not for e-mail encryption: "+usageProblem(c, false)
	default:
		_, chain, err := buildChain(c, e.keys.Certificates(), e.trustEnv(now))
		proven, refused := provenEmails(c, chain)
		switch {
		case err != nil:
			s.Reason, s.Comment = RecipientUntrusted, "the certificate is not issued by a CA you trust: import and trust its CA"
		case !containsFold(proven, addr):
			s.Reason, s.Comment = RecipientUntrusted, "the certificate's CA may not certify "+addr+": "+refused
		default:
			s.OK, s.Reason = true, RecipientOK
		}
	}
	return s
}

func encryptableKey(c *x509.Certificate) bool {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen() >= minRSABits
	case *ecdsa.PublicKey:
		return k.Curve == elliptic.P256() || k.Curve == elliptic.P384() || k.Curve == elliptic.P521()
	}
	return false
}

// CanSign says whether a message from addr can be signed, with which of
// our certificates, or why not.
func (e *Engine) CanSign(addr string, now time.Time) SignStatus {
	addr = strings.ToLower(strings.TrimSpace(addr))
	var best *SignStatus
	sawCert := false
	direct := e.keys.TrustedDirectly()
	for _, c := range e.keys.Certificates() {
		if !containsFold(Emails(c), addr) || !EndEntity(c, direct) {
			continue
		}
		sawCert = true
		if _, err := e.keys.PrivateKey(Fingerprint(c)); err != nil {
			continue
		}
		s := SignStatus{Address: addr, Certificate: c}
		switch {
		case now.After(c.NotAfter) || now.Before(c.NotBefore):
			s.Reason, s.Comment = SignExpired, "your certificate for "+addr+" is not valid now (valid "+c.NotBefore.UTC().Format(time.DateOnly)+" to "+c.NotAfter.UTC().Format(time.DateOnly)+"): get a new one"
		case usageProblem(c, true) != "":
			s.Reason, s.Comment = SignWrongKeyUsage, "your certificate is not for e-mail signatures: "+usageProblem(c, true)
		case keyTypeName(c.PublicKey) == "unsupported":
			s.Reason, s.Comment = SignUnsupportedKey, "your certificate's key type cannot sign"
		case keySizeProblem(c) != "":
			s.Reason, s.Comment = SignUnsupportedKey, "your certificate is too weak to sign with: "+keySizeProblem(c)+"; get a new certificate"
		default:
			_, chain, err := buildChain(c, e.keys.Certificates(), e.trustEnv(now))
			proven, refused := provenEmails(c, chain)
			switch {
			case errors.Is(err, errNoTrustedCA):
				// The seed needs only our certificate and key: sign, and
				// say that recipients need our CA to verify. Nothing is
				// proven by a chain here, so no CA constraint applies.
				s.OK, s.Note = true, SignNoteCANotImported
				s.Comment = "your certificate's CA is not imported: recipients can verify the signature only if they hold that CA (" + c.Issuer.String() + ")"
			case err != nil:
				s.Reason, s.Comment = SignUntrusted, "your certificate's chain is not valid: "+err.Error()
			case !containsFold(proven, addr):
				s.Reason, s.Comment = SignUntrusted, "your certificate's CA may not certify "+addr+": "+refused
			default:
				s.OK = true
			}
		}
		if best == nil || (s.OK && !best.OK) || (s.OK == best.OK && c.NotAfter.After(best.Certificate.NotAfter)) {
			cp := s
			best = &cp
		}
	}
	if best != nil {
		return *best
	}
	if sawCert {
		return SignStatus{Address: addr, Reason: SignNoPrivateKey, Comment: "you have a certificate for " + addr + " but not its private key: import your .p12 file"}
	}
	return SignStatus{Address: addr, Reason: SignNoCertificate, Comment: "you have no certificate for " + addr + ": import your .p12 file"}
}
