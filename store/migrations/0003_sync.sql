-- SealDesk schema, version 3: mailbox sync, threading state and the outbox.

-- Accounts: the columns of version 1 hold the IMAP and SMTP servers, the
-- user name and the pinned certificate; the password is in the OS keychain
-- (item account-password:<name>), never here.
ALTER TABLE accounts ADD COLUMN smtp_pinned_cert TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';

-- Mailboxes: the checkpoint (uid_validity, last_uid, highest_modseq) of
-- version 1 is the sync state; when the last pass ended is shown in the UI.
ALTER TABLE mailboxes ADD COLUMN synced_at TEXT NOT NULL DEFAULT '';

-- Articles mirrored from a mailbox: where they are on the server (the UID is
-- valid only with its UIDVALIDITY, RFC 9051 section 2.3.1.1) and what the
-- server says about them. flags (version 1) holds the IMAP flags, one per
-- line.
ALTER TABLE articles ADD COLUMN uid_validity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN internal_date TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN modseq INTEGER NOT NULL DEFAULT 0;
-- Gone from the server: the article stays in its ticket.
ALTER TABLE articles ADD COLUMN expunged INTEGER NOT NULL DEFAULT 0;
-- The mailbox's UIDVALIDITY changed: the article waits (uid 0) to be
-- matched again by Message-ID and content hash while the mailbox is fetched
-- anew.
ALTER TABLE articles ADD COLUMN detached INTEGER NOT NULL DEFAULT 0;
-- Saved as received, the security engines have not run over it yet (or
-- their run was interrupted): the next sync processes it.
ALTER TABLE articles ADD COLUMN security_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_pending ON articles(security_pending) WHERE security_pending = 1;
CREATE INDEX articles_content ON articles(content_sha256);
CREATE INDEX articles_mailbox_live ON articles(mailbox_id, uid) WHERE detached = 0 AND expunged = 0;

-- Outgoing mail: a row is written before the first attempt and survives a
-- restart; status moves queued -> sending -> sent | failed. A row found in
-- "sending" after a crash is not sent again blindly: its Message-ID is
-- looked for in Sent first.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    raw              BLOB NOT NULL,
    sign             INTEGER NOT NULL DEFAULT 0,
    encrypt          INTEGER NOT NULL DEFAULT 0,
    technology       TEXT NOT NULL DEFAULT '' CHECK (technology IN ('', 'S/MIME', 'PGP')),
    status           TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    message_id       TEXT NOT NULL DEFAULT '',
    article_id       INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
