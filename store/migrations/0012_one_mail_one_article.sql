-- One mail, one article, also when several processes store the same
-- message at once (the app and `sealctl inspect` share a profile). An
-- article with no place in a mailbox (sealctl inspect, the outbox before
-- the copy in Sent is synced) is identified by its content: the SHA-256 of
-- the raw message as received. Articles with a place are already unique
-- by (mailbox_id, uid) (articles_mailbox_uid), and the sync writes its
-- batches in one IMMEDIATE transaction; their content is not unique, as
-- one message lives in two accounts as two articles.
--
-- Earlier versions looked for the message before inserting it, outside
-- the insert's transaction, so parallel inspections stored it several
-- times. The duplicates merge into the oldest (lowest id) article: what
-- points at a duplicate points at it, and a ticket the duplicate opened
-- goes when nothing else is left in it.

CREATE TEMP TABLE article_dups AS
    SELECT a.id AS dup, k.keep AS keep, a.ticket_id AS ticket
    FROM articles a
    JOIN (SELECT content_sha256, MIN(id) AS keep FROM articles
          WHERE mailbox_id IS NULL AND uid = 0 AND detached = 0 AND expunged = 0
          GROUP BY content_sha256 HAVING COUNT(*) > 1) k ON k.content_sha256 = a.content_sha256
    WHERE a.mailbox_id IS NULL AND a.uid = 0 AND a.detached = 0 AND a.expunged = 0 AND a.id != k.keep;

UPDATE security_log SET article_id = (SELECT keep FROM article_dups WHERE dup = article_id)
    WHERE article_id IN (SELECT dup FROM article_dups);
UPDATE outbox SET article_id = (SELECT keep FROM article_dups WHERE dup = article_id)
    WHERE article_id IN (SELECT dup FROM article_dups);
UPDATE drafts SET article_id = (SELECT keep FROM article_dups WHERE dup = article_id)
    WHERE article_id IN (SELECT dup FROM article_dups);
UPDATE pending_keys SET article_id = (SELECT keep FROM article_dups WHERE dup = article_id)
    WHERE article_id IN (SELECT dup FROM article_dups);
INSERT OR IGNORE INTO pending_key_sightings(pending_id, article_id)
    SELECT s.pending_id, d.keep FROM pending_key_sightings s JOIN article_dups d ON d.dup = s.article_id;
UPDATE article_copies SET article_id = (SELECT keep FROM article_dups WHERE dup = article_id)
    WHERE article_id IN (SELECT dup FROM article_dups);
-- A draft in a duplicate's ticket follows the article to the kept one's.
UPDATE drafts SET ticket_id = (SELECT a.ticket_id FROM article_dups d JOIN articles a ON a.id = d.keep
                               WHERE d.ticket = drafts.ticket_id ORDER BY d.dup LIMIT 1)
    WHERE ticket_id IN (SELECT ticket FROM article_dups)
      AND ticket_id NOT IN (SELECT ticket_id FROM articles WHERE id NOT IN (SELECT dup FROM article_dups));

-- The rows of article_raw and pending_key_sightings go with the article
-- (ON DELETE CASCADE).
DELETE FROM articles WHERE id IN (SELECT dup FROM article_dups);
DELETE FROM tickets WHERE id IN (SELECT ticket FROM article_dups)
    AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.ticket_id = tickets.id);
DROP TABLE article_dups;

CREATE UNIQUE INDEX articles_unplaced_content ON articles(content_sha256)
    WHERE mailbox_id IS NULL AND uid = 0 AND detached = 0 AND expunged = 0;
