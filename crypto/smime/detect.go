package smime

import (
	"encoding/asn1"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
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

// classify recognises the S/MIME forms of RFC 8551 section 3: it returns
// the CMS bytes for pkcs7-mime entities.
func classify(e *mimepart.Entity) (layerKind, []byte) {
	switch e.MediaType {
	case "multipart/signed":
		proto := strings.ToLower(e.Params["protocol"])
		// QUIRK: Outlook and old Netscape write application/x-pkcs7-signature.
		if proto == "application/pkcs7-signature" || proto == "application/x-pkcs7-signature" {
			return kindMultipartSigned, nil
		}
		if proto == "" { // QUIRK: protocol missing; look at the second part
			parts, _ := mimepart.SplitMultipart(e.Body, e.Params["boundary"])
			if len(parts) == 2 {
				if p, err := mimepart.Parse(parts[1]); err == nil && (strings.Contains(p.MediaType, "pkcs7-signature") ||
					(p.MediaType == "application/octet-stream" && strings.HasSuffix(strings.ToLower(p.Filename()), ".p7s"))) {
					return kindMultipartSigned, nil
				}
			}
		}
		return kindPlain, nil // e.g. PGP/MIME: not ours
	case "application/pkcs7-mime", "application/x-pkcs7-mime":
	case "application/octet-stream":
		// QUIRK: some gateways send S/MIME as octet-stream named smime.p7m.
		if !strings.HasSuffix(strings.ToLower(e.Filename()), ".p7m") {
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
	typ, content, err := parseContentInfo(body)
	if err != nil {
		return kindBrokenCMS, nil
	}
	switch {
	case typ.Equal(oidEnvelopedData):
		return kindEnveloped, body
	case typ.Equal(oidAuthEnvelopedData):
		return kindAuthEnveloped, body
	case typ.Equal(oidSignedData):
		var sd signedDataASN
		if _, err := asn1.Unmarshal(content, &sd); err == nil && len(sd.SignerInfos) == 0 {
			return kindCertsOnly, body
		}
		return kindOpaqueSigned, body
	}
	return kindUnsupportedCMS, body
}

// nestedSMIME looks below e (not into attached messages) for S/MIME parts
// that are not the message's own layers.
func nestedSMIME(e *mimepart.Entity, depth int) (signed, encrypted bool) {
	if depth > 20 || !strings.HasPrefix(e.MediaType, "multipart/") {
		return false, false
	}
	parts, _ := mimepart.SplitMultipart(e.Body, e.Params["boundary"])
	for _, raw := range parts {
		p, err := mimepart.Parse(raw)
		if err != nil {
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
