-- SealDesk schema, version 5: the composer's drafts.

-- A draft can hold text quoted from decrypted mail, so everything the agent
-- wrote (recipients, subject, text, attachments, choices) is one JSON
-- document sealed with the keychain-held store key, bound to the row's id
-- (AAD "draft:<id>"). Only what lists need without the key stays clear.
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    article_id  INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('new', 'reply', 'reply-all', 'forward')),
    sealed      BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX drafts_updated ON drafts(updated_at DESC);
