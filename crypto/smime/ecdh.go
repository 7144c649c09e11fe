package smime

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
)

// ECDH key agreement for CMS, RFC 5753 section 3.1 (ephemeral-static,
// dhSinglePass-stdDH and -cofactorDH with the ANSI X9.63 KDF), and the AES
// key wrap of RFC 3394. smallstep/pkcs7 has no key agreement at all, so it
// is written here.

var (
	oidStdDHSHA1KDF        = asn1.ObjectIdentifier{1, 3, 133, 16, 840, 63, 0, 2}
	oidStdDHSHA224KDF      = asn1.ObjectIdentifier{1, 3, 132, 1, 11, 0}
	oidStdDHSHA256KDF      = asn1.ObjectIdentifier{1, 3, 132, 1, 11, 1}
	oidStdDHSHA384KDF      = asn1.ObjectIdentifier{1, 3, 132, 1, 11, 2}
	oidStdDHSHA512KDF      = asn1.ObjectIdentifier{1, 3, 132, 1, 11, 3}
	oidCofactorDHSHA1KDF   = asn1.ObjectIdentifier{1, 3, 133, 16, 840, 63, 0, 3}
	oidCofactorDHSHA224KDF = asn1.ObjectIdentifier{1, 3, 132, 1, 14, 0}
	oidCofactorDHSHA256KDF = asn1.ObjectIdentifier{1, 3, 132, 1, 14, 1}
	oidCofactorDHSHA384KDF = asn1.ObjectIdentifier{1, 3, 132, 1, 14, 2}
	oidCofactorDHSHA512KDF = asn1.ObjectIdentifier{1, 3, 132, 1, 14, 3}
)

// ECDHKey is implemented by EC private keys held outside the process (a
// keychain) that can do ECDH but not expose the scalar. *ecdh.PrivateKey
// implements it.
type ECDHKey interface {
	ECDH(remote *ecdh.PublicKey) ([]byte, error)
}

func kdfHash(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidStdDHSHA1KDF), oid.Equal(oidCofactorDHSHA1KDF):
		return crypto.SHA1, true
	case oid.Equal(oidStdDHSHA224KDF), oid.Equal(oidCofactorDHSHA224KDF):
		return crypto.SHA224, true
	case oid.Equal(oidStdDHSHA256KDF), oid.Equal(oidCofactorDHSHA256KDF):
		return crypto.SHA256, true
	case oid.Equal(oidStdDHSHA384KDF), oid.Equal(oidCofactorDHSHA384KDF):
		return crypto.SHA384, true
	case oid.Equal(oidStdDHSHA512KDF), oid.Equal(oidCofactorDHSHA512KDF):
		return crypto.SHA512, true
	}
	return 0, false
}

func wrapKeyLen(oid asn1.ObjectIdentifier) int {
	switch {
	case oid.Equal(oidAES128Wrap):
		return 16
	case oid.Equal(oidAES192Wrap):
		return 24
	case oid.Equal(oidAES256Wrap):
		return 32
	}
	return 0
}

// eccCMSSharedInfo is RFC 5753 section 7.2.
type eccCMSSharedInfo struct {
	KeyInfo     pkix.AlgorithmIdentifier
	EntityUInfo []byte `asn1:"explicit,optional,tag:0"`
	SuppPubInfo []byte `asn1:"explicit,tag:2"`
}

// x963KDF is the ANSI X9.63 KDF of RFC 5753 section 7.2.
func x963KDF(h crypto.Hash, z []byte, wrapOID asn1.ObjectIdentifier, ukm []byte, keyLen int) ([]byte, error) {
	supp := make([]byte, 4)
	binary.BigEndian.PutUint32(supp, uint32(keyLen*8))
	info, err := asn1.Marshal(eccCMSSharedInfo{KeyInfo: pkix.AlgorithmIdentifier{Algorithm: wrapOID}, EntityUInfo: ukm, SuppPubInfo: supp})
	if err != nil {
		return nil, err
	}
	var out []byte
	for counter := uint32(1); len(out) < keyLen; counter++ {
		d := h.New()
		d.Write(z)
		binary.Write(d, binary.BigEndian, counter)
		d.Write(info)
		out = d.Sum(out)
	}
	return out[:keyLen], nil
}

func ecdhCurve(pub any) (ecdh.Curve, error) {
	p, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("not an EC key")
	}
	k, err := p.ECDH()
	if err != nil {
		return nil, err
	}
	return k.Curve(), nil
}

// keyAgree recovers the CEK from a KeyAgreeRecipientInfo.
func keyAgree(key crypto.Signer, cert *x509.Certificate, ka *keyAgreeRecipientInfoASN, ek []byte) ([]byte, string, error) {
	h, ok := kdfHash(ka.KeyEncryptionAlgorithm.Algorithm)
	if !ok {
		return nil, "", fmt.Errorf("unsupported key agreement %s", ka.KeyEncryptionAlgorithm.Algorithm)
	}
	// SHA-1 is accepted here (decryption only): a KDF needs no collision
	// resistance.
	var wrapAlg pkix.AlgorithmIdentifier
	if _, err := asn1.Unmarshal(ka.KeyEncryptionAlgorithm.Parameters.FullBytes, &wrapAlg); err != nil {
		return nil, "", errors.New("bad key wrap parameters")
	}
	kl := wrapKeyLen(wrapAlg.Algorithm)
	if kl == 0 {
		return nil, "", fmt.Errorf("unsupported key wrap %s", wrapAlg.Algorithm)
	}
	// originator [0] EXPLICIT OriginatorIdentifierOrKey: we need the
	// [1] originatorKey choice (ephemeral-static, RFC 5753 section 3.1.1).
	var orig asn1.RawValue
	if _, err := asn1.Unmarshal(ka.Originator.Bytes, &orig); err != nil || orig.Class != asn1.ClassContextSpecific || orig.Tag != 1 {
		return nil, "", errors.New("only ephemeral originator keys are supported")
	}
	var opk originatorPublicKeyASN
	if _, err := asn1.Unmarshal(append([]byte{0x30}, orig.FullBytes[1:]...), &opk); err != nil {
		return nil, "", errors.New("bad originator key")
	}
	curve, err := ecdhCurve(cert.PublicKey)
	if err != nil {
		return nil, "", err
	}
	remote, err := curve.NewPublicKey(opk.PublicKey.RightAlign())
	if err != nil {
		return nil, "", errors.New("bad originator key point")
	}
	var z []byte
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		priv, err := k.ECDH()
		if err != nil {
			return nil, "", err
		}
		z, err = priv.ECDH(remote)
		if err != nil {
			return nil, "", err
		}
	case ECDHKey:
		if z, err = k.ECDH(remote); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", errors.New("the key cannot do ECDH")
	}
	defer clear(z)
	kek, err := x963KDF(h, z, wrapAlg.Algorithm, ka.UKM, kl)
	if err != nil {
		return nil, "", err
	}
	defer clear(kek)
	cek, err := aesKeyUnwrap(kek, ek)
	if err != nil {
		return nil, "", err
	}
	return cek, fmt.Sprintf("ECDH (%s KDF, AES-%d key wrap)", h, kl*8), nil
}

var kwIV = []byte{0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6}

// aesKeyWrap is RFC 3394 section 2.2.1.
func aesKeyWrap(kek, plain []byte) ([]byte, error) {
	if len(plain)%8 != 0 || len(plain) < 16 {
		return nil, errors.New("smime: key wrap input must be a multiple of 8 bytes")
	}
	b, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	n := len(plain) / 8
	a := append([]byte{}, kwIV...)
	r := append([]byte{}, plain...)
	buf := make([]byte, 16)
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			copy(buf, a)
			copy(buf[8:], r[(i-1)*8:i*8])
			b.Encrypt(buf, buf)
			t := uint64(n*j + i)
			copy(a, buf[:8])
			binary.BigEndian.PutUint64(a, binary.BigEndian.Uint64(a)^t)
			copy(r[(i-1)*8:], buf[8:])
		}
	}
	return append(a, r...), nil
}

// aesKeyUnwrap is RFC 3394 section 2.2.2 with the integrity check.
func aesKeyUnwrap(kek, wrapped []byte) ([]byte, error) {
	if len(wrapped)%8 != 0 || len(wrapped) < 24 {
		return nil, errors.New("bad wrapped key length")
	}
	b, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	n := len(wrapped)/8 - 1
	a := append([]byte{}, wrapped[:8]...)
	r := append([]byte{}, wrapped[8:]...)
	buf := make([]byte, 16)
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(buf, binary.BigEndian.Uint64(a)^t)
			copy(buf[8:], r[(i-1)*8:i*8])
			b.Decrypt(buf, buf)
			copy(a, buf[:8])
			copy(r[(i-1)*8:], buf[8:])
		}
	}
	if !bytes.Equal(a, kwIV) {
		return nil, errors.New("key unwrap integrity check failed (wrong key)")
	}
	return r, nil
}
