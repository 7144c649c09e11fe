-- SealDesk schema, version 1.
-- Raw messages are stored exactly as received (BLOB); anything decrypted is
-- cached only sealed with the keychain-held store key (sealed_* columns).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    imap_host     TEXT NOT NULL,
    imap_port     INTEGER NOT NULL,
    imap_tls      TEXT NOT NULL CHECK (imap_tls IN ('implicit', 'starttls', 'none')),
    smtp_host     TEXT NOT NULL DEFAULT '',
    smtp_port     INTEGER NOT NULL DEFAULT 0,
    smtp_tls      TEXT NOT NULL DEFAULT 'starttls' CHECK (smtp_tls IN ('implicit', 'starttls', 'none')),
    username      TEXT NOT NULL,
    -- SHA-256 of a self-signed server certificate the admin chose to trust.
    pinned_cert   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

CREATE TABLE mailboxes (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    special_use     TEXT NOT NULL DEFAULT '',
    uid_validity    INTEGER NOT NULL DEFAULT 0,
    last_uid        INTEGER NOT NULL DEFAULT 0,
    highest_modseq  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, name)
);

CREATE TABLE groups (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    sender_address   TEXT NOT NULL,
    default_sign     INTEGER NOT NULL DEFAULT 1,
    default_encrypt  INTEGER NOT NULL DEFAULT 1,
    technology       TEXT NOT NULL DEFAULT 'S/MIME' CHECK (technology IN ('S/MIME', 'PGP')),
    autocrypt        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tickets (
    id          INTEGER PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    subject     TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'pending', 'closed')),
    group_id    INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    customer    TEXT NOT NULL DEFAULT '',
    unread      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX tickets_updated ON tickets(updated_at DESC);
CREATE INDEX tickets_state ON tickets(state, updated_at DESC);

CREATE TABLE articles (
    id               INTEGER PRIMARY KEY,
    ticket_id        INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    mailbox_id       INTEGER REFERENCES mailboxes(id) ON DELETE SET NULL,
    uid              INTEGER NOT NULL DEFAULT 0,
    message_id       TEXT NOT NULL DEFAULT '',
    content_sha256   TEXT NOT NULL,
    direction        TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    from_addr        TEXT NOT NULL DEFAULT '',
    to_addrs         TEXT NOT NULL DEFAULT '',
    cc_addrs         TEXT NOT NULL DEFAULT '',
    subject          TEXT NOT NULL DEFAULT '',
    date             TEXT NOT NULL DEFAULT '',
    raw              BLOB NOT NULL,
    -- Security result as JSON (crypto.Result); security_state is derived
    -- from it for filtering: none, signed, encrypted, failed.
    security         TEXT NOT NULL DEFAULT '{}',
    security_state   TEXT NOT NULL DEFAULT 'none',
    -- Decrypted display content, AES-GCM sealed with the store key.
    sealed_content   BLOB,
    parse_error      TEXT NOT NULL DEFAULT '',
    flags            TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);
CREATE INDEX articles_ticket ON articles(ticket_id, id);
CREATE INDEX articles_message_id ON articles(message_id);
CREATE INDEX articles_security_state ON articles(security_state);
CREATE UNIQUE INDEX articles_mailbox_uid ON articles(mailbox_id, uid) WHERE mailbox_id IS NOT NULL AND uid > 0;

CREATE TABLE smime_certificates (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT NOT NULL UNIQUE,
    subject       TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    serial        TEXT NOT NULL,
    emails        TEXT NOT NULL DEFAULT '',
    not_before    TEXT NOT NULL,
    not_after     TEXT NOT NULL,
    is_ca         INTEGER NOT NULL DEFAULT 0,
    key_usage     TEXT NOT NULL DEFAULT '',
    ext_key_usage TEXT NOT NULL DEFAULT '',
    has_private   INTEGER NOT NULL DEFAULT 0,
    der           BLOB NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE pgp_keys (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT NOT NULL UNIQUE,
    user_ids      TEXT NOT NULL DEFAULT '',
    emails        TEXT NOT NULL DEFAULT '',
    algorithm     TEXT NOT NULL DEFAULT '',
    created       TEXT NOT NULL,
    expires       TEXT NOT NULL DEFAULT '',
    revoked       INTEGER NOT NULL DEFAULT 0,
    has_secret    INTEGER NOT NULL DEFAULT 0,
    public_key    BLOB NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE security_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    technology  TEXT NOT NULL,
    operation   TEXT NOT NULL CHECK (operation IN ('sign', 'verify', 'encrypt', 'decrypt')),
    status      TEXT NOT NULL CHECK (status IN ('success', 'failed')),
    article_id  INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    message_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_log_at ON security_log(at DESC);
