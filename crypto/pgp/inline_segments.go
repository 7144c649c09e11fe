package pgp

import (
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// SegmentKind says what one stretch of a text with inline OpenPGP blocks
// is.
type SegmentKind string

const (
	// SegmentPlain is text outside any OpenPGP block, as sent: anyone on
	// the way could have read or changed it. Armored keys and detached
	// signature blocks pasted into the text count as plain text.
	SegmentPlain SegmentKind = "plain"
	// SegmentSigned is the text of a cleartext-signed block (RFC 9580
	// section 7), dash-escaping undone. Unless Sign.Success it is
	// unverified text.
	SegmentSigned SegmentKind = "signed"
	// SegmentDecrypted is the plaintext of an armored encrypted block
	// (RFC 9580 section 6) that decrypted with its integrity protection
	// (MDC or AEAD) intact.
	SegmentDecrypted SegmentKind = "decrypted"
	// SegmentUnopened is an armored encrypted block that was not
	// decrypted (no key, no integrity protection, damaged); Text is empty:
	// ciphertext is never handed out as text.
	SegmentUnopened SegmentKind = "unopened"
)

// Segment is one stretch of a text part, in order. Its verdict is about
// this stretch alone: a signed or encrypted block among unprotected text
// never makes the message signed or encrypted (Processed.Result says so
// for the message as a whole).
type Segment struct {
	Kind SegmentKind
	// Text is plain text: the text as sent (SegmentPlain), the signed text
	// (SegmentSigned), the plaintext (SegmentDecrypted), "" (SegmentUnopened).
	Text string
	// Signed says the block carries a signature: a cleartext signature,
	// or one inside the encrypted block. Sign is its verdict for this
	// block, judged like a message's (key, validity at Now, From).
	Signed bool
	Sign   verdict.SignResult
	// Encryption is set for SegmentDecrypted (algorithm, our key) and
	// SegmentUnopened (Comment says why it was not opened).
	Encryption verdict.EncryptionResult
}

// InlineSplitter splits the text parts of one message at their inline
// OpenPGP blocks, for a display that shows each block on its own. It
// decrypts and verifies in memory only and keeps nothing.
type InlineSplitter struct {
	s *state
}

// InlineSplitter prepares the splitting of raw's text parts: signatures are
// judged against raw's From address at opts.Now, as Process judges them.
func (e *Engine) InlineSplitter(raw []byte, opts ProcessOptions) (*InlineSplitter, error) {
	top, err := mimepart.Parse(raw)
	if err != nil || len(raw) == 0 || top.Header.Len() == 0 {
		return nil, ErrNotMessage
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	s := &state{kr: e.kr, now: now, p: &Processed{}}
	s.id = sender.Parse(&top.Header)
	return &InlineSplitter{s: s}, nil
}

// Split splits one text part of the message: text is its content decoded
// to UTF-8 (HTML when html, which is reduced to text when it holds a
// block), charset the part's declared charset, which the encrypted blocks'
// plaintext is taken to be in. It returns nil when the text holds no
// encrypted or cleartext-signed block: show the part as it is. Plain
// stretches of white space only are left out. A panic in the OpenPGP
// library yields a single unopened segment, never the raw text.
func (sp *InlineSplitter) Split(text string, html bool, charset string) (segs []Segment) {
	if !strings.Contains(text, "-----BEGIN PGP ") {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			segs = []Segment{{Kind: SegmentUnopened, Encryption: verdict.EncryptionResult{Comment: "This part could not be read (internal error).", Failure: verdict.DecryptDamaged}}}
		}
	}()
	if html {
		text = mimepart.HTMLToText([]byte(text))
	} else {
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	pieces := sp.s.inlinePieces(text)
	protected := false
	for _, p := range pieces {
		if p.kind == pieceEncrypted || p.kind == pieceSigned || p.kind == pieceDamaged {
			protected = true
		}
	}
	if !protected {
		return nil
	}
	var plain strings.Builder
	flush := func() {
		if strings.TrimSpace(plain.String()) != "" {
			segs = append(segs, Segment{Kind: SegmentPlain, Text: plain.String()})
		}
		plain.Reset()
	}
	for _, p := range pieces {
		switch p.kind {
		case piecePlain, pieceKey, pieceOther:
			plain.WriteString(text[p.start:p.end])
		case pieceSigned:
			flush()
			segs = append(segs, Segment{Kind: SegmentSigned, Text: string(p.signed), Signed: true, Sign: p.sign})
		case pieceDamaged:
			flush()
			segs = append(segs, Segment{Kind: SegmentUnopened, Encryption: verdict.EncryptionResult{Failure: verdict.DecryptDamaged,
				Comment: "The encrypted block is damaged (its armor is cut off or cannot be decoded): ask the sender to send it again."}})
		case pieceEncrypted:
			flush()
			d := p.d
			if !d.ok {
				segs = append(segs, Segment{Kind: SegmentUnopened, Encryption: verdict.EncryptionResult{Comment: d.comment, Failure: d.failure}})
				continue
			}
			seg := Segment{Kind: SegmentDecrypted, Text: string(mimepart.ToUTF8(d.plain, charset)),
				Encryption: verdict.EncryptionResult{Success: true, IntegrityProtected: true, Algorithm: d.algorithm, Key: d.key, Comment: "Decrypted with your key " + d.key + "."}}
			wipe(d.plain)
			if d.md != nil && d.md.IsSigned {
				seg.Signed, seg.Sign = true, sp.s.judge(d.md)
			}
			segs = append(segs, seg)
		}
	}
	flush()
	return segs
}

// pieceKind is what inlinePieces found at one stretch of a text.
type pieceKind int

const (
	piecePlain     pieceKind = iota // text outside any block
	pieceOther                      // an armored block that is no message (a detached signature, a private key)
	pieceKey                        // an armored public key
	pieceSigned                     // a cleartext-signed block with its signature
	pieceEncrypted                  // an armored encrypted message
	pieceDamaged                    // an encrypted message whose armor cannot be decoded (cut off)
)

// piece is one stretch text[start:end] and what it holds.
type piece struct {
	kind       pieceKind
	start, end int
	signed     []byte             // pieceSigned: the signed text
	sign       verdict.SignResult // pieceSigned: its verdict
	d          decrypted          // pieceEncrypted
}

// inlinePieces cuts a text at its OpenPGP blocks (RFC 9580 sections 6 and
// 7), decrypting and verifying each: the one parser behind both Process
// (scanText) and InlineSplitter, so that the display never disagrees with
// the stored result about what a block is. The pieces cover the text, in
// order.
func (s *state) inlinePieces(text string) []piece {
	if !strings.Contains(text, "-----BEGIN PGP ") {
		// No block (most mail): the whole text, as the loop below would
		// give it, without copying the text for findArmor.
		if text == "" {
			return nil
		}
		return []piece{{kind: piecePlain, start: 0, end: len(text)}}
	}
	var out []piece
	pos := 0
	for pos < len(text) {
		blocks, aerr := findArmor([]byte(text[pos:]))
		for i := 0; i < len(blocks); i++ {
			b := blocks[i]
			start, end := pos+b.Start, pos+b.End
			if start > lastEnd(out) {
				out = append(out, piece{kind: piecePlain, start: lastEnd(out), end: start})
			}
			switch b.Type {
			case armorMessage:
				out = append(out, piece{kind: pieceEncrypted, start: start, end: end, d: s.decrypt([]byte(text[start:end]))})
			case armorSigned:
				// The signature block follows as the next armor block.
				if i+1 < len(blocks) && blocks[i+1].Type == armorSignature {
					end = pos + blocks[i+1].End
					i++
				}
				plain, r := s.verifyClearsigned([]byte(text[start:end]))
				out = append(out, piece{kind: pieceSigned, start: start, end: end, signed: plain, sign: r})
			case armorPublicKey:
				out = append(out, piece{kind: pieceKey, start: start, end: end})
			default:
				out = append(out, piece{kind: pieceOther, start: start, end: end})
			}
		}
		pos = lastEnd(out)
		if aerr == nil {
			break
		}
		// findArmor stopped at a block it cannot decode (cut off, bad
		// base64, a cleartext signature without its signature). An
		// encrypted one is kept apart, so that it is never shown as if it
		// were text; of another, its BEGIN line stays text. The search goes
		// on after it: a later block must not be shown as text either.
		j := strings.Index(text[pos:], "-----BEGIN PGP ")
		if j < 0 {
			break
		}
		begin := pos + j
		lineEnd := len(text)
		if k := strings.IndexByte(text[begin:], '\n'); k >= 0 {
			lineEnd = begin + k + 1
		}
		if strings.TrimSpace(text[begin:lineEnd]) != "-----BEGIN "+armorMessage+"-----" {
			out = append(out, piece{kind: piecePlain, start: pos, end: lineEnd})
			pos = lineEnd
			continue
		}
		if begin > pos {
			out = append(out, piece{kind: piecePlain, start: pos, end: begin})
		}
		end := len(text)
		if k := strings.Index(text[lineEnd:], "-----END "+armorMessage+"-----"); k >= 0 {
			end = lineEnd + k + len("-----END "+armorMessage+"-----")
		}
		out = append(out, piece{kind: pieceDamaged, start: begin, end: end})
		pos = end
	}
	if pos := lastEnd(out); pos < len(text) {
		out = append(out, piece{kind: piecePlain, start: pos, end: len(text)})
	}
	return out
}

func lastEnd(ps []piece) int {
	if len(ps) == 0 {
		return 0
	}
	return ps[len(ps)-1].end
}
