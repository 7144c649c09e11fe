// Package security holds SealDesk's mail-security use cases over one
// profile: the S/MIME certificate store (certificates in SQLite, private
// keys in the OS keychain), importing and exporting certificates and keys,
// processing a received message into a stored article, re-running the
// engine over failed articles, and sealing outgoing mail. The desktop app's
// bound services (app/) and sealctl (cmd/sealctl) both call it, so each use
// case is written and tested once, without a window or a command line.
//
// It is its own package rather than methods on profile.Profile because
// profile only opens things (database, keychain namespace, store key) and
// is imported by everything; the use cases depend on crypto/smime and will
// grow an OpenPGP side, which would make profile the god package the style
// guide warns about. crypto/smime stays free of storage: it sees the store
// only through the smime.Keyring interface implemented here.
//
// Limits:
//   - WARNING: every imported CA certificate is a trust anchor, including
//     intermediates that came in a PKCS #12 chain (Zammad's model: the admin
//     imports what the helpdesk trusts), except one trusted directly
//     (trust.go): that one is trusted for its own addresses only and is
//     never an anchor.
//   - Private keys are zeroed as DER bytes once parsed; the parsed Go key
//     objects cannot be wiped reliably and are dropped when the operation's
//     Keyring is released.
//   - The trust-system-roots setting reads the roots from the system bundle
//     files (SSL_CERT_FILE, SSL_CERT_DIR, the Linux/BSD/macOS bundle paths):
//     x509.SystemCertPool cannot be enumerated and smime.Keyring wants a
//     list. On Windows the setting currently adds nothing.
package security
