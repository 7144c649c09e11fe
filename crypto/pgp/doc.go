// Package pgp is SealDesk's OpenPGP engine: it parses the keys a person
// imports, recognises every OpenPGP form in a received message, decrypts
// and verifies it, and signs and encrypts outgoing mail. It mirrors the
// shape of crypto/smime (Keyring + MemoryKeyring, Engine.Process, Seal,
// CanEncrypt/CanSign, typed import errors) so the product treats both alike.
//
// It is built on gopenpgp v3 (keys, signing and encryption) and on its
// packet layer github.com/ProtonMail/go-crypto (openpgp/v2) where gopenpgp
// hides what a mail client must report (recipient key IDs, each signature
// candidate, the integrity-protection packet).
//
// Supported:
//   - Keys (RFC 4880, RFC 9580 v4 and v6 keys): ASCII armor or binary, any
//     number of keys in one file, public and secret; merging of a key that
//     is already known; armored export (secret keys passphrase-protected).
//   - PGP/MIME (RFC 3156): multipart/encrypted, multipart/signed, combined
//     signed-and-encrypted OpenPGP messages (section 6.2) and the nested
//     form (multipart/signed inside multipart/encrypted, section 6.1).
//   - A multipart/signed whose signed part is a whole multipart/encrypted
//     (a gateway or client that signed the encrypted message): the
//     signature covers ciphertext, so it is Result.OuterSignature, never
//     Signed, and the encryption is handed back as Processed.Inner, a
//     message of its own under this message's header, for the caller to
//     process. An encryption beside other parts is not handed back.
//   - Inline PGP: cleartext signatures (RFC 9580 section 7) and armored
//     encrypted blocks in text/plain and text/html, encrypted attachments
//     named *.pgp, *.gpg, *.asc. For display, InlineSplitter cuts such a
//     text into plain, signed, decrypted and unopened segments, each with
//     its own verdict (the message's result stays the engine's).
//   - Repaired forms (verdict.Result.Repaired): Microsoft Exchange's
//     rewrite of multipart/encrypted into a multipart/mixed of an empty
//     text, the control part and encrypted.asc, recognised by that exact
//     shape only; and a multipart/encrypted whose payload is a
//     cleartext-signed text, read as that (not encrypted, signature judged
//     as inline).
//   - Header protection: RFC 9788 (hp="cipher", hp-legacy-display) and the
//     older draft form (protected-headers="v1").
//   - Autocrypt Level 1 headers and application/pgp-keys parts: collected
//     as FoundKeys for the user to accept, never trusted automatically.
//     Each carries a FoundFinding: only the sender's key proven by the
//     mail (Autocrypt for From, or one that verifies its signature) is
//     FoundSender, the one that may be accepted by one click.
//
// Limits, stated so nobody relies on them:
//   - WARNING: no Web of Trust, no certifications by third parties, no
//     keyserver or WKD look-ups: a key is as trusted as the user's decision
//     to import it.
//   - Encrypted data without integrity protection (Symmetrically Encrypted
//     Data, tag 9, no MDC) is refused, and content whose MDC or AEAD tag
//     fails yields no plaintext at all: the whole message is read and
//     checked before anything is released.
//   - A signature is valid only for the whole displayed content: unsigned
//     text around an inline signed block, a signed part inside an unsigned
//     multipart, or an encrypted part inside an unencrypted message are
//     reported as "not valid"/"not fully encrypted", never as partial.
//   - The signer key is judged at ProcessOptions.Now: an expired or revoked
//     key makes the signature not valid even if it was made earlier.
//   - Signatures over SHA-1 or MD5 are never valid.
//   - Outgoing mail stays readable by GnuPG 2.2: v4 keys, SEIPD v1 (MDC),
//     AES-256, SHA-256; no AEAD and no v6 packets are sent.
//   - Symmetric (passphrase-only) messages are not decrypted.
//   - A user ID counts only with a valid self-certification by its key
//     (RFC 9580 section 5.2.1): others are removed at parse time
//     (Key.UnverifiedUserIDs), and Merge refuses a copy of a key that
//     offers one (ErrUnverifiedUserID). Certifications by third parties
//     are kept but never read.
//   - Decryption and decompression share the message's size budget
//     (crypto.MaxMessageSize, 64 MiB, also go-crypto's
//     MaxDecompressedMessageSize): beyond it nothing is shown and the
//     result says EncryptionResult.Failure is DecryptTooLarge.
//   - The sender is judged by crypto/sender: a signature is valid for the
//     message only with one From field holding one address on the key and
//     a display name showing no other address. A signature created more
//     than an hour from the Date field is a date mismatch
//     (crypto.ReasonDateMismatch).
package pgp
