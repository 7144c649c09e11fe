-- SealDesk schema, version 6: extra folders per account, one article for a
-- message found in several folders, key updates found in mail, superseded
-- OpenPGP keys.

-- Folders mirrored besides INBOX and Sent (sealctl account add --folders),
-- one name per line.
ALTER TABLE accounts ADD COLUMN folders TEXT NOT NULL DEFAULT '';

-- Further places of an article on the server: the same message (same
-- Message-ID and content hash) in another folder of the same account, or
-- twice in one, is one article. The article's own mailbox_id/uid is its
-- first place; a copy takes over when that place is expunged, and the
-- article is expunged only when no place is left.
CREATE TABLE article_copies (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    mailbox_id    INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid           INTEGER NOT NULL,
    uid_validity  INTEGER NOT NULL DEFAULT 0,
    flags         TEXT NOT NULL DEFAULT '',
    internal_date TEXT NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT 0,
    modseq        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (mailbox_id, uid)
);
CREATE INDEX article_copies_article ON article_copies(article_id);
CREATE INDEX articles_message_content ON articles(message_id, content_sha256);

-- A found key we hold already, bringing something new (a new expiry date,
-- subkey, user ID or revocation): accepting it merges it into ours.
ALTER TABLE pending_keys ADD COLUMN key_update INTEGER NOT NULL DEFAULT 0;
-- What the update brings, for a person ("a new expiry date (2027-01-31)").
ALTER TABLE pending_keys ADD COLUMN update_summary TEXT NOT NULL DEFAULT '';

-- An accepted key change: the old key stays (old signatures still check
-- against it) but is no longer used for this address. Deleting the new key
-- lifts the mark.
CREATE TABLE pgp_key_superseded (
    fingerprint    TEXT NOT NULL REFERENCES pgp_keys(fingerprint) ON DELETE CASCADE,
    address        TEXT NOT NULL,
    superseded_by  TEXT NOT NULL REFERENCES pgp_keys(fingerprint) ON DELETE CASCADE,
    at             TEXT NOT NULL,
    PRIMARY KEY (fingerprint, address)
);
