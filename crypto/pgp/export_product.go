package pgp

// Small additive exports the product's key store (security/) needs. They
// live in this file of their own so that work elsewhere in the engine does
// not collide with them.

import (
	"bytes"
	"fmt"
)

// ArmorSecret returns the key with its secret material exactly as held,
// ASCII-armored: a passphrase-protected key stays protected under its own
// S2K and passphrase, an unprotected one stays unprotected. The key store
// keeps secret keys in the OS keychain in this form, so nothing SealDesk
// stores is weaker than what was imported. ErrNoSecretKey for a public key.
func (k *Key) ArmorSecret() ([]byte, error) {
	if k == nil || !k.Secret {
		return nil, ErrNoSecretKey
	}
	var buf bytes.Buffer
	if err := k.entity().SerializePrivateWithoutSigning(&buf, nil); err != nil {
		return nil, fmt.Errorf("pgp: serializing secret key: %w", err)
	}
	return armorEncode(armorPrivateKey, buf.Bytes())
}

// Wipe zeroes the secret parameters of an unlocked key (gopenpgp's
// ClearPrivateParams) once the caller is done with it. The key is unusable
// afterwards. A nil or public key is left alone.
func (k *Key) Wipe() {
	if k != nil && k.key != nil && k.Secret {
		k.key.ClearPrivateParams()
	}
}
