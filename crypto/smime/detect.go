package smime

import (
	"errors"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/internal/mimelimit"
)

// layerKind is what an entity is, S/MIME-wise.
type layerKind int

const (
	kindPlain layerKind = iota
	kindMultipartSigned
	kindOpaqueSigned
	kindEnveloped
	kindAuthEnveloped
	kindCertsOnly
	kindUnsupportedCMS // compressed data (RFC 3274) and other CMS types
	kindBrokenCMS      // announced as S/MIME but unreadable
)

func (k layerKind) encrypted() bool { return k == kindEnveloped || k == kindAuthEnveloped }
func (k layerKind) signed() bool    { return k == kindMultipartSigned || k == kindOpaqueSigned }

// Detect reports whether Process would find anything S/MIME in raw: an
// S/MIME layer at the top (RFC 8551 section 3: multipart/signed with a
// pkcs7-signature protocol, pkcs7-mime, or one of their quirky forms) or a
// signed or encrypted S/MIME part nested below it. It returns
// ErrNotMessage exactly when Process would.
//
// It is the same test Process makes (announced and nestedSMIME), not a
// heuristic, so a caller may skip Process when it says false and lose
// nothing: Process would have said TechNone. The reverse does not hold: a
// true may still end in TechNone (a certs-only message, RFC 8551 section
// 3.2.2, is announced as pkcs7-mime but is no layer to report). Detect
// (detect_test.go) checks this over the corpus. It is much cheaper than
// Process over mail that is not S/MIME (most OpenPGP and plain mail): it
// reads only headers and the bodies of parts announced as S/MIME, and
// touches no keyring, no Date or From, and no text.
//
// On a panic (a bug) it answers true, so that Process runs and reports
// ErrInternal.
//
// A message beyond the limits of package mimelimit (size, nesting, number
// of parts, header size) is refused with a *mimelimit.Error (matching
// mimelimit.ErrExceeded), before any engine walks it: the caller keeps it
// raw, unprocessed, and says why.
func Detect(raw []byte) (found bool, err error) {
	found, _, err = DetectParsed(raw)
	return found, err
}

// DetectParsed is Detect that also returns the message as it parsed it,
// nil with an error. Its type is internal to crypto/: a caller outside
// only hands it on, to pgp.ProcessOptions.Parsed, so that the OpenPGP
// engine does not parse the header and the parts Detect already read.
// Parsing them twice was a visible share of an Ed25519 OpenPGP article
// (README, Benchmarks).
func DetectParsed(raw []byte) (found bool, top *mimepart.Entity, err error) {
	defer func() {
		if r := recover(); r != nil {
			found, top, err = true, nil, nil
		}
	}()
	top, err = mimepart.Parse(raw)
	if errors.Is(err, mimepart.ErrHeaderTooLarge) {
		return false, nil, mimelimit.HeaderSize(mimepart.HeaderLen(raw))
	}
	if err != nil || len(raw) == 0 || top.Header.Len() == 0 {
		return false, nil, ErrNotMessage
	}
	if err := mimepart.Check(top); err != nil {
		return false, nil, err
	}
	// Every entity announced as S/MIME at the top makes Process report
	// TechSMIME, damaged or not (see the kinds classify returns); a plain
	// top is S/MIME only through nested parts, as Process finds them.
	// A gateway's wrapper is looked through, as Process does.
	msg, _ := gatewayUnwrap(top)
	if announced(msg) {
		return true, top, nil
	}
	signed, encrypted := nestedSMIME(msg, 0)
	return signed || encrypted, top, nil
}

// announced reports whether classify(e) is anything but kindPlain, without
// decoding a body.
func announced(e *mimepart.Entity) bool {
	switch e.MediaType {
	case "multipart/signed":
		return signedProtocol(e)
	case "application/pkcs7-mime", "application/x-pkcs7-mime":
		return true
	case "application/octet-stream":
		return octetCMS(e)
	}
	return false
}

// signedProtocol reports whether a multipart/signed is S/MIME's (RFC 8551
// section 3.5) rather than, say, PGP/MIME's.
func signedProtocol(e *mimepart.Entity) bool {
	proto := strings.ToLower(e.Params["protocol"])
	// QUIRK: Outlook and old Netscape write application/x-pkcs7-signature.
	if proto == "application/pkcs7-signature" || proto == "application/x-pkcs7-signature" {
		return true
	}
	if proto == "" { // QUIRK: protocol missing; look at the second part
		if _, parts := e.Parts(); len(parts) == 2 {
			if p := parts[1]; p != nil && (strings.Contains(p.MediaType, "pkcs7-signature") ||
				(p.MediaType == "application/octet-stream" && strings.HasSuffix(strings.ToLower(p.Filename()), ".p7s"))) {
				return true
			}
		}
	}
	return false // e.g. PGP/MIME: not ours
}

// octetCMS reports an application/octet-stream that is S/MIME.
// QUIRK: some gateways send S/MIME as octet-stream named smime.p7m.
func octetCMS(e *mimepart.Entity) bool {
	return strings.HasSuffix(strings.ToLower(e.Filename()), ".p7m")
}

// classify recognises the S/MIME forms of RFC 8551 section 3: it returns
// the CMS object, read once, for pkcs7-mime entities. What it recognises
// at all is announced's answer; keep the two in step.
func classify(e *mimepart.Entity) (layerKind, *cmsObject) {
	switch e.MediaType {
	case "multipart/signed":
		if signedProtocol(e) {
			return kindMultipartSigned, nil
		}
		return kindPlain, nil
	case "application/pkcs7-mime", "application/x-pkcs7-mime":
	case "application/octet-stream":
		if !octetCMS(e) {
			return kindPlain, nil
		}
	default:
		return kindPlain, nil
	}
	body, err := e.DecodedBody()
	if err != nil || len(body) == 0 {
		return kindBrokenCMS, nil
	}
	// The smime-type parameter is advisory (often missing or wrong): the
	// CMS content type decides (RFC 8551 section 3.2.2).
	obj, err := parseCMS(body)
	if err != nil {
		return kindBrokenCMS, nil
	}
	switch {
	case obj.typ.Equal(oidEnvelopedData):
		return kindEnveloped, obj
	case obj.typ.Equal(oidAuthEnvelopedData):
		return kindAuthEnveloped, obj
	case obj.typ.Equal(oidSignedData):
		if obj.sd != nil && len(obj.sd.SignerInfos) == 0 {
			return kindCertsOnly, obj
		}
		return kindOpaqueSigned, obj
	}
	return kindUnsupportedCMS, obj
}

// nestedSMIME looks below e (not into attached messages) for S/MIME parts
// that are not the message's own layers.
func nestedSMIME(e *mimepart.Entity, depth int) (signed, encrypted bool) {
	if depth > 20 || !strings.HasPrefix(e.MediaType, "multipart/") {
		return false, false
	}
	_, parts := e.Parts()
	for _, p := range parts {
		if p == nil {
			continue
		}
		k, _ := classify(p)
		switch {
		case k.signed():
			signed = true
		case k.encrypted():
			encrypted = true
		case p.MediaType == "application/pkcs7-signature" || p.MediaType == "application/x-pkcs7-signature":
			signed = true // a detached signature outside multipart/signed
		}
		s, en := nestedSMIME(p, depth+1)
		signed, encrypted = signed || s, encrypted || en
	}
	return signed, encrypted
}
