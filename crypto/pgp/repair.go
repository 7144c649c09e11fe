package pgp

import (
	"bytes"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// encryptedParts returns the two parts of a PGP/MIME encrypted message
// (RFC 3156 section 4: the application/pgp-encrypted control part and the
// application/octet-stream payload) and whether e is one: a
// multipart/encrypted, or its Exchange rewrite (exchangeMangled), which
// it then reports as repaired.
func encryptedParts(e *mimepart.Entity) (parts []*mimepart.Entity, repaired verdict.Repair, ok bool) {
	switch {
	case isPGPEncrypted(e):
		_, parts = e.Parts()
		return parts, "", true
	case exchangeMangled(e):
		_, parts = e.Parts()
		return parts[1:], verdict.RepairExchangePGPMIME, true
	}
	return nil, "", false
}

// exchangeMangled recognises a PGP/MIME message that Microsoft Exchange
// rewrote on the way, and only that shape (Enigmail's and Thunderbird's
// "fix Exchange message", mutt's malformed_pgp_encrypted): a
// multipart/mixed of exactly three parts, an empty text/plain, an
// application/pgp-encrypted whose body is "Version: 1" (RFC 3156 section
// 4), and an application/octet-stream named encrypted.asc.
// QUIRK: the rewrite loses only the multipart/encrypted label; nothing of
// the content travels outside the ciphertext, so reading it as the
// multipart/encrypted it was shows nothing unprotected as protected.
func exchangeMangled(e *mimepart.Entity) bool {
	if e.MediaType != "multipart/mixed" {
		return false
	}
	_, parts := e.Parts()
	if len(parts) != 3 || parts[0] == nil || parts[1] == nil || parts[2] == nil {
		return false
	}
	text, ctl, data := parts[0], parts[1], parts[2]
	if text.MediaType != "text/plain" || len(bytes.TrimSpace(text.Body)) != 0 {
		return false
	}
	if ctl.MediaType != "application/pgp-encrypted" {
		return false
	}
	if v, _ := ctl.DecodedBody(); !strings.EqualFold(string(bytes.TrimSpace(v)), "Version: 1") {
		return false
	}
	return data.MediaType == "application/octet-stream" && strings.EqualFold(data.Filename(), "encrypted.asc")
}

// clearsignedPayload reads a PGP/MIME encrypted message whose payload is
// not ciphertext but a cleartext-signed text (RFC 9580 section 7), as some
// plugins send when encryption was off: not encrypted, its text shown,
// its signature judged as an inline one. It reports false, touching
// nothing, for any other payload.
func (s *state) clearsignedPayload(payload *mimepart.Entity) bool {
	body, _ := payload.DecodedBody()
	if !bytes.Contains(body, []byte("-----BEGIN PGP SIGNED MESSAGE-----")) || bytes.Contains(body, []byte("-----BEGIN "+armorMessage+"-----")) {
		return false
	}
	sc := &inlineScan{}
	s.scanText(payload, sc)
	s.judgeInline(sc)
	s.p.Result.Repaired = verdict.RepairClearsignedInEncrypted
	// The entity to display is the text as read (the signed text, and any
	// text around it), not the payload, an octet-stream of armor.
	s.p.Entity = []byte("Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(s.p.Text, "\n", "\r\n"))
	return true
}
