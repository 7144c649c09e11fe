package smime

import (
	"bytes"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// verifyDetachedContent checks a multipart/signed signature over content,
// the first part with CRLF line ends (RFC 8551 section 3.1.1).
//
// QUIRK: a signer that hashes the entity as a Unix program holds it, with
// LF line ends, instead of canonicalizing it to CRLF first (RFC 8551
// section 3.1.1: a mail gateway behind an MTA's content filter, which is
// handed the message with LF ends, or `openssl smime -sign -binary` over a
// file), made a signature that holds over exactly the content shown,
// except that the mail server turned its LF ends into CRLF on the way.
// Such a gateway's signature around a PGP/MIME encryption read as "the
// message was changed after it was signed". When the CRLF form fails only
// on its digest or signature, the same content with LF ends is tried; it
// is accepted only when it verifies cryptographically, and its digest
// check says so. Content holding a carriage return outside a CRLF is not
// tried: its LF form would not be the text shown.
func verifyDetachedContent(obj *cmsObject, content []byte, env *verifyEnv) *signedLayer {
	l := verifySignedData(obj, content, env)
	if l.valid || !failedCrypto(l) {
		return l
	}
	lf := bytes.ReplaceAll(content, []byte("\r\n"), []byte("\n"))
	if len(lf) == len(content) || bytes.IndexByte(lf, '\r') >= 0 {
		return l
	}
	again := verifySignedData(obj, lf, env)
	if failedCrypto(again) {
		return l
	}
	again.UnverifiedBody = content
	for i, c := range again.checks {
		if c.OK && c.Kind == verdict.CheckDigest {
			again.checks[i].Detail += " with LF line ends: the signer did not make them CRLF (RFC 8551 section 3.1.1)"
		}
	}
	return again
}

// failedCrypto reports whether a layer failed because its digest or
// signature does not match the content (not for its certificate, chain or
// sender, which line ends cannot change).
func failedCrypto(l *signedLayer) bool {
	for _, c := range l.checks {
		if !c.OK && (c.Kind == verdict.CheckDigest && c.Reason == verdict.ReasonContentAltered || c.Kind == verdict.CheckSignature) {
			return true
		}
	}
	return false
}
