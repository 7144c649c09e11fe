package pgp

import (
	"crypto"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/gopenpgp/v3/profile"
)

// sendProfile is what we write: what GnuPG 2.2 reads. v4 keys (no
// RFC 9580 v6), SEIPD v1 with MDC (RFC 4880 section 5.13; no AEAD, which
// GnuPG 2.2 cannot decrypt), AES-256, SHA-256, ZLIB, iterated+salted S2K
// for exported secret keys (no Argon2).
func sendProfile() *profile.Custom {
	p := profile.RFC4880()
	p.AeadEncryption = nil
	p.AeadKeyEncryption = nil
	p.S2kEncryption = nil
	p.S2kKeyEncryption = nil
	p.V6 = false
	p.Hash = crypto.SHA256
	p.CipherEncryption = packet.CipherAES256
	p.CipherKeyEncryption = packet.CipherAES256
	return p
}

// readConfig is the packet configuration for reading and verifying at now.
// The defaults of go-crypto refuse Symmetrically Encrypted Data without
// MDC (InsecureAllowUnauthenticatedMessages stays false) and SHA-1/MD5
// message signatures.
func readConfig(now time.Time) *packet.Config {
	return &packet.Config{
		Time: func() time.Time { return now },
	}
}
