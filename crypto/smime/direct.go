package smime

import (
	"crypto/x509"
	"time"
)

// Direct trust: a contact's certificate trusted for the addresses it names
// itself, without a CA (the Zammad seed: import "certificates belonging to
// your contacts, or their issuing certificate authority"). OpenSSL marks a
// self-signed certificate CA:TRUE by default, so a contact's self-signed
// certificate looks like a CA; trusted directly it is judged as an end
// entity and is never a trust anchor: a certificate it issued does not
// chain to it (buildChain only ends a chain at it when it is the leaf).
// Its own key usage, extended key usage, key size and validity are judged
// as for any leaf, and its own e-mail name constraints, if it carries
// any, apply to its addresses (provenEmails).

// trustEnv is the verification environment for judging our own or a
// recipient's certificate at now.
func (e *Engine) trustEnv(now time.Time) *verifyEnv {
	direct := e.keys.TrustedDirectly()
	return &verifyEnv{now: now, anchors: anchorsWithout(e.keys.TrustAnchors(), direct), direct: direct}
}

// anchorsWithout drops the directly trusted certificates from the trust
// anchors: a certificate trusted directly issues nothing, even when a
// Keyring lists it in both.
func anchorsWithout(anchors, direct []*x509.Certificate) []*x509.Certificate {
	if len(direct) == 0 {
		return anchors
	}
	out := make([]*x509.Certificate, 0, len(anchors))
	for _, a := range anchors {
		if !containsCert(direct, a) {
			out = append(out, a)
		}
	}
	return out
}

// trustedDirectly: the verified chain is the certificate alone, trusted
// directly (not a trust anchor that is its own leaf).
func (env *verifyEnv) trustedDirectly(chain []*x509.Certificate) bool {
	return len(chain) == 1 && containsCert(env.direct, chain[0])
}

// EndEntity: c may stand for the addresses it names (a recipient, our own
// signing certificate): it is no CA, or it is trusted directly.
func EndEntity(c *x509.Certificate, direct []*x509.Certificate) bool {
	return !c.IsCA || containsCert(direct, c)
}

// selfCheckKeyring is the Keyring Seal verifies its own signature with
// when our certificate's CA is not imported (SignStatus.Note
// SignNoteCANotImported): our certificate is trusted directly for that
// check only, so the self-check proves the signature and the content, and
// the recipients judge the chain with the CAs they hold.
type selfCheckKeyring struct {
	Keyring
	own *x509.Certificate
}

func (k selfCheckKeyring) TrustedDirectly() []*x509.Certificate {
	return append(k.Keyring.TrustedDirectly(), k.own)
}
