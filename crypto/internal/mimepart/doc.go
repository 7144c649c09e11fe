// Package mimepart holds the raw-bytes MIME entities shared by the
// security engines (crypto/smime and crypto/pgp): parsing that keeps the
// exact wire bytes, because a signature covers them as they were sent
// (RFC 8551 section 3.1.1, RFC 3156 section 5); canonicalization of an
// entity before it is signed (RFC 8551 section 3.1, RFC 3156 section 3);
// and extraction of the text a person reads.
//
// Errors are unprefixed (the engines put their own "smime: " or "pgp: "
// before them) except ErrHeaderTooLarge; callers branch on
// ErrHeaderTooLarge and *CanonicalizeError.
//
// Limits, stated so nobody relies on them:
//   - A header block over 1 MiB is refused (ErrHeaderTooLarge). Check
//     refuses a message beyond the limits of package internal/mimelimit
//     (size, nesting, number of parts, a part's header); Parts parses at
//     most mimelimit.MaxParts+1 parts of one multipart.
//   - ParseStrict, for decrypted content, refuses what is not a MIME
//     entity (ErrNotEntity).
//   - Nesting deeper than 20 levels is refused by Canonicalize and yields
//     no text in ReadableText.
//   - Header fields are not decoded (no RFC 2047 encoded words); broken
//     Content-Type parameters are read leniently (split at ";" and "="),
//     without RFC 2231 continuations.
//   - Transfer encodings understood: base64 (read forgivingly: white space,
//     padding and a stray last character are ignored), quoted-printable,
//     and identity (7bit, 8bit, binary, anything else).
//   - ToUTF8 converts the charsets go-message/charset knows and keeps the
//     bytes of any other; it converts at most 64 MiB.
//   - HTMLToText is a reduction for display, not a renderer: text nodes
//     with line breaks at block elements, script and style dropped.
package mimepart
