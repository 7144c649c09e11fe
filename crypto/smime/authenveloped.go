package smime

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
)

// AuthEnvelopedData with AES-GCM, RFC 5083 and RFC 5084. smallstep/pkcs7
// only puts AES-GCM inside a plain EnvelopedData (a non-standard form
// other clients do not read) and cannot parse AuthEnvelopedData, so both
// directions are written here.

// gcmParameters is RFC 5084 section 3.2.
type gcmParameters struct {
	Nonce  []byte
	ICVLen int `asn1:"optional,default:12"`
}

func gcmKeyLen(oid asn1.ObjectIdentifier) int {
	switch {
	case oid.Equal(oidAES128GCM):
		return 16
	case oid.Equal(oidAES192GCM):
		return 24
	case oid.Equal(oidAES256GCM):
		return 32
	}
	return 0
}

func openAuthEnveloped(ad *authEnvelopedDataASN, alg pkix.AlgorithmIdentifier, cek, ct []byte) ([]byte, error) {
	kl := gcmKeyLen(alg.Algorithm)
	if kl == 0 {
		return nil, errors.New("unsupported authenticated encryption " + alg.Algorithm.String())
	}
	if len(cek) != kl {
		return nil, errors.New("the decrypted key has the wrong length")
	}
	var p gcmParameters
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
		return nil, errors.New("bad AES-GCM parameters")
	}
	if p.ICVLen < 12 || p.ICVLen > 16 || len(p.Nonce) == 0 || len(p.Nonce) > 64 || len(ad.MAC) != p.ICVLen {
		return nil, errors.New("bad AES-GCM parameters")
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	var aead cipher.AEAD
	if len(p.Nonce) == 12 {
		aead, err = cipher.NewGCMWithTagSize(block, p.ICVLen)
	} else if p.ICVLen == 16 {
		aead, err = cipher.NewGCMWithNonceSize(block, len(p.Nonce))
	} else {
		return nil, errors.New("unsupported AES-GCM nonce/tag sizes")
	}
	if err != nil {
		return nil, err
	}
	// RFC 5083 section 2.2: authAttrs are authenticated as a DER SET OF.
	var aad []byte
	if len(ad.AuthAttrs.FullBytes) > 0 {
		aad = append([]byte{0x31}, ad.AuthAttrs.FullBytes[1:]...)
	}
	plain, err := aead.Open(nil, p.Nonce, append(append([]byte{}, ct...), ad.MAC...), aad)
	if err != nil {
		return nil, errors.New("the authentication tag does not match: the content was altered")
	}
	return plain, nil
}

// sealGCM encrypts for AuthEnvelopedData: returns the algorithm
// identifier, ciphertext and tag.
func sealGCM(cek, nonce, plain []byte) (pkix.AlgorithmIdentifier, []byte, []byte, error) {
	block, err := aes.NewCipher(cek)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, nil, err
	}
	params, err := asn1.Marshal(gcmParameters{Nonce: nonce, ICVLen: 16})
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, nil, err
	}
	out := aead.Seal(nil, nonce, plain, nil)
	oid := oidAES256GCM
	if len(cek) == 16 {
		oid = oidAES128GCM
	}
	return pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.RawValue{FullBytes: params}},
		out[:len(out)-16], out[len(out)-16:], nil
}
