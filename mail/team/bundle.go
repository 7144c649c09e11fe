package team

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// A bundle record hands the helpdesk's own key to a colleague through the
// team folder, the way an Autocrypt Setup Message (Autocrypt 1.1 section
// 4.4) hands a key to the user's other device: a multipart/mixed message
// with a text part for people, the record's JSON, and the bundle as an
// attachment, encrypted under a passphrase that travels out of band. The
// record says which key; the passphrase is never in it.
//
//	multipart/mixed
//	├─ text/plain            what this is, for someone browsing the folder
//	├─ application/json      the record: {"bundle": {format, fingerprint, …}, agent, at}
//	└─ application/pkcs12 or application/pgp-keys (attachment, base64)

// MaxBundleSize bounds a bundle record message; other kinds stay under
// MaxSize.
const MaxBundleSize = 256 << 10

// The bundle formats.
const (
	// FormatPKCS12: Data is a DER PKCS #12 file (RFC 7292) with a MAC.
	FormatPKCS12 = "pkcs12"
	// FormatOpenPGP (shared with key records): in a bundle, Data is an
	// armored OpenPGP secret key whose secret key packets are all
	// S2K-protected (RFC 4880 section 5.5.3).
)

// Bundle is what a bundle record says, and its attachment.
type Bundle struct {
	Format string `json:"format"`
	// Fingerprint: the certificate's SHA-256 or the OpenPGP key's
	// fingerprint, upper or lower hex.
	Fingerprint string   `json:"fingerprint"`
	Addresses   []string `json:"addresses,omitempty"`
	// Label names the key for people (the certificate's common name, the
	// key's user ID).
	Label string `json:"label,omitempty"`
	// Data is the encrypted bundle (the attachment).
	Data []byte `json:"-"`
}

// ErrUnprotectedBundle: the data of a bundle is not in its protected form
// (a PEM private key, an unencrypted PKCS #8 or PKCS #12 key bag, an
// OpenPGP secret key without S2K). Build refuses it, so nothing of the
// kind is ever written to the server, and Parse refuses to offer it.
var ErrUnprotectedBundle = errors.New("team: a bundle must hold the key only in passphrase-protected form")

func (b *Bundle) check() error {
	if b == nil {
		return errors.New("needs bundle")
	}
	if b.Format != FormatPKCS12 && b.Format != FormatOpenPGP {
		return fmt.Errorf("format %q is neither %s nor %s", b.Format, FormatPKCS12, FormatOpenPGP)
	}
	if _, err := hex.DecodeString(b.Fingerprint); err != nil || len(b.Fingerprint) < 32 || len(b.Fingerprint) > 64 {
		return fmt.Errorf("fingerprint %q is not 16 to 32 bytes of hex", b.Fingerprint)
	}
	if strings.ContainsAny(b.Label+strings.Join(b.Addresses, ""), "\r\n\x00") {
		return errors.New("a line break or NUL in a field")
	}
	if len(b.Data) == 0 {
		return errors.New("no attachment")
	}
	return b.protected()
}

// protected is a guard on the form of Data, not a proof of its strength.
//
// WARNING: a PKCS #12 file's encrypted content is not opened (that needs
// the passphrase): the check is that it has a MAC, no PEM private key and
// no plain keyBag (RFC 7292 section 4.2.1) anywhere in its DER.
func (b *Bundle) protected() error {
	// A PEM private key of any kind ("PGP PRIVATE KEY BLOCK-----" does
	// not match).
	if bytes.Contains(b.Data, []byte("PRIVATE KEY-----")) {
		return fmt.Errorf("%w: a PEM private key", ErrUnprotectedBundle)
	}
	switch b.Format {
	case FormatPKCS12:
		if len(b.Data) < 2 || b.Data[0] != 0x30 || bytes.Contains(b.Data, oidKeyBagDER) || !hasMAC(b.Data) {
			return ErrUnprotectedBundle
		}
	case FormatOpenPGP:
		blk, err := armor.Decode(bytes.NewReader(b.Data))
		if err != nil || blk.Type != "PGP PRIVATE KEY BLOCK" {
			return fmt.Errorf("%w: not an armored OpenPGP secret key", ErrUnprotectedBundle)
		}
		pr := packet.NewReader(blk.Body)
		secrets := 0
		for {
			p, err := pr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("%w: %v", ErrUnprotectedBundle, err)
			}
			if sk, ok := p.(*packet.PrivateKey); ok {
				if !sk.Encrypted && !sk.Dummy() {
					return fmt.Errorf("%w: a secret key packet without S2K protection", ErrUnprotectedBundle)
				}
				secrets++
			}
		}
		if secrets == 0 {
			return fmt.Errorf("%w: no secret key", ErrUnprotectedBundle)
		}
	}
	return nil
}

// oidKeyBagDER is the DER of pkcs-12 keyBag (1.2.840.113549.1.12.10.1.1),
// a private key in the clear.
var oidKeyBagDER = []byte{0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x01}

// hasMAC reports whether a PFX carries macData (RFC 7292 section 4):
// PFX ::= SEQUENCE { version, authSafe ContentInfo, macData OPTIONAL }.
func hasMAC(der []byte) bool {
	var pfx struct {
		Version  int
		AuthSafe struct {
			ContentType asn1.ObjectIdentifier
			Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
		}
		MacData asn1.RawValue `asn1:"optional"`
	}
	if rest, err := asn1.Unmarshal(der, &pfx); err != nil || len(rest) != 0 {
		return false
	}
	// RFC 7292 section 4: authSafe is data (password integrity mode).
	return pfx.AuthSafe.ContentType.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}) &&
		pfx.MacData.Tag == asn1.TagSequence && pfx.MacData.IsCompound
}

func (b *Bundle) subject() string {
	return fmt.Sprintf("%s %s for a colleague", b.Label, b.Fingerprint)
}

// contentType is the attachment's media type.
func (b *Bundle) contentType() (ctype, filename string) {
	short := b.Fingerprint
	if len(short) > 16 {
		short = short[:16]
	}
	if b.Format == FormatPKCS12 {
		return "application/pkcs12", "sealdesk-" + strings.ToLower(short) + ".p12"
	}
	return "application/pgp-keys", "sealdesk-" + strings.ToLower(short) + ".asc"
}

const bundleText = `This message holds a SealDesk key for a colleague: %s (%s).
The key is encrypted with a passphrase, which is not in this message.
Ask the colleague who left it here for the passphrase (by phone or in
person, not by mail), then import it in SealDesk (Administration, Team
bundles) or with: sealctl bundle import UID --passphrase-file F
`

// writeBundleBody writes the Content-Type header and the multipart body.
func writeBundleBody(b *bytes.Buffer, record []byte, bd *Bundle) {
	rnd := make([]byte, 12)
	_, _ = rand.Read(rnd)
	boundary := "sealdesk-bundle-" + hex.EncodeToString(rnd)
	fmt.Fprintf(b, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", boundary)
	fmt.Fprintf(b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", boundary)
	b.WriteString(strings.ReplaceAll(fmt.Sprintf(bundleText, bd.Label, bd.Fingerprint), "\n", "\r\n"))
	fmt.Fprintf(b, "\r\n--%s\r\nContent-Type: application/json; charset=utf-8\r\n\r\n", boundary)
	b.Write(record)
	ctype, name := bd.contentType()
	fmt.Fprintf(b, "\r\n--%s\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename=%q\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		boundary, ctype, name)
	enc := base64.StdEncoding.EncodeToString(bd.Data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	fmt.Fprintf(b, "--%s--\r\n", boundary)
}

// maxBundleParts bounds the parts read from a bundle record.
const maxBundleParts = 8

// parseBundle reads the multipart body of a bundle record: exactly one
// JSON part (the record) and one attachment (the bundle).
func parseBundle(r Record, h textproto.Header, body io.Reader) (Record, error) {
	bad := func(what string, err error) (Record, error) {
		if err != nil {
			what += ": " + err.Error()
		}
		return r, fmt.Errorf("%w: bundle record: %s", ErrInvalid, what)
	}
	e, err := message.New(message.Header{Header: h}, body)
	if err != nil {
		return bad("body", err)
	}
	mr := e.MultipartReader()
	if mr == nil {
		return bad("not multipart/mixed", nil)
	}
	var record, data []byte
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return bad("part", err)
		}
		if n >= maxBundleParts {
			return bad("too many parts", nil)
		}
		ct, _, _ := p.Header.ContentType()
		disp, _, _ := p.Header.ContentDisposition()
		switch {
		case ct == "application/json" && record == nil:
			if record, err = io.ReadAll(io.LimitReader(p.Body, MaxSize)); err != nil {
				return bad("record part", err)
			}
		case disp == "attachment" && data == nil:
			if data, err = io.ReadAll(io.LimitReader(p.Body, MaxBundleSize)); err != nil {
				return bad("attachment", err)
			}
		case ct == "application/json" || disp == "attachment":
			return bad("a second record or attachment", nil)
		}
	}
	if record == nil {
		return bad("no application/json part", nil)
	}
	if err := json.Unmarshal(record, &r); err != nil {
		return bad("record part", err)
	}
	if r.Bundle != nil {
		r.Bundle.Data = data
	}
	if err := r.check(); err != nil {
		return r, err
	}
	return r, nil
}

// Bundles reads the folder's bundle records (UID SEARCH HEADER, RFC 9051
// section 6.4.4), oldest first. A message that only looks like one comes
// back with Err set.
func (f *Folder) Bundles(ctx context.Context) ([]Fetched, error) {
	stop := f.c.Guard(ctx)
	crit := &goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: HeaderName, Value: string(KindBundle)}}}
	data, err := f.c.Raw().UIDSearch(crit, nil).Wait()
	stop()
	if err != nil {
		return nil, wrapCtx(ctx, fmt.Errorf("team: UID SEARCH: %w", err))
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return nil, nil
	}
	return f.fetch(ctx, goimap.UIDSetNum(uids...), 0)
}

// Bundle reads the bundle record at uid.
func (f *Folder) Bundle(ctx context.Context, uid uint32) (Record, error) {
	got, err := f.fetch(ctx, goimap.UIDSetNum(goimap.UID(uid)), 0)
	if err != nil {
		return Record{}, err
	}
	if len(got) != 1 || got[0].UID != uid {
		return Record{}, fmt.Errorf("%w: no message with UID %d in the team folder", ErrNoBundle, uid)
	}
	if got[0].Err != nil {
		return Record{}, got[0].Err
	}
	if got[0].Record.Kind != KindBundle {
		return Record{}, fmt.Errorf("%w: UID %d is a %s record", ErrNoBundle, uid, got[0].Record.Kind)
	}
	return got[0].Record, nil
}

// ErrNoBundle: the UID named is not a bundle record of the team folder.
var ErrNoBundle = errors.New("team: no such bundle")
