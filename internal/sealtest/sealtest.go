// Package sealtest reads, for tests, whom a sealed message names: the
// RecipientInfos of an S/MIME EnvelopedData or AuthEnvelopedData (RFC 5652
// section 6.2, RFC 5083) and the key IDs of the OpenPGP PKESK packets (RFC
// 9580 section 5.1) of a PGP/MIME encrypted message (RFC 3156 section 4).
// Tests use it to check that no copy of an outgoing message names a
// recipient it was not sent to. It reads our own output only: it is no
// parser for untrusted mail.
package sealtest

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Recipient is one S/MIME recipient identifier (issuerAndSerialNumber).
type Recipient struct {
	Issuer []byte // DER of the issuer's name
	Serial *big.Int
}

// Is reports whether r identifies c.
func (r Recipient) Is(c *x509.Certificate) bool {
	return bytes.Equal(r.Issuer, c.RawIssuer) && r.Serial.Cmp(c.SerialNumber) == 0
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type contentInfo struct {
	Type    asn1.ObjectIdentifier
	Content asn1.RawValue `asn1:"explicit,tag:0"`
}

// envelopedHead is the start of EnvelopedData and AuthEnvelopedData
// without OriginatorInfo (which our engine never writes).
type envelopedHead struct {
	Version        int
	RecipientInfos []asn1.RawValue `asn1:"set"`
	Rest           asn1.RawValue
}

type ktri struct {
	Version int
	RID     asn1.RawValue
	Alg     asn1.RawValue
	Key     []byte
}

type kari struct {
	Version    int
	Originator asn1.RawValue
	UKM        asn1.RawValue `asn1:"optional,explicit,tag:1"`
	Alg        asn1.RawValue
	Keys       []struct {
		RID asn1.RawValue
		Key []byte
	}
}

// SMIMERecipients returns the recipients named by the S/MIME encrypted
// message raw (a whole RFC 5322 message, application/pkcs7-mime).
func SMIMERecipients(t testing.TB, raw []byte) []Recipient {
	t.Helper()
	out, err := smimeRecipients(raw)
	if err != nil {
		t.Fatalf("sealtest: %v", err)
	}
	return out
}

func smimeRecipients(raw []byte) ([]Recipient, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if mt, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); mt != "application/pkcs7-mime" {
		return nil, fmt.Errorf("not an S/MIME encrypted message: %q", mt)
	}
	b64, err := io.ReadAll(msg.Body)
	if err != nil {
		return nil, err
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b64)), ""))
	if err != nil {
		return nil, err
	}
	var ci contentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("ContentInfo: %w", err)
	}
	var env envelopedHead
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &env); err != nil {
		return nil, fmt.Errorf("EnvelopedData: %w", err)
	}
	var out []Recipient
	for _, ri := range env.RecipientInfos {
		var rids []asn1.RawValue
		switch {
		case ri.Class == asn1.ClassUniversal && ri.Tag == asn1.TagSequence:
			var k ktri
			if _, err := asn1.Unmarshal(ri.FullBytes, &k); err != nil {
				return nil, fmt.Errorf("KeyTransRecipientInfo: %w", err)
			}
			rids = append(rids, k.RID)
		case ri.Class == asn1.ClassContextSpecific && ri.Tag == 1:
			var k kari
			if _, err := asn1.UnmarshalWithParams(ri.FullBytes, &k, "tag:1"); err != nil {
				return nil, fmt.Errorf("KeyAgreeRecipientInfo: %w", err)
			}
			for _, rek := range k.Keys {
				rids = append(rids, rek.RID)
			}
		default:
			return nil, fmt.Errorf("unexpected RecipientInfo (class %d, tag %d)", ri.Class, ri.Tag)
		}
		for _, rid := range rids {
			var ias issuerAndSerial
			if _, err := asn1.Unmarshal(rid.FullBytes, &ias); err != nil {
				return nil, errors.New("a recipient identifier is not an issuerAndSerialNumber")
			}
			out = append(out, Recipient{Issuer: ias.Issuer.FullBytes, Serial: ias.Serial})
		}
	}
	return out, nil
}

// PGPKeyIDs returns the key IDs of the PKESK packets of the PGP/MIME
// encrypted message raw (a whole RFC 5322 message).
func PGPKeyIDs(t testing.TB, raw []byte) []uint64 {
	t.Helper()
	out, err := pgpKeyIDs(raw)
	if err != nil {
		t.Fatalf("sealtest: %v", err)
	}
	return out
}

func pgpKeyIDs(raw []byte) ([]uint64, error) {
	armored, err := PGPPayload(raw)
	if err != nil {
		return nil, err
	}
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		return nil, err
	}
	var ids []uint64
	r := packet.NewReader(block.Body)
	for {
		p, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("reading packets: %w", err)
		}
		ek, ok := p.(*packet.EncryptedKey)
		if !ok {
			return ids, nil // the encrypted data follows the PKESKs
		}
		ids = append(ids, ek.KeyId)
	}
}

// PGPPayload returns the armored OpenPGP message of the PGP/MIME
// encrypted message raw (its second part, RFC 3156 section 4).
func PGPPayload(raw []byte) ([]byte, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if mt != "multipart/encrypted" {
		return nil, fmt.Errorf("not a PGP/MIME encrypted message: %q", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("PGP/MIME part 2: %w", err)
		}
		if i == 1 {
			return io.ReadAll(part)
		}
	}
}

// PGPKeyIDsOf returns the key IDs (primary and subkeys) of the armored
// or binary OpenPGP public keys in keys.
func PGPKeyIDsOf(t testing.TB, keys []byte) []uint64 {
	t.Helper()
	var r io.Reader = bytes.NewReader(keys)
	if block, err := armor.Decode(bytes.NewReader(keys)); err == nil {
		r = block.Body
	}
	var ids []uint64
	pr := packet.NewReader(r)
	for {
		p, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return ids
		}
		if err != nil {
			t.Fatalf("sealtest: reading keys: %v", err)
		}
		if pk, ok := p.(*packet.PublicKey); ok {
			ids = append(ids, pk.KeyId)
		}
	}
}
