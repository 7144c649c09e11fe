-- Every mail a found key was seen in, not only the first: a customer's
-- Autocrypt header comes with each of their mails. A key still waiting
-- for a decision is then offered in any ticket whose mail carried it (the
-- composer's fix), and "Found in mail" says how often it was seen, which
-- helps an admin judge it (the same key in many mails over months is
-- likelier theirs than one seen once).
CREATE TABLE pending_key_sightings (
    pending_id INTEGER NOT NULL REFERENCES pending_keys(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (pending_id, article_id)
) WITHOUT ROWID;
CREATE INDEX pending_key_sightings_article ON pending_key_sightings(article_id);
INSERT INTO pending_key_sightings(pending_id, article_id)
    SELECT id, article_id FROM pending_keys WHERE article_id IS NOT NULL;
