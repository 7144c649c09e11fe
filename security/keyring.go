package security

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/store"
)

// KeyItemPrefix names the keychain items holding S/MIME private keys:
// "smime-key:<certificate SHA-256 fingerprint>", PKCS #8 DER.
const KeyItemPrefix = "smime-key:"

// KeyItemName is the keychain item of the private key of one certificate.
func KeyItemName(fingerprint string) string { return KeyItemPrefix + strings.ToLower(fingerprint) }

// Keyring is an smime.Keyring over one profile: the certificates as they
// were in the store when it was loaded, and the private keys read from the
// keychain on first use. It is a snapshot for one operation (an inspect, a
// re-run over many articles, a seal): load a new one after an import.
type Keyring struct {
	keys    *keystore.Store
	certs   []*x509.Certificate
	anchors []*x509.Certificate
	direct  []*x509.Certificate // trusted for their own addresses only
	private map[string]bool     // fingerprints whose key the store says the keychain holds

	mu     sync.Mutex
	loaded map[string]crypto.Signer
	kcErr  error
}

var _ smime.Keyring = (*Keyring)(nil)

// smimeKeyring reads the certificate store, parsing through the shared
// cache. It does not touch the keychain.
func (d *deps) smimeKeyring(ctx context.Context) (*Keyring, error) {
	st, keys, parsed := d.p.Store, d.p.Keys, d.parsed
	rows, err := st.Certificates(ctx)
	if err != nil {
		return nil, fmt.Errorf("security: reading the certificate store: %w", err)
	}
	k := &Keyring{keys: keys, private: map[string]bool{}, loaded: map[string]crypto.Signer{}}
	for _, r := range rows {
		c, err := parsed.certificate(r.DER)
		if err != nil {
			// A row that no longer parses (a newer Go is stricter) must not
			// take every other certificate down with it.
			continue
		}
		k.certs = append(k.certs, c)
		switch {
		case r.TrustedDirectly: // never an anchor, whatever it says
			k.direct = append(k.direct, c)
		case c.IsCA:
			k.anchors = append(k.anchors, c)
		}
		if r.HasPrivate {
			k.private[r.Fingerprint] = true
		}
	}
	if trust, err := st.BoolSetting(ctx, store.SettingTrustSystemRoots); err == nil && trust {
		k.anchors = append(k.anchors, systemRoots()...)
	}
	return k, nil
}

func (k *Keyring) TrustAnchors() []*x509.Certificate { return k.anchors }

func (k *Keyring) TrustedDirectly() []*x509.Certificate { return k.direct }

func (k *Keyring) Certificates() []*x509.Certificate { return k.certs }

// PrivateKey reads the key from the keychain the first time it is asked
// for. A key the store does not list is ErrNoPrivateKey without asking the
// keychain, so checking whether we could sign costs no keychain prompt.
func (k *Keyring) PrivateKey(fp string) (crypto.Signer, error) {
	fp = strings.ToLower(fp)
	if !k.private[fp] {
		return nil, smime.ErrNoPrivateKey
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.loaded[fp]; ok {
		return key, nil
	}
	der, err := k.keys.Get(KeyItemName(fp))
	if errors.Is(err, keystore.ErrNotFound) {
		return nil, smime.ErrNoPrivateKey
	}
	if err != nil {
		if k.kcErr == nil {
			k.kcErr = err
		}
		return nil, fmt.Errorf("security: reading the private key of %s: %w", fp, err)
	}
	defer keystore.Zero(der)
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("security: the keychain item %s is not a private key: %w", KeyItemName(fp), keystore.ErrCorrupt)
	}
	key, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, smime.ErrNoPrivateKey
	}
	k.loaded[fp] = key
	return key, nil
}

// KeychainErr is the first keychain failure a PrivateKey call met, nil if
// none. The engine reads a failing key as "no key"; callers use this to
// tell the agent to unlock the keychain instead.
func (k *Keyring) KeychainErr() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.kcErr
}

// Release drops the loaded keys, so they live no longer than the operation.
func (k *Keyring) Release() {
	k.mu.Lock()
	clear(k.loaded)
	k.mu.Unlock()
}

var (
	systemOnce sync.Once
	systemList []*x509.Certificate
)

// systemRoots reads the system's CA bundle once. Go's own loader reads the
// same files on Linux and the BSDs (crypto/x509/root_linux.go) but hands out
// only an opaque pool.
func systemRoots() []*x509.Certificate {
	systemOnce.Do(func() {
		files := []string{os.Getenv("SSL_CERT_FILE")}
		if os.Getenv("SSL_CERT_FILE") == "" {
			files = []string{
				"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo
				"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
				"/etc/ssl/ca-bundle.pem",                            // openSUSE
				"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7
				"/etc/ssl/cert.pem",                                 // Alpine, FreeBSD, macOS
			}
		}
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil {
				systemList = append(systemList, pemCerts(b)...)
				break
			}
		}
		for _, dir := range filepath.SplitList(os.Getenv("SSL_CERT_DIR")) {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
					systemList = append(systemList, pemCerts(b)...)
				}
			}
		}
	})
	return systemList
}

func pemCerts(b []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return out
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			out = append(out, c)
		}
	}
}
