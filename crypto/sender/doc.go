// Package sender reads who a message says it is from, once, for both
// security engines (crypto/smime, crypto/pgp) and for the display of the
// sender (mail/thread, the article header): the From, Sender and Reply-To
// fields with go-message's charset-aware address parser, so that an
// Outlook display name in =?windows-1252?...?= reads the same everywhere.
//
// A seal vouches for a sender only when Identity.Problem is empty: exactly
// one From field (RFC 5322 section 3.6 allows one) holding exactly one
// address (section 3.6.2 allows several, but then no signer can be
// matched to "the" sender), which parses, and whose display name shows no
// other address (the "Johnny, You Are Fired" spoofs of 2019). There is no
// lenient fallback: a From that does not parse confirms nobody.
//
// Limits, stated so nobody relies on them:
//   - Look-alike characters are folded with Unicode NFKC plus a few dots
//     and at-signs NFKC keeps (see fold); a display name in another script
//     that only resembles an address, with no "@" or look-alike of it, is
//     not detected.
//   - Internationalized domains are compared in their ASCII form (RFC 5891
//     A-labels); a domain that idna refuses is compared as written, lower
//     case. Local parts are compared case-insensitively, as mail systems
//     do in practice (RFC 5321 section 2.4 allows case to matter).
//   - A header value is read up to MaxFieldLen bytes; a longer From is
//     unreadable.
package sender
