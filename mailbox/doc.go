// Package mailbox is the mailbox use cases of one profile, for the desktop
// app and sealctl alike: accounts (servers in SQLite, the password in the
// OS keychain as account-password:<name>), and the sync that mirrors an
// account into the store (mail/sync's engine over a store adapter), threads
// new mail into tickets and runs the security engines over it.
//
// Data flows one way: IMAP → mail/sync → store (raw, as received,
// security_pending) → security.Processing.ProcessStored → article view. An
// article whose processing was cut short stays security_pending and is
// processed at the start of the next sync.
package mailbox
