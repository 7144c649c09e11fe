package pgp

import (
	"bytes"
	stderrors "errors"
	"fmt"
	"io"
	"strings"
	"time"

	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// verifyDetached checks a detached signature (RFC 9580 section 5.2.4) over
// signed, which must be the exact bytes that were signed (for PGP/MIME,
// the first body part with CRLF line ends, RFC 3156 section 5).
func (s *state) verifyDetached(signed, sig []byte) verdict.SignResult {
	bin := sig
	if t := bytes.TrimSpace(sig); bytes.HasPrefix(t, []byte("-----BEGIN PGP SIGNATURE-----")) {
		blocks, aerr := findArmor(t)
		if aerr != nil || len(blocks) == 0 || blocks[0].Type != armorSignature {
			return s.broken("the signature part cannot be decoded")
		}
		bin = blocks[0].Body
	}
	md, err := openpgp.VerifyDetachedSignatureReader(publicRing{kr: s.kr}, bytes.NewReader(signed), bytes.NewReader(bin), readConfig(s.now))
	if err != nil {
		return s.broken("the signature cannot be read: " + err.Error())
	}
	if _, err := io.Copy(io.Discard, md.UnverifiedBody); err != nil {
		return s.broken("the signature cannot be checked: " + err.Error())
	}
	return s.judge(md)
}

func (s *state) broken(detail string) verdict.SignResult {
	return verdict.SignResult{
		Comment: "The signature is damaged and cannot be checked: ask the sender to send the message again.",
		Checks:  []verdict.Check{{Kind: verdict.CheckStructure, Reason: verdict.ReasonDamaged, Detail: detail}},
		Reason:  verdict.ReasonDamaged,
	}
}

// judge turns go-crypto's verdict on a fully read message into a
// SignResult: the signature must verify, its key must be known and valid
// at Now (not expired, not revoked, RFC 9580 sections 5.2.3.18 and 5.2.3.23),
// and the key must carry the single address in From.
func (s *state) judge(md *openpgp.MessageDetails) verdict.SignResult {
	// Room for the four checks of a found signature (structure,
	// signature, validity, from): appending grew the slice three times.
	res := verdict.SignResult{Checks: make([]verdict.Check, 0, 4)}
	if md == nil || !md.IsSigned || len(md.SignatureCandidates) == 0 {
		res.Comment = "The message says it is signed, but no signature was found."
		res.Checks = append(res.Checks, verdict.Check{Kind: verdict.CheckStructure, Reason: verdict.ReasonNoSigner, Detail: "no signature"})
		res.Reason = verdict.ReasonNoSigner
		return res
	}
	c := md.SelectedCandidate
	if c == nil {
		c = md.SignatureCandidates[len(md.SignatureCandidates)-1]
	}
	res.Checks = append(res.Checks, verdict.Check{Kind: verdict.CheckStructure, OK: true})
	if c.SignedByEntity == nil {
		id := keyIDHex(c.IssuerKeyId)
		if len(c.IssuerFingerprint) > 0 {
			id = upperHex(c.IssuerFingerprint)
		}
		res.Signers = []verdict.Signer{{Fingerprint: id, Comment: "unknown key"}}
		res.Checks = append(res.Checks, verdict.Check{Kind: verdict.CheckKey, Reason: verdict.ReasonNoPublicKey, Detail: "no public key with ID " + id})
		res.Comment = fmt.Sprintf("The sender's public key (key ID %s) is missing: import it, then retry.", id)
		res.Reason = verdict.ReasonNoPublicKey
		return res
	}
	k := s.keyFor(c.SignedByEntity)
	signer := verdict.Signer{
		Fingerprint: k.Fingerprint,
		Emails:      k.Emails,
		NotBefore:   k.Created,
		NotAfter:    k.Expires,
	}
	if len(k.UserIDs) > 0 {
		signer.Subject = k.UserIDs[0]
	}
	who := k.String()
	var fails []string
	fail := func(kind verdict.CheckKind, reason verdict.Reason, detail, comment string) {
		res.Checks = append(res.Checks, verdict.Check{Kind: kind, Reason: reason, Detail: detail})
		fails = append(fails, comment)
	}
	// 1. The signature itself.
	if c.SignatureError != nil {
		err := c.SignatureError
		var weak pgperrors.WeakAlgorithmError
		cfg := readConfig(s.now)
		switch {
		case stderrors.Is(err, pgperrors.ErrKeyRevoked):
			fail(verdict.CheckSignature, verdict.ReasonRevoked, err.Error(), fmt.Sprintf("The signature was made with a revoked key of %s: treat the message as not signed.", who))
		case stderrors.Is(err, pgperrors.ErrKeyExpired):
			fail(verdict.CheckSignature, verdict.ReasonExpired, err.Error(), fmt.Sprintf("The signature was made after the key of %s expired: ask the sender to renew their key.", who))
		case stderrors.Is(err, pgperrors.ErrSignatureExpired):
			fail(verdict.CheckSignature, verdict.ReasonSignatureExpired, err.Error(), fmt.Sprintf("The signature by %s has expired.", who))
		case stderrors.As(err, &weak):
			fail(verdict.CheckSignature, verdict.ReasonWeakKey, err.Error(), fmt.Sprintf("The signature by %s uses a weak algorithm (%v) and is not accepted: ask the sender to update their OpenPGP software.", who, err))
		case c.CorrespondingSig != nil && (cfg.RejectHashAlgorithm(c.CorrespondingSig.Hash) || cfg.RejectMessageHashAlgorithm(c.CorrespondingSig.Hash)):
			// go-crypto reports a refused hash as a plain SignatureError
			// (RFC 9580 section 9.5: MD5 and RIPEMD-160 are refused, SHA-1
			// for message signatures).
			fail(verdict.CheckDigest, verdict.ReasonWeakDigest, err.Error(), fmt.Sprintf("The signature by %s uses %s, which is no longer secure: ask the sender to update their OpenPGP software.", who, c.CorrespondingSig.Hash))
		default:
			fail(verdict.CheckSignature, verdict.ReasonBadSignature, err.Error(), fmt.Sprintf("The signature by %s does not match the content: the message was altered after it was signed. Do not trust it.", who))
		}
	} else {
		detail := ""
		if c.CorrespondingSig != nil {
			// One allocation for the whole detail (time.Format and a
			// concatenation made two on every verified article).
			var buf [len("made 2006-01-02 15:04 UTC") + 8]byte
			detail = string(c.CorrespondingSig.CreationTime.UTC().AppendFormat(append(buf[:0], "made "...), "2006-01-02 15:04 UTC"))
		}
		res.Checks = append(res.Checks, verdict.Check{Kind: verdict.CheckSignature, OK: true, Detail: detail})
	}
	// 2. The key, at Now.
	switch {
	case k.Revoked:
		fail(verdict.CheckValidity, verdict.ReasonRevoked, "key revoked", fmt.Sprintf("The signer's key %s is revoked: the signature is not valid. Ask the sender for their new key.", who))
	case k.Expired(s.now):
		fail(verdict.CheckValidity, verdict.ReasonExpired, "key expired "+k.Expires.Format("2006-01-02"), fmt.Sprintf("The signer's key %s expired on %s: the signature is not valid. Ask the sender for their renewed key and import it, then retry.", who, k.Expires.Format("2006-01-02")))
	default:
		if _, ok := c.SignedByEntity.SigningKeyById(s.now, c.IssuerKeyId, readConfig(s.now)); !ok && c.SignatureError == nil {
			fail(verdict.CheckValidity, verdict.ReasonSigningKeyInvalid, "signing subkey not valid now", fmt.Sprintf("The subkey of %s that made the signature is expired or revoked now: the signature is not valid.", who))
		} else {
			res.Checks = append(res.Checks, verdict.Check{Kind: verdict.CheckValidity, OK: true})
		}
	}
	// 3. The sender: one From address, proven by the key's user IDs.
	if reason, detail, comment := s.id.Judge(k.Emails, who); reason != "" {
		fail(verdict.CheckFrom, reason, detail, comment)
	} else {
		res.Checks = append(res.Checks, verdict.Check{Kind: verdict.CheckFrom, OK: true, Detail: s.id.Address})
	}
	// 4. The date the message claims, against the signature's creation
	// time (RFC 9580 section 5.2.3.11): a replayed signature is re-dated.
	if c.CorrespondingSig != nil {
		made := c.CorrespondingSig.CreationTime
		if detail := sender.DateMismatch(made, s.id.Date); detail != "" {
			fail(verdict.CheckSigningTime, verdict.ReasonDateMismatch, detail, fmt.Sprintf("The message was signed by %s on %s but dated %s: more than an hour apart, which is how an old message sent again looks. Do not trust its date or that it is new.",
				who, made.UTC().Format(time.RFC1123), s.id.Date.UTC().Format(time.RFC1123)))
		}
	}
	signer.Valid = len(fails) == 0
	if !signer.Valid {
		signer.Comment = fails[0]
		res.Comment = strings.Join(fails, " ")
		res.Reason = verdict.ReasonOf(res.Checks)
	} else {
		res.Success = true
		res.Comment = "Valid signature by " + who + "."
	}
	res.Signers = []verdict.Signer{signer}
	return res
}

// keyFor finds the inventory of an entity: from the keyring when it knows
// the key, else built from the entity.
func (s *state) keyFor(e *openpgp.Entity) *Key {
	fp := upperHex(e.PrimaryKey.Fingerprint)
	if k, err := s.kr.KeyByFingerprint(fp); err == nil {
		return k
	}
	if k, err := newKey(e); err == nil {
		return k
	}
	return &Key{Fingerprint: fp}
}
