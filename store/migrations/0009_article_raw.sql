-- The raw message moves out of the articles row into a table of its own.
-- An article's row is rewritten whenever its security result changes (a
-- sync's processing, a retry, a key that arrived); with the message inside
-- it, every such UPDATE copied the whole message (and its overflow pages)
-- into the new record and the WAL. The message itself never changes.
CREATE TABLE article_raw (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    raw        BLOB NOT NULL
);
INSERT INTO article_raw(article_id, raw) SELECT id, raw FROM articles;
ALTER TABLE articles DROP COLUMN raw;
