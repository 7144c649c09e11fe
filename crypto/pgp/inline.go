package pgp

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// inlineScan collects what the inline forms of a message hold.
type inlineScan struct {
	texts       []string
	plainText   bool // readable content outside any OpenPGP block
	encOK       int
	encFail     []string
	failure     verdict.DecryptFailure // the first typed reason in encFail
	encInfo     decrypted              // the first successful decryption
	signs       []verdict.SignResult
	nestedSign  bool
	nestedEnc   bool
	attachNames []string
	// otherParts: parts no OpenPGP block covers (a plain attachment, an
	// inline image). Next to a signed or encrypted block they make the
	// protection partial: the signature does not cover them.
	otherParts bool
}

// inline handles a message without PGP/MIME layers: cleartext-signed and
// armored encrypted blocks in text parts (the "inline PGP" of RFC 9580
// sections 6 and 7), encrypted attachments, and PGP/MIME parts nested in
// an unprotected multipart (never the message's own protection).
func (s *state) inline(top *mimepart.Entity) {
	sc := &inlineScan{}
	s.scanInline(top, sc, 0)
	s.p.Entity = top.Raw
	s.judgeInline(sc)
}

// judgeInline sets the readable text and the result from what the inline
// forms of a message hold: a signature or an encryption counts for the
// message only when nothing else is beside it.
func (s *state) judgeInline(sc *inlineScan) {
	res := &s.p.Result
	s.p.Text = strings.Join(sc.texts, "\n")
	pieces := sc.encOK + len(sc.encFail)
	if pieces > 0 {
		res.Encrypted = true
		whole := !sc.plainText && !sc.otherParts && len(sc.attachNames) == 0 && !sc.nestedSign && !sc.nestedEnc
		switch {
		case len(sc.encFail) > 0:
			res.Encryption = verdict.EncryptionResult{Comment: sc.encFail[0], Failure: sc.failure}
		case !whole:
			res.Encryption = verdict.EncryptionResult{Algorithm: sc.encInfo.algorithm, Key: sc.encInfo.key, Failure: verdict.DecryptPartial,
				Comment: "Only part of this message was encrypted (" + strings.Join(encryptedWhat(sc), ", ") + "); that part was decrypted, the rest travelled readable by anyone: do not treat the message as confidential."}
		default:
			s.setEncryption(sc.encInfo)
		}
	} else if sc.nestedEnc {
		res.Encryption.Comment = "An encrypted part inside this message was not opened: only the message as a whole, or its encrypted attachments, are decrypted."
	}
	switch {
	case len(sc.signs) == 1 && !sc.plainText && !sc.otherParts && !sc.nestedSign && !sc.nestedEnc && len(sc.attachNames) == 0 && len(sc.encFail) == 0:
		res.Signed, res.Sign = true, sc.signs[0]
	case len(sc.signs) > 0 || sc.nestedSign:
		res.Signed = true
		var r verdict.SignResult
		if len(sc.signs) > 0 {
			r.Signers = sc.signs[0].Signers
			r.Checks = sc.signs[0].Checks
		}
		r.Checks = append(r.Checks, verdict.Check{Kind: verdict.CheckStructure, Reason: verdict.ReasonPartial, Detail: "only part of the message is signed"})
		r.Comment = "Only part of this message is signed, not the message itself: the text around the signed part (or its other parts) could have been changed or added by anyone. Treat the message as not signed."
		res.Sign = r
	}
}

func encryptedWhat(sc *inlineScan) []string {
	var w []string
	if sc.encOK > len(sc.attachNames) {
		w = append(w, "a block of text")
	}
	for _, n := range sc.attachNames {
		w = append(w, "the attachment "+n)
	}
	return w
}

func (s *state) scanInline(e *mimepart.Entity, sc *inlineScan, depth int) {
	if depth > maxDepth {
		return
	}
	switch {
	case isPGPSigned(e):
		if depth == 0 {
			return
		}
		sc.nestedSign, sc.plainText = true, true
		sc.texts = append(sc.texts, mimepart.ReadableText(e))
	case isPGPEncrypted(e):
		sc.nestedEnc = true
	case e.MediaType == "multipart/alternative":
		parts := children(e)
		var pick *mimepart.Entity
		for _, p := range parts {
			if p.MediaType == "text/plain" {
				pick = p
				break
			}
		}
		if pick == nil && len(parts) > 0 {
			pick = parts[len(parts)-1]
		}
		if pick != nil {
			s.scanInline(pick, sc, depth+1)
		}
	case strings.HasPrefix(e.MediaType, "multipart/"):
		for _, p := range children(e) {
			s.scanInline(p, sc, depth+1)
		}
	case e.MediaType == "application/pgp-keys":
		s.attachedKey(e)
	case e.MediaType == "application/pgp-encrypted" || (isPGPFile(e.Filename()) && (e.IsAttachment() || !strings.HasPrefix(e.MediaType, "text/"))):
		body, _ := e.DecodedBody()
		if bytes.Contains(body, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
			s.attachedKey(e)
			return
		}
		if _, ok := dearmorMessage(body); !ok || bytes.Contains(body, []byte("-----BEGIN PGP SIGNATURE-----")) {
			return // a detached signature or something else: left alone
		}
		name := e.Filename()
		d := s.decrypt(body)
		sc.attachNames = append(sc.attachNames, name)
		if !d.ok {
			sc.fail("The attachment "+name+" could not be decrypted: "+d.comment, d.failure)
			return
		}
		s.noteDecrypted(sc, d)
		s.p.Attachments = append(s.p.Attachments, Attachment{Name: trimPGPExt(name), Data: d.plain})
	case (e.MediaType == "text/plain" || e.MediaType == "text/html") && !e.IsAttachment():
		s.scanText(e, sc)
	default:
		if depth > 0 {
			sc.otherParts = true
		}
	}
}

func (sc *inlineScan) fail(comment string, why verdict.DecryptFailure) {
	if len(sc.encFail) == 0 {
		sc.failure = why
	}
	sc.encFail = append(sc.encFail, comment)
}

func (s *state) noteDecrypted(sc *inlineScan, d decrypted) {
	if sc.encOK == 0 {
		sc.encInfo = d
	}
	sc.encOK++
	if d.md != nil && d.md.IsSigned {
		sc.signs = append(sc.signs, s.judge(d.md))
	}
}

// scanText replaces the OpenPGP blocks of one text part by what they hold.
func (s *state) scanText(e *mimepart.Entity, sc *inlineScan) {
	body, err := e.DecodedBody()
	if err != nil && len(body) == 0 {
		return
	}
	body = mimepart.ToUTF8(body, e.Params["charset"])
	var text string
	if e.MediaType == "text/html" {
		text = mimepart.HTMLToText(body)
	} else {
		text = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	pieces := s.inlinePieces(text)
	if e.MediaType == "text/html" && htmlBeyondText(body, pieces) {
		sc.otherParts = true
	}
	if len(pieces) == 1 && pieces[0].kind == piecePlain {
		// Text alone (pieces cover the text): kept as it is, not copied.
		if strings.TrimSpace(text) != "" {
			sc.plainText = true
		}
		sc.texts = append(sc.texts, text)
		return
	}
	var out strings.Builder
	for _, p := range pieces {
		chunk := text[p.start:p.end]
		switch p.kind {
		case piecePlain:
			if strings.TrimSpace(chunk) != "" {
				sc.plainText = true
			}
			out.WriteString(chunk)
		case pieceEncrypted:
			if !p.d.ok {
				sc.fail(p.d.comment, p.d.failure)
				out.WriteString("[An encrypted block could not be decrypted.]")
				continue
			}
			s.noteDecrypted(sc, p.d)
			out.Write(mimepart.ToUTF8(p.d.plain, e.Params["charset"]))
		case pieceSigned:
			sc.signs = append(sc.signs, p.sign)
			out.Write(p.signed)
		case pieceKey:
			s.foundKey("attachment", []byte(chunk))
			out.WriteString(chunk)
		default:
			// Another block, or an encrypted block whose armor cannot be
			// decoded: readable content outside any protection, as sent.
			out.WriteString(chunk)
			sc.plainText = true
		}
	}
	sc.texts = append(sc.texts, out.String())
}

// htmlActive lists markup that shows or loads something that is not the
// part's text: its reduction to text (HTMLToText) drops it, so a block
// beside it would look like the whole part. Matched without parsing, case
// folded: a false match only makes the message's verdict "partial".
var htmlActive = []string{"<style", "style=", "<img", "<iframe", "<object", "<embed", "<svg", "<link", "<video", "<audio", "<picture", "background", "url("}

// htmlBeyondText reports whether an HTML part holds content its inline
// blocks do not cover though its text outside them is empty: no block at
// all (an HTML part of images and style sheets beside a signed text part
// is still content the signature does not cover; "Johnny, You Are Fired",
// USENIX Security 2019, section 4.3), or markup that shows or loads more
// than text.
func htmlBeyondText(html []byte, pieces []piece) bool {
	blocks := false
	for _, p := range pieces {
		if p.kind == pieceEncrypted || p.kind == pieceSigned {
			blocks = true
		}
	}
	if !blocks {
		return len(bytes.TrimSpace(html)) > 0
	}
	low := bytes.ToLower(html)
	for _, a := range htmlActive {
		if bytes.Contains(low, []byte(a)) {
			return true
		}
	}
	return false
}

// verifyClearsigned checks a cleartext signature (RFC 9580 section 7) and
// returns the signed text (dash-escaping undone).
func (s *state) verifyClearsigned(data []byte) ([]byte, verdict.SignResult) {
	b, _ := clearsign.Decode(data)
	if b == nil || b.ArmoredSignature == nil {
		return data, s.broken("the cleartext signature cannot be decoded")
	}
	md, err := openpgp.VerifyDetachedSignatureReader(publicRing{kr: s.kr}, bytes.NewReader(b.Bytes), b.ArmoredSignature.Body, readConfig(s.now))
	if err != nil {
		return b.Plaintext, s.broken(fmt.Sprintf("the signature cannot be read: %v", err))
	}
	if _, err := bytes.NewBuffer(nil).ReadFrom(md.UnverifiedBody); err != nil {
		return b.Plaintext, s.broken(fmt.Sprintf("the signature cannot be checked: %v", err))
	}
	return b.Plaintext, s.judge(md)
}

func children(e *mimepart.Entity) []*mimepart.Entity {
	_, parts := e.Parts()
	var out []*mimepart.Entity
	for _, p := range parts {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

func trimPGPExt(name string) string {
	if isPGPFile(name) && len(name) > 4 {
		return name[:len(name)-4]
	}
	return name
}

// isPGPFile reports whether a file name is an OpenPGP file by its
// extension (what GnuPG writes: .pgp, .gpg; armored: .asc).
func isPGPFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".pgp") || strings.HasSuffix(n, ".gpg") || strings.HasSuffix(n, ".asc")
}
