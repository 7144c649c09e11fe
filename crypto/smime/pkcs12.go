package smime

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf16"

	"software.sslmate.com/src/go-pkcs12"
)

// ParsePKCS12 reads a PKCS #12 (.p12, .pfx) file (RFC 7292): the private
// key, the certificate that belongs to it, and the other certificates in
// the file (usually the issuing CAs).
//
// QUIRK: NSS writes PKCS #12 in BER with indefinite lengths at every level,
// and go-pkcs12 reads DER only (and converting to DER breaks the MAC,
// which covers the original bytes). So the PBES2 form (NSS, OpenSSL 3)
// is read here, with the MAC checked over the original bytes; the legacy
// RC2/3DES forms go to go-pkcs12, which reads those (they come from
// Windows and OpenSSL 1.x in DER).
func ParsePKCS12(data, passphrase []byte) (crypto.Signer, *x509.Certificate, []*x509.Certificate, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, nil, importErr(ReasonEmpty, "the file is empty", ErrEmpty)
	}
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		return nil, nil, nil, importErr(ReasonUnsupported, "this is a PEM file, not PKCS #12: use Add certificate or Add private key or PKCS #12 (sealctl cert import, cert key)", nil)
	}
	der, err := toDER(data)
	if err != nil {
		return nil, nil, nil, importErr(ReasonBinaryGarbage, "this file is not a PKCS #12 bundle", nil)
	}
	key, certs, err := parsePFX(der, passphrase)
	if errors.Is(err, errLegacyPKCS12) {
		var k any
		var first *x509.Certificate
		var rest []*x509.Certificate
		k, first, rest, err = pkcs12.DecodeChain(der, string(passphrase))
		if err == nil && 1+len(rest) > maxPKCS12Bags {
			return nil, nil, nil, errTooManyBags()
		}
		if err == nil {
			if key, err = checkKeyType(k); err != nil {
				return nil, nil, nil, importErr(ReasonUnsupported, "this key type is not supported for S/MIME: use an RSA or EC key", nil)
			}
			certs = append([]*x509.Certificate{first}, rest...)
		} else {
			return nil, nil, nil, pkcs12Error(err, passphrase)
		}
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if key == nil {
		return nil, nil, nil, importErr(ReasonMalformed, "the PKCS #12 file holds no private key: import the certificate with Add Certificate", nil)
	}
	// The key's certificate is not always the first bag: pick by key.
	var leaf *x509.Certificate
	var chain []*x509.Certificate
	for _, c := range certs {
		if leaf == nil && KeyMatches(c, key) {
			leaf = c
			continue
		}
		chain = append(chain, c)
	}
	if leaf == nil {
		return nil, nil, nil, importErr(ReasonMalformed, "the PKCS #12 file holds no certificate for its private key", nil)
	}
	return key, leaf, chain, nil
}

func pkcs12Error(err error, passphrase []byte) error {
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		if len(passphrase) == 0 {
			return ErrPassphraseRequired
		}
		return ErrWrongPassphrase
	case strings.Contains(err.Error(), "error reading P12 data"):
		return importErr(ReasonBinaryGarbage, "this file is not a PKCS #12 bundle", err)
	}
	return importErr(ReasonUnsupported, "this PKCS #12 file cannot be read", err)
}

var errLegacyPKCS12 = errors.New("smime: legacy PKCS #12 encryption")

// maxPKCS12Bags bounds the safe contents and bags of one PKCS #12 file:
// an identity with its chain needs a handful, and each bag is parsed (and
// may be decrypted).
const maxPKCS12Bags = 64

var (
	// ErrPKCS12NoMAC: the file holds encrypted parts but no MAC, so
	// nothing proves it is what was exported: bags, a CA certificate
	// among them, can be added to it (RFC 7292 section 4; go-pkcs12 and
	// OpenSSL refuse it too).
	ErrPKCS12NoMAC = errors.New("smime: the PKCS #12 file has no MAC")
	// ErrPKCS12TooManyBags: more than maxPKCS12Bags items.
	ErrPKCS12TooManyBags = errors.New("smime: the PKCS #12 file holds too many items")
)

func errNoMAC() error {
	return importErr(ReasonMalformed, "this PKCS #12 file is protected by a passphrase but has no integrity check (MAC): anything, a CA certificate among it, could have been added to it; export it again with a MAC", ErrPKCS12NoMAC)
}

func errTooManyBags() error {
	return importErr(ReasonUnsupported, fmt.Sprintf("this PKCS #12 file holds more than %d items: export only your key, its certificate and its CAs", maxPKCS12Bags), ErrPKCS12TooManyBags)
}

var (
	oidKeyBag            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedKeyBag    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509CertBag       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidEncryptedDataType = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
)

type pfxPDU struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

type macData struct {
	Mac        digestInfo
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue `asn1:"tag:0,explicit"`
	Attributes asn1.RawValue `asn1:"optional"`
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

type encryptedDataASN struct {
	Version              int
	EncryptedContentInfo encryptedContentInfoASN
}

func parsePFX(der, passphrase []byte) (crypto.Signer, []*x509.Certificate, error) {
	var pfx pfxPDU
	if _, err := asn1.Unmarshal(der, &pfx); err != nil || pfx.Version != 3 || !pfx.AuthSafe.ContentType.Equal(oidData) {
		return nil, nil, importErr(ReasonBinaryGarbage, "this file is not a PKCS #12 bundle", err)
	}
	var authSafe []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &authSafe); err != nil {
		return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
	}
	// Without a MAC only a file that holds nothing encrypted is read (a
	// passwordless export); encrypted parts are refused below.
	noMAC := len(pfx.MacData.Mac.Algorithm.Algorithm) == 0
	if !noMAC {
		h, ok := hashByOID(pfx.MacData.Mac.Algorithm.Algorithm)
		if !ok || h == crypto.MD5 {
			return nil, nil, errLegacyPKCS12 // PBMAC1 and friends: go-pkcs12
		}
		if pfx.MacData.Iterations <= 0 || pfx.MacData.Iterations > pbkdf2MaxIter {
			return nil, nil, importErr(ReasonMalformed, "the PKCS #12 MAC iteration count is out of range", nil)
		}
		if !checkPFXMac(h, &pfx.MacData, authSafe, passphrase) {
			if len(passphrase) == 0 {
				return nil, nil, ErrPassphraseRequired
			}
			return nil, nil, ErrWrongPassphrase
		}
	}
	safeDER, err := toDER(authSafe)
	if err != nil {
		return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
	}
	var cis []contentInfo
	if _, err := asn1.Unmarshal(safeDER, &cis); err != nil {
		return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
	}
	if len(cis) > maxPKCS12Bags {
		return nil, nil, errTooManyBags()
	}
	var key crypto.Signer
	var certs []*x509.Certificate
	nbags := 0
	for _, ci := range cis {
		var contents []byte
		switch {
		case ci.ContentType.Equal(oidData):
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &contents); err != nil {
				return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
			}
		case ci.ContentType.Equal(oidEncryptedDataType):
			if noMAC {
				return nil, nil, errNoMAC()
			}
			var ed encryptedDataASN
			if _, err := asn1.Unmarshal(ci.Content.Bytes, &ed); err != nil {
				return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
			}
			alg := ed.EncryptedContentInfo.ContentEncryptionAlgorithm
			if !alg.Algorithm.Equal(oidPBES2) {
				return nil, nil, errLegacyPKCS12
			}
			ct, err := octets(ed.EncryptedContentInfo.EncryptedContent)
			if err != nil {
				return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
			}
			if contents, err = pbes2Decrypt(alg.Parameters.FullBytes, ct, passphrase); err != nil {
				return nil, nil, err
			}
		default:
			return nil, nil, importErr(ReasonUnsupported, "this PKCS #12 file uses public-key protection, which is not supported", nil)
		}
		bagsDER, err := toDER(contents)
		if err != nil {
			return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
		}
		var bags []safeBag
		if _, err := asn1.Unmarshal(bagsDER, &bags); err != nil {
			return nil, nil, importErr(ReasonMalformed, "the PKCS #12 file is damaged", err)
		}
		if nbags += len(bags); nbags > maxPKCS12Bags {
			return nil, nil, errTooManyBags()
		}
		for _, b := range bags {
			if noMAC && b.ID.Equal(oidShroudedKeyBag) {
				return nil, nil, errNoMAC()
			}
			switch {
			case b.ID.Equal(oidCertBag):
				var cb certBag
				if _, err := asn1.Unmarshal(b.Value.Bytes, &cb); err != nil || !cb.ID.Equal(oidX509CertBag) {
					continue
				}
				c, err := x509.ParseCertificate(cb.Data)
				if err != nil {
					return nil, nil, importErr(ReasonMalformed, "a certificate in the PKCS #12 file is damaged", err)
				}
				certs = append(certs, c)
			case b.ID.Equal(oidKeyBag), b.ID.Equal(oidShroudedKeyBag):
				if key != nil {
					return nil, nil, importErr(ReasonUnsupported, "the PKCS #12 file holds several private keys: export one identity per file", nil)
				}
				var k crypto.Signer
				if b.ID.Equal(oidKeyBag) {
					k, err = parsePlainKeyDER(b.Value.Bytes)
				} else {
					var epki encryptedPrivateKeyInfo
					if _, e := asn1.Unmarshal(b.Value.Bytes, &epki); e == nil && !epki.Algorithm.Algorithm.Equal(oidPBES2) {
						return nil, nil, errLegacyPKCS12
					}
					k, err = decryptPKCS8(b.Value.Bytes, passphrase)
				}
				if err != nil {
					if errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrPassphraseRequired) {
						return nil, nil, err
					}
					return nil, nil, importErr(ReasonUnsupported, "the private key in the PKCS #12 file cannot be read", err)
				}
				key = k
			}
		}
	}
	return key, certs, nil
}

// checkPFXMac verifies the MAC (RFC 7292 appendix B with key ID 3). An
// empty passphrase is tried in both encodings implementations use.
func checkPFXMac(h crypto.Hash, md *macData, content, passphrase []byte) bool {
	pws := [][]byte{bmpString(string(passphrase))}
	if len(passphrase) == 0 {
		pws = append(pws, nil)
	}
	for _, pw := range pws {
		key := pkcs12KDF(h, pw, md.MacSalt, 3, md.Iterations, h.Size())
		m := hmac.New(h.New, key)
		m.Write(content)
		if hmac.Equal(m.Sum(nil), md.Mac.Digest) {
			return true
		}
	}
	return false
}

func bmpString(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		out = append(out, byte(c>>8), byte(c))
	}
	return append(out, 0, 0)
}

// pkcs12KDF is RFC 7292 appendix B.2.
func pkcs12KDF(h crypto.Hash, pw, salt []byte, id byte, iter, n int) []byte {
	u := h.Size()
	v := 64
	if h == crypto.SHA384 || h == crypto.SHA512 {
		v = 128
	}
	fill := func(b []byte) []byte {
		if len(b) == 0 {
			return nil
		}
		out := make([]byte, v*((len(b)+v-1)/v))
		for i := range out {
			out[i] = b[i%len(b)]
		}
		return out
	}
	d := bytes.Repeat([]byte{id}, v)
	i := append(fill(salt), fill(pw)...)
	var out []byte
	one := big.NewInt(1)
	for len(out) < n {
		hh := h.New()
		hh.Write(d)
		hh.Write(i)
		a := hh.Sum(nil)
		for r := 1; r < iter; r++ {
			hh = h.New()
			hh.Write(a)
			a = hh.Sum(nil)
		}
		out = append(out, a...)
		b := new(big.Int).SetBytes(fill(a))
		b.Add(b, one)
		mod := new(big.Int).Lsh(one, uint(v*8))
		for j := 0; j < len(i); j += v {
			ij := new(big.Int).SetBytes(i[j : j+v])
			ij.Add(ij, b).Mod(ij, mod)
			buf := ij.Bytes()
			clear(i[j : j+v])
			copy(i[j+v-len(buf):j+v], buf)
		}
		_ = u
	}
	return out[:n]
}
