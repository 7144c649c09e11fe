// Package smime is SealDesk's S/MIME engine: it parses certificates and
// keys a person imports, recognises every S/MIME form in a received
// message, decrypts and verifies it, and signs and encrypts outgoing mail.
//
// The engine speaks CMS (RFC 5652) itself, on top of encoding/asn1 and the
// standard library's primitives, because no maintained Go library covers
// what real mail needs: smallstep/pkcs7 decrypts only RSA key transport with
// issuerAndSerialNumber recipients and AES-256-CBC/AES-128-GCM, verifies no
// RSA-PSS, reads no subjectKeyIdentifier signers and no
// AuthEnvelopedData, and exposes too little to report each check.
//
// Supported (see RFC 8551 for S/MIME 4.0):
//   - multipart/signed (application/pkcs7-signature and the x- variant),
//     application/pkcs7-mime and application/x-pkcs7-mime with smime-type
//     signed-data, enveloped-data, authEnveloped-data or none (the CMS
//     content type decides), application/octet-stream named *.p7m / *.p7s.
//   - A message a gateway or list server wrapped whole in message/rfc822
//     of the same From address is read as the inner message
//     (verdict.RepairGatewayRFC822); a wrapper of another From is not.
//   - Signatures: RSA PKCS #1 v1.5, RSA-PSS, ECDSA over SHA-224/256/384/512.
//   - Key transport: RSA PKCS #1 v1.5 and RSA-OAEP (RFC 3560, RFC 8017) with
//     any SHA-1/SHA-2 hash, MGF1 hash and label.
//   - Key agreement: ECDH (RFC 5753) dhSinglePass-stdDH-sha*kdf and
//     cofactor variants, on P-256/P-384/P-521, with AES key wrap (RFC 3394).
//   - Content encryption: AES-128/192/256-CBC, 3DES-CBC, and
//     AuthEnvelopedData with AES-GCM (RFC 5083, RFC 5084).
//
// Limits, stated so nobody relies on them:
//   - WARNING: no revocation checking (CRL, OCSP) is done.
//   - Only the layers that make up the message itself are processed: an
//     S/MIME part attached inside a multipart/mixed is not opened, and it
//     makes any signature of the message "not valid" rather than partial.
//   - A signature made over ciphertext (encrypt-then-sign, typically a
//     gateway's signature) is ignored, as Thunderbird does (bug 1806161):
//     it proves nothing about the plaintext. Over a whole PGP/MIME
//     multipart/encrypted (RFC 3156 section 4) it is reported as
//     Result.OuterSignature, never as Signed, and the encryption is handed
//     back as Processed.Inner for the OpenPGP engine; beside other parts,
//     such an encryption stays an unopened part of the signed content.
//   - QUIRK: a multipart/signed signature hashed over its content with LF
//     line ends instead of CRLF (RFC 8551 section 3.1.1; a gateway signing
//     the LF stream of an MTA's content filter) is checked over that form
//     when the CRLF form fails (lineends.go).
//   - SHA-1 and MD5 signatures are never valid (policy, collision attacks),
//     nor are signatures by RSA keys below 2048 bits; we encrypt to no
//     such key either.
//   - A certificate proves only the addresses its CAs may certify: its
//     subjectAltName rfc822Names, or, when it has none, its subject
//     emailAddress, each inside every CA's e-mail name constraints
//     (names.go). Every CA in the chain must allow e-mail protection in
//     its extended key usage (none, or anyExtendedKeyUsage, also do).
//   - Resource limits (cms.go, pkcs12.go): a SignedData carries at most
//     32 certificates and 8 signers, an EnvelopedData lists at most 512
//     recipients and costs at most 4 private-key operations, a PKCS #12
//     file holds at most 64 items; beyond them the part is reported as
//     not verified or not decrypted, never opened. A PKCS #12 file with
//     encrypted parts but no MAC is refused.
//   - DSA, Ed25519, RSA key-encryption keys wrapped with KEK or password
//     recipients (kekri, pwri) and compressed data (RFC 3274) are not
//     supported; such messages are reported, not decrypted.
//   - Signing uses RSA PKCS #1 v1.5 or ECDSA with SHA-256; encryption uses
//     RSA PKCS #1 v1.5 key transport for RSA recipients (widest
//     interoperability) unless OAEP is asked for, and ECDH for EC ones.
//   - The sender is judged by crypto/sender: a signature is valid for the
//     message only with one From field holding one address that the
//     certificate proves and a display name showing no other address;
//     Sender does not stand in for several From addresses. A signingTime
//     attribute more than an hour from the Date field is a date mismatch
//     (crypto.ReasonDateMismatch); without signingTime there is no check.
package smime
