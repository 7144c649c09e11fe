package security

import (
	"bytes"
	"context"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/mime"
	"github.com/sealdesk/sealdesk/store"
)

// Display is an article's content as the article view shows it: sections
// labelled by origin (mail/mime), judged by the article's stored result.
type Display struct {
	Article  store.Article
	Sections []mime.Section
}

// Display reads an article for the view. The protected entity comes from
// the sealed cache when there is one; otherwise the engines run again over
// the raw message, without logging or storing anything (they are not
// "processing" the article, only unwrapping it for display). An article
// whose stored result says decryption failed is not decrypted here even if
// a key arrived since: its label would be wrong; Retry is the way.
func (s *Processing) Display(ctx context.Context, articleID int64) (Display, error) {
	a, err := s.p.Store.Article(ctx, articleID)
	if err != nil {
		return Display{}, err
	}
	ks := s.keySet(ctx)
	defer ks.Release()
	entity, whole := s.displayEntity(ks, a)
	var opts mime.SplitOptions
	// Inline blocks are cut out of every unprotected body, whatever the
	// article's technology: the engine reads one alternative of a
	// multipart/alternative (the plain text), the view may show another,
	// and a block shown as plain text would show its armor as content.
	if !whole {
		opts.Inline = s.inlineParts(ks, a.Raw)
	}
	secs, err := mime.SplitWith(a.Raw, entity, whole, opts)
	if err != nil {
		return Display{Article: a}, err
	}
	return Display{Article: a, Sections: secs}, nil
}

// displayEntity returns the entity the engines display (nil: nothing could
// be decrypted) and whether it stands for the whole message (inline
// OpenPGP, whose protected text has no MIME entity of its own).
func (s *Processing) displayEntity(ks *keySet, a store.Article) ([]byte, bool) {
	r := a.Security
	if r.Type == verdict.TechNone && !r.Signed && !r.Encrypted {
		return a.Raw, false
	}
	if r.Encrypted && !r.Encryption.Success {
		return nil, false
	}
	// A repaired Exchange rewrite (verdict.RepairExchangePGPMIME) is a
	// multipart/encrypted in all but its label, and a gateway's
	// message/rfc822 wrapper (RepairGatewayRFC822) holds nothing but the
	// message: the unwrapped entity stands for the whole message, whose
	// raw parts (an empty text, the control part, the ciphertext; the
	// wrapped message) are no content of their own.
	repaired := r.Repaired == verdict.RepairExchangePGPMIME || r.Repaired == verdict.RepairGatewayRFC822
	if a.SealedContent != nil {
		if sealer, err := s.p.Sealer(); err == nil {
			if plain, err := sealer.Open(a.SealedContent, ArticleAAD(a.ID)); err == nil && !bytes.Equal(plain, a.Raw) {
				return plain, repaired
			}
		}
	}
	p, err := ks.process(a.Raw, s.now())
	if err != nil || p.Entity == nil || (r.Encrypted && !p.Result.Encryption.Success) {
		return nil, false
	}
	if repaired {
		return p.Entity, true
	}
	if bytes.Equal(p.Entity, a.Raw) && r.Type == verdict.TechPGP && (r.Encryption.Success || r.Sign.Success) {
		// Inline OpenPGP over the whole text: the engine's text is the
		// protected content.
		return []byte("Content-Type: text/plain; charset=utf-8\r\n\r\n" + p.Text), true
	}
	return p.Entity, false
}

// inlineParts cuts the unprotected text bodies of an OpenPGP article at
// their inline blocks (cleartext-signed, armored encrypted), each block a
// section of its own with its own verdict, so that a partly protected
// message is shown part by part: the text around a block stays "not
// protected", a decrypted block is never merged with it, and a block
// that cannot be opened says so instead of showing its ciphertext. The
// article's result is untouched: a block's valid signature is never the
// message's. It decrypts in memory only and logs nothing. When the
// OpenPGP keyring cannot be had, the bodies are shown as sent.
// Not safe for concurrent use (one Split calls it).
func (s *Processing) inlineParts(ks *keySet, raw []byte) func(string, bool, string) []mime.InlinePart {
	var (
		sp    *pgp.InlineSplitter
		on    Integrations
		tried bool
	)
	// The keyring is loaded on the first body that holds a block, not for
	// every OpenPGP article shown.
	load := func() {
		tried = true
		var err error
		if on, err = ks.Integrations(); err != nil {
			return
		}
		var kr pgp.Keyring = pgp.NewMemoryKeyring()
		if on.PGP {
			k, err := ks.PGP()
			if err != nil {
				return
			}
			kr = k
		}
		sp, _ = pgp.NewEngine(kr).InlineSplitter(raw, pgp.ProcessOptions{Now: s.now()})
	}
	return func(text string, html bool, charset string) []mime.InlinePart {
		if !strings.Contains(text, "-----BEGIN PGP ") {
			return nil
		}
		if !tried {
			load()
		}
		if sp == nil {
			return nil
		}
		segs := sp.Split(text, html, charset)
		if len(segs) == 0 {
			return nil
		}
		out := make([]mime.InlinePart, 0, len(segs))
		for _, sg := range segs {
			out = append(out, inlinePart(sg, on.PGP))
		}
		return out
	}
}

// inlinePart labels one segment. The label is short; the notices say the
// same at length, with the engine's reasons.
func inlinePart(sg pgp.Segment, on bool) mime.InlinePart {
	switch sg.Kind {
	case pgp.SegmentSigned:
		// mime.Unchecked: a signature over part of a message is never the
		// message's signature, however valid it is for the block.
		if sg.Sign.Success {
			return mime.InlinePart{Origin: mime.Unchecked, Text: sg.Text,
				Label:   "Signed block: signature valid for this block only" + signerName(sg.Sign),
				Notices: []string{sg.Sign.Comment + " It covers only this block, not the message: the text around it is not signed."}}
		}
		return mime.InlinePart{Origin: mime.Unchecked, Text: sg.Text, Label: "Signed block: signature NOT valid",
			Notices: []string{orElse(sg.Sign.Comment, "The signature of this block could not be checked.") + " Treat this block as not signed."}}
	case pgp.SegmentDecrypted:
		label := "Decrypted block"
		notices := []string{sg.Encryption.Comment + " Only this block was encrypted: what is shown outside it travelled readable by anyone."}
		if sg.Signed {
			if sg.Sign.Success {
				label += ", signed inside: signature valid for this block only" + signerName(sg.Sign)
			} else {
				label += ", signed inside: signature NOT valid"
			}
			notices = append(notices, sg.Sign.Comment)
		}
		return mime.InlinePart{Origin: mime.Protected, Label: label, Text: sg.Text, Notices: notices}
	case pgp.SegmentUnopened:
		c := sg.Encryption.Comment
		if !on {
			c = "OpenPGP is switched off in Settings > Integrations: switch it on to decrypt it."
		}
		return mime.InlinePart{Origin: mime.Unopened, Label: "Encrypted block that was not decrypted",
			Notices: []string{orElse(c, "This encrypted block could not be decrypted.")}}
	}
	return mime.InlinePart{Origin: mime.Unprotected, Text: sg.Text}
}

func signerName(r verdict.SignResult) string {
	if len(r.Signers) == 0 {
		return ""
	}
	who := r.Signers[0].Subject
	if who == "" {
		who = r.Signers[0].Fingerprint
	}
	return " (" + who + ")"
}

func orElse(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// Attachment returns one attachment of an article's display by its index.
func (s *Processing) Attachment(ctx context.Context, articleID int64, index int) (mime.Attachment, error) {
	d, err := s.Display(ctx, articleID)
	if err != nil {
		return mime.Attachment{}, err
	}
	for _, sec := range d.Sections {
		for _, at := range sec.Attachments {
			if at.Index == index {
				return at, nil
			}
		}
	}
	return mime.Attachment{}, store.ErrNotFound
}

// Warning is a security problem of an article in plain language, with
// what the agent can do about it.
type Warning struct {
	// Kind is stable for the UI: sender_key_missing, our_key_missing,
	// untrusted, from_mismatch, expired, tampered, partial,
	// not_integrity_protected, switched_off, other, and the sender and
	// date reason codes of crypto.Reason (see reasonWarnings).
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Fix   string `json:"fix"`
	// Retry: fixing it and pressing "Retry security process" can change
	// the outcome.
	Retry bool `json:"retry"`
}

// Warnings derives the warnings of a result: one per failed check of the
// signature (in check order), one for a failed decryption, and one for
// content that is encrypted without integrity protection and not signed.
func Warnings(r verdict.Result) []Warning {
	out := []Warning{}
	off := strings.Contains(r.Sign.Comment+r.Encryption.Comment, "switched off in Settings")
	if off {
		return append(out, Warning{Kind: "switched_off", Title: string(r.Type) + " is switched off",
			Fix: "Switch it on in Settings > Integrations; the message is checked again then.", Retry: true})
	}
	if r.Signed && !r.Sign.Success {
		seen := map[string]bool{}
		for _, c := range r.Sign.Checks {
			if c.OK {
				continue
			}
			w, ok := checkWarning(c)
			if !ok || seen[w.Kind] {
				continue
			}
			seen[w.Kind] = true
			out = append(out, w)
		}
		if len(seen) == 0 {
			out = append(out, Warning{Kind: "other", Title: "The signature is not valid", Fix: r.Sign.Comment, Retry: true})
		}
	}
	if r.Encrypted && !r.Encryption.Success {
		c := r.Encryption.Comment
		switch {
		case strings.Contains(c, "integrity protection"):
			out = append(out, Warning{Kind: "not_integrity_protected", Title: "Not integrity-protected",
				Fix: "The message uses an obsolete encryption format open to tampering and was not decrypted: ask the sender to update their OpenPGP software and send it again."})
		case strings.Contains(c, "are missing") || strings.Contains(c, "no secret key"):
			out = append(out, Warning{Kind: "our_key_missing",
				Title: "Our certificate and private key for this message are missing — maybe the sender used the wrong certificate",
				Fix:   "Import the certificate and private key (or OpenPGP secret key) it was encrypted to, then Retry; or ask the sender to encrypt to your current certificate.", Retry: true})
		default:
			out = append(out, Warning{Kind: "other", Title: "The message could not be decrypted", Fix: c, Retry: true})
		}
	}
	// The typed field decides, not the algorithm's name: the engines write
	// the key transport beside it ("AES-256-CBC, RSA PKCS #1 v1.5").
	if r.Encrypted && r.Encryption.Success && !r.Encryption.IntegrityProtected && !(r.Signed && r.Sign.Success) {
		out = append(out, Warning{Kind: "not_integrity_protected", Title: "Not integrity-protected",
			Fix: "It was encrypted with " + r.Encryption.Algorithm + ", which carries no integrity check, and it is not validly signed: someone on the way could have changed it. Confirm anything important with the sender."})
	}
	return out
}

// signWarnings maps the engines' check names (crypto.Check.Name) onto
// what the agent reads.
var signWarnings = map[string]Warning{
	"certificate": {Kind: "sender_key_missing", Title: "The sender's certificate is missing",
		Fix: "Import the sender's certificate in Certificates, then Retry.", Retry: true},
	"key": {Kind: "sender_key_missing", Title: "The sender's public key is missing",
		Fix: "Import the sender's public key in PGP keys, then Retry.", Retry: true},
	"chain": {Kind: "untrusted", Title: "The sender's certificate is not issued by a CA you trust",
		Fix: "If you trust that CA, import its certificate in Certificates, then Retry. Otherwise treat the message as not signed.", Retry: true},
	"from": {Kind: "from_mismatch", Title: "Signed by a different address than the sender",
		Fix: "The signer is not the address in From: confirm with the sender through another channel before acting on it."},
	"validity": {Kind: "expired", Title: "Expired",
		Fix: "The signer's certificate or key is expired or not valid yet: ask the sender for the renewed one, import it, then Retry.", Retry: true},
	"digest": {Kind: "tampered", Title: "The message was changed after it was signed",
		Fix: "Do not trust its content; ask the sender to send it again."},
	"signature": {Kind: "tampered", Title: "The signature does not match the message",
		Fix: "The message was changed or forged: do not trust its content, and ask the sender to send it again."},
	"structure": {Kind: "partial", Title: "Only part of this message is signed, or the signature is damaged",
		Fix: "Treat the message as not signed; ask the sender to send it again if it matters."},
	"key usage": {Kind: "other", Title: "The sender's certificate is not meant for e-mail signatures",
		Fix: "Treat the message as not signed; the sender needs an e-mail (S/MIME) certificate."},
}
