// Package security holds SealDesk's mail-security use cases over one
// profile, S/MIME and OpenPGP. The desktop app's bound services (app/) and
// sealctl (cmd/sealctl) both call it, so each use case is written and
// tested once, without a window or a command line.
//
// New returns a Service, which is five parts cut by concern over one set
// of shared dependencies (deps: the profile's store, keychain and store
// key, the clock, the security log, the caches of parsed and unlocked
// keys, and the engines):
//
//   - Certificates: the S/MIME inventory (certificates in SQLite, private
//     keys in the OS keychain), import, export, delete, the trust anchors,
//     and the composer's import of a certificate a ticket's mail carried.
//   - PGPKeys: the OpenPGP inventory (public keys in SQLite, secret keys
//     and their passphrases in the keychain), import with merge, export,
//     delete, and the cache of unlocked secret keys.
//   - FoundKeys: the keys and certificates processed mail carried, waiting
//     for an agent's Accept or Reject; never used before.
//   - Processing: a received message through the engines into a stored
//     article (Inspect, ProcessStored, ProcessStoredBatch), again (Retry,
//     RecheckFailed), and unwrapped for the view and for quoting
//     (Display, Attachment, QuoteSource) without storing anything.
//   - Sealing: signing and encrypting outgoing mail (Seal, Copies for Bcc)
//     and saying beforehand whether it can (Readiness), all from one
//     SealRequest.
//
// Hand each caller the parts it needs; they share deps, so a key deleted
// or locked through one is gone for all.
//
// # Engines
//
// Each technology is an Engine: an adapter here over its engine in
// crypto/ (engine_smime.go over crypto/smime, engine_pgp.go over
// crypto/pgp) and the profile's keys of that technology. Processing walks
// a message layer by layer (keySet.walk): it asks the engines, in the
// order New lists them, whether they claim the layer (Detect), and the
// first that claims it and does not hand it back processes it. An engine
// whose signature covers a whole encryption (an S/MIME or OpenPGP
// signature around a PGP/MIME multipart/encrypted) reports it as
// verdict.Result.OuterSignature and returns the encryption as
// processed.Inner; the walk asks the engines about that layer, so one
// engine verifies and the other opens. The article then reports the
// inside (processed.article): Signed and Sign are the signature inside
// the encryption or none, Encrypted and Encryption its decryption, and the
// outer signature stays OuterSignature, "signed outside the encryption:
// says nothing about who wrote the text". Sealing and Readiness take the
// engine of SealRequest.Technology.
//
// A new engine plugs in by:
//  1. an adapter type implementing Engine in engine_<tech>.go, with
//     Detect as strict as the engine's own test (a false must mean the
//     engine would have found nothing);
//  2. its place in deps.engines in New: before OpenPGP, which claims
//     every layer;
//  3. a lazy loader of its keyring in keySet, dropped in keySet.Release;
//  4. a switch in Integrations and its setting in store;
//  5. its inventory as a part of Service, if it has keys of its own.
//
// It is its own package rather than methods on profile.Profile because
// profile only opens things (database, keychain namespace, store key) and
// is imported by everything. crypto/smime and crypto/pgp stay free of
// storage: they see the store only through the smime.Keyring and
// pgp.Keyring interfaces implemented here (Keyring, PGPKeyring).
//
// Limits:
//   - WARNING: every imported CA certificate is a trust anchor, including
//     intermediates that came in a PKCS #12 chain (Zammad's model: the admin
//     imports what the helpdesk trusts), except one trusted directly
//     (trust.go): that one is trusted for its own addresses only and is
//     never an anchor.
//   - Only a whole encrypted payload under a signature is handed on: an
//     encryption beside other parts of the signed content is a nested
//     part, as before. The article keeps one outer signature, the one
//     nearest the encryption, and the security log records it as a verify
//     entry of its technology.
//   - Private keys are zeroed as DER bytes once parsed; the parsed Go key
//     objects cannot be wiped reliably and are dropped when the operation's
//     Keyring is released. Unlocked OpenPGP secret keys stay in memory for
//     Options.PGPUnlockTTL after their last use.
//   - The trust-system-roots setting reads the roots from the system bundle
//     files (SSL_CERT_FILE, SSL_CERT_DIR, the Linux/BSD/macOS bundle paths):
//     x509.SystemCertPool cannot be enumerated and smime.Keyring wants a
//     list. On Windows the setting currently adds nothing.
package security
