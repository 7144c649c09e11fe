-- SealDesk schema, version 11: the Bcc copies of encrypted outgoing mail.

-- An encrypted message with Bcc recipients is sealed once for To and Cc
-- (the outbox row's raw, the copy kept in Sent) and once more for each Bcc
-- recipient: one message encrypted to everyone would name the blind
-- recipients to all (issue 11). Each copy goes out with an envelope that
-- names only its recipients (one per line), before the row's own message;
-- sent_at records that the server accepted it, so that a retry of the row
-- never sends it again.
CREATE TABLE outbox_copies (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    recipients  TEXT NOT NULL,
    raw         BLOB NOT NULL,
    sent_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_copies_outbox ON outbox_copies(outbox_id);
