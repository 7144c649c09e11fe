// Package team is the team desk's wire side: the records several laptops
// write into one folder of the shared mailbox (SealDesk/Team) so that they
// agree on ticket numbers, state and owner without a SealDesk server, and
// the folder itself over IMAP (create, incremental read, APPEND with
// APPENDUID).
//
// A record is a small RFC 5322 message with an `X-SealDesk-Record: v1 KIND`
// header and a JSON body (see Record). Parse is the only reader of that
// untrusted input: a message that is not a record, of an unknown kind or of
// a newer version is an error the caller logs and skips, never a reason to
// stop. Records carry no secrets and no trust: whoever holds the mailbox
// password can write one, so nothing here decides a security result. A key
// record (keyrecord.go) carries a public certificate or key only: Build
// and Parse refuse secret key material (ErrSecretMaterial); an unkey
// record names a key removed on one laptop and carries no key at all.
//
// The rules that turn records into numbers, states and owners are the
// store's (store/team.go): they apply records in UID order, the order the
// server gives (RFC 9051 section 2.3.1.1), so every reader that saw the same
// records computes the same view. docs/team.md is the full design.
package team
