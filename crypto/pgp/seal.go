package pgp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// SealOptions tunes Seal.
type SealOptions struct {
	// Now is the signing time and the time keys are judged at; zero means
	// time.Now().
	Now time.Time
	// Autocrypt adds an Autocrypt header with our public key (Autocrypt
	// Level 1, section 2.1); PreferEncrypt adds prefer-encrypt=mutual.
	Autocrypt, PreferEncrypt bool
	// HideSubject replaces the outer Subject of an encrypted message by
	// "[...]" (RFC 9788 section 4.2); the real one travels inside.
	HideSubject bool
	// Recipients, when not nil, are the addresses to encrypt to besides
	// the sender, instead of the header's To and Cc: a Bcc recipient's own
	// copy lists just that recipient. nil means To and Cc; encrypting a
	// message with Bcc recipients then fails with verdict.ErrBccNeedsCopies.
	//
	// Why copies and not hidden recipients: gopenpgp can write a hidden
	// recipient's PKESK with a wildcard key ID (RFC 9580 section 5.1) and
	// leave it out of the Intended Recipient subpackets, but every copy
	// would still show how many were hidden, each reader would have to try
	// its keys on every wildcard PKESK (which some clients do not), and
	// S/MIME has no such thing: one copy per Bcc recipient hides even their
	// number and works the same way for both technologies.
	Recipients []string
}

// Seal signs and/or encrypts a raw RFC 5322 message as PGP/MIME (RFC 3156):
// multipart/signed with a detached signature (section 5), multipart/
// encrypted (section 4), or, for both, one signed-and-encrypted OpenPGP
// message (section 6.2). The signing key is found by the From address;
// the recipients are To and Cc (or opts.Recipients) plus the sender (to
// read sent mail).
// Bcc is removed from the output header. When encrypting, the header
// fields are copied inside (RFC 9788 header protection). Seal verifies
// and decrypts its own output with Process before returning it. A
// *SealError says what is impossible.
func (e *Engine) Seal(raw []byte, sign, encrypt bool, opts SealOptions) ([]byte, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	top, err := mimepart.Parse(raw)
	if err != nil || top.Header.Len() == 0 {
		return nil, ErrNotMessage
	}
	id := sender.Parse(&top.Header)
	from := id.Address
	if !id.OK() && (sign || encrypt || opts.Autocrypt) {
		return nil, &SealError{Msg: "cannot find the sender: " + id.Detail}
	}
	var signer *Key
	if sign || opts.Autocrypt {
		st := e.CanSign(from, now)
		if !st.OK {
			if sign {
				return nil, &SealError{Msg: st.Comment, Sign: &st}
			}
		} else if sign {
			if signer, err = e.kr.UnlockSecretKey(st.Key.Fingerprint); err != nil || signer.Locked() {
				st.OK, st.Reason, st.Comment = false, SignLocked, "Your secret key could not be unlocked with its stored passphrase: add the key again under PGP keys, with its passphrase."
				return nil, &SealError{Msg: st.Comment, Sign: &st}
			}
		}
	}
	var recipients *gcrypto.KeyRing
	if encrypt {
		if opts.Recipients == nil && mimepart.HasBcc(top.Header) {
			return nil, &SealError{Msg: verdict.ErrBccNeedsCopies.Error(), Err: verdict.ErrBccNeedsCopies}
		}
		addrs := recipientAddrs(top, opts.Recipients, from)
		sts := e.CanEncrypt(addrs, now)
		var bad []string
		recipients, _ = gcrypto.NewKeyRing(nil)
		for _, st := range sts {
			if !st.OK {
				bad = append(bad, st.Comment)
				continue
			}
			pub, err := st.Key.Public()
			if err != nil {
				return nil, err
			}
			if err := recipients.AddKey(pub.key); err != nil && !strings.Contains(err.Error(), "already") {
				return nil, fmt.Errorf("pgp: %w", err)
			}
		}
		if len(bad) > 0 {
			return nil, &SealError{Msg: strings.Join(bad, " "), Recipients: sts}
		}
	}
	inner, err := innerEntity(top, encrypt)
	if err != nil {
		return nil, err
	}
	pgp := gcrypto.PGPWithProfile(sendProfile())
	var body []byte
	var ctype string
	boundary := newBoundary()
	switch {
	case encrypt:
		b := pgp.Encryption().Recipients(recipients).EncryptionTime(now.Unix()).SignTime(now.Unix())
		if signer != nil {
			b = b.SigningKey(signer.key)
		}
		h, err := b.New()
		if err != nil {
			return nil, fmt.Errorf("pgp: %w", err)
		}
		msg, err := h.Encrypt(inner)
		if err != nil {
			return nil, fmt.Errorf("pgp: encrypting: %w", err)
		}
		armored, err := armorEncode(armorMessage, msg.Bytes())
		if err != nil {
			return nil, err
		}
		ctype = `multipart/encrypted; protocol="application/pgp-encrypted"; boundary="` + boundary + `"`
		body = encryptedBody(boundary, armored)
	case sign:
		h, err := pgp.Sign().SigningKey(signer.key).Detached().SignTime(now.Unix()).New()
		if err != nil {
			return nil, fmt.Errorf("pgp: %w", err)
		}
		sig, err := h.Sign(inner, gcrypto.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pgp: signing: %w", err)
		}
		micalg, err := micalgOf(sig)
		if err != nil {
			return nil, err
		}
		armored, err := armorEncode(armorSignature, sig)
		if err != nil {
			return nil, err
		}
		ctype = `multipart/signed; micalg=` + micalg + `; protocol="application/pgp-signature"; boundary="` + boundary + `"`
		body = signedBody(boundary, inner, armored)
	default:
		body = inner
	}
	var out bytes.Buffer
	writeOuterHeader(&out, top, encrypt && opts.HideSubject, sign || encrypt)
	if opts.Autocrypt {
		if k := e.ourKey(from, now); k != nil {
			if v, err := autocryptHeader(from, k, opts.PreferEncrypt); err == nil {
				out.WriteString("Autocrypt: " + v + "\r\n")
			}
		}
	}
	if sign || encrypt {
		out.WriteString("MIME-Version: 1.0\r\nContent-Type: " + ctype + "\r\n\r\n")
		out.Write(body)
	} else {
		out.Write(body) // inner carries its own Content-* header
	}
	res := out.Bytes()
	if sign || encrypt {
		p, err := e.Process(res, ProcessOptions{Now: now})
		if err != nil {
			return nil, fmt.Errorf("pgp: self-check of the sealed message: %w", err)
		}
		if sign && !p.Result.Sign.Success {
			return nil, fmt.Errorf("pgp: self-check of the sealed message: signature: %s", p.Result.Sign.Comment)
		}
		if encrypt && !p.Result.Encryption.Success {
			return nil, fmt.Errorf("pgp: self-check of the sealed message: encryption: %s", p.Result.Encryption.Comment)
		}
	}
	return res, nil
}

func (e *Engine) ourKey(addr string, now time.Time) *Key {
	st := e.CanSign(addr, now)
	if st.Key == nil {
		return nil
	}
	return st.Key
}

// recipientAddrs lists explicit (To and Cc when nil) and the sender,
// deduplicated.
func recipientAddrs(top *mimepart.Entity, explicit []string, from string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(x string) {
		if x = strings.ToLower(x); !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	for _, a := range explicit {
		add(a)
	}
	for _, f := range []string{"To", "Cc"} {
		for _, v := range top.Header.Values(f) {
			if list, err := sender.ParseList(v); err == nil && explicit == nil {
				for _, a := range list {
					add(a.Address)
				}
			}
		}
	}
	add(from)
	return out
}

// innerEntity is the MIME entity that is signed or encrypted: the
// message's Content-* fields and body, canonicalized (CRLF, 7-bit safe;
// RFC 3156 section 3). When protect is set, the other header fields that
// RFC 9788 protects are copied inside and the Content-Type is marked
// hp="cipher" and, for older readers (Thunderbird, Enigmail),
// protected-headers="v1".
func innerEntity(top *mimepart.Entity, protect bool) ([]byte, error) {
	var h bytes.Buffer
	fields := top.Header.Fields()
	hasCT := false
	for fields.Next() {
		k := fields.Key()
		lk := strings.ToLower(k)
		switch {
		case strings.HasPrefix(lk, "content-"):
			v := fields.Value()
			if lk == "content-type" {
				hasCT = true
				if protect {
					v = strings.TrimRight(v, "; ") + `; protected-headers="v1"; hp="cipher"`
				}
			}
			h.WriteString(k + ": " + v + "\r\n")
		case protect && isProtectedName(k):
			raw, err := fields.Raw()
			if err != nil {
				return nil, err
			}
			h.Write(mimepart.CanonicalCRLF(bytes.TrimRight(raw, "\r\n")))
			h.WriteString("\r\n")
		}
	}
	if !hasCT {
		ct := "text/plain; charset=utf-8"
		if protect {
			ct += `; protected-headers="v1"; hp="cipher"`
		}
		h.WriteString("Content-Type: " + ct + "\r\n")
	}
	h.WriteString("\r\n")
	h.Write(top.Body)
	out, err := mimepart.Canonicalize(h.Bytes())
	if err != nil {
		return nil, mimepart.EngineError(err, "pgp: ", ErrNotMessage)
	}
	return out, nil
}

func isProtectedName(k string) bool {
	for _, n := range protectedNames {
		if strings.EqualFold(n, k) {
			return true
		}
	}
	return false
}

// writeOuterHeader copies the outer header without Bcc and, when the
// body is replaced, without the old Content-* and MIME-Version fields.
func writeOuterHeader(out *bytes.Buffer, top *mimepart.Entity, hideSubject, replaced bool) {
	fields := top.Header.Fields()
	for fields.Next() {
		lk := strings.ToLower(fields.Key())
		if lk == "bcc" || (replaced && (strings.HasPrefix(lk, "content-") || lk == "mime-version")) {
			continue
		}
		if lk == "subject" && hideSubject {
			out.WriteString("Subject: [...]\r\n")
			continue
		}
		if lk == "autocrypt" {
			continue
		}
		raw, err := fields.Raw()
		if err != nil {
			continue
		}
		out.Write(mimepart.CanonicalCRLF(bytes.TrimRight(raw, "\r\n")))
		out.WriteString("\r\n")
	}
}

func encryptedBody(boundary string, armored []byte) []byte {
	var b bytes.Buffer
	b.WriteString("This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n")
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString("Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\nVersion: 1\r\n\r\n")
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString("Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\nContent-Description: OpenPGP encrypted message\r\nContent-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n")
	b.Write(mimepart.CanonicalCRLF(armored))
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.Bytes()
}

func signedBody(boundary string, inner, armored []byte) []byte {
	var b bytes.Buffer
	b.WriteString("This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n")
	b.WriteString("--" + boundary + "\r\n")
	b.Write(inner)
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: application/pgp-signature; name=\"signature.asc\"\r\nContent-Description: OpenPGP digital signature\r\nContent-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n")
	b.Write(mimepart.CanonicalCRLF(armored))
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.Bytes()
}

// micalgOf names the signature's hash for the micalg parameter (RFC 3156
// section 5: "pgp-" and the RFC 9580 text name, lowercased).
func micalgOf(sig []byte) (string, error) {
	p, err := packet.Read(bytes.NewReader(sig))
	if err != nil {
		return "", fmt.Errorf("pgp: reading our own signature: %w", err)
	}
	s, ok := p.(*packet.Signature)
	if !ok {
		return "", fmt.Errorf("pgp: our own signature is not a signature packet")
	}
	names := map[string]string{"SHA-256": "pgp-sha256", "SHA-384": "pgp-sha384", "SHA-512": "pgp-sha512", "SHA-224": "pgp-sha224"}
	if n, ok := names[s.Hash.String()]; ok {
		return n, nil
	}
	return "", fmt.Errorf("pgp: unexpected signature hash %v", s.Hash)
}

func newBoundary() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "sealdesk-" + hex.EncodeToString(b[:])
}
