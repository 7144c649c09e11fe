-- SealDesk schema, version 20: the sync's write path without work per mail
-- that a batch can do once (issue 15; BenchmarkSyncWritePath).

-- New tickets are put into the search index (tickets_search, migration
-- 0008) by the code that opens them, one statement per transaction
-- (store.indexTickets), instead of by a trigger per INSERT. FTS5 writes
-- what it holds to disk at the start of every statement that opens a
-- savepoint, so the sync, opening a ticket between article INSERTs in one
-- transaction, wrote and merged one index segment per ticket: about a
-- quarter of saving a mail. Edits and deletes are still followed by the
-- triggers of migration 0008.
DROP TRIGGER tickets_search_insert;

-- An article's new result in the same ticket (the engines' first run over
-- a synced mail, pending -> processed) updates the ticket's summary
-- (migration 0007) from the old and new values, as the INSERT trigger
-- does, instead of recomputing it from all the ticket's articles: each
-- column is written only when it changes, so the list's indexes on it
-- are not rewritten for nothing. A result that lowers the article's state
-- (a re-run: failed -> signed) or a move to another ticket still
-- recomputes, as before.
DROP TRIGGER tickets_security_on_update;

CREATE TRIGGER tickets_security_on_result AFTER UPDATE OF security_state, security_pending ON articles
WHEN OLD.ticket_id = NEW.ticket_id
    AND (OLD.security_state IS NOT NEW.security_state OR OLD.security_pending IS NOT NEW.security_pending)
    AND (CASE NEW.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
        >= (CASE OLD.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END) BEGIN
    UPDATE tickets SET security_pending = security_pending + (NEW.security_pending = 1) - (OLD.security_pending = 1)
    WHERE id = NEW.ticket_id AND (NEW.security_pending = 1) != (OLD.security_pending = 1);
    UPDATE tickets SET security = NEW.security_state
    WHERE id = NEW.ticket_id
        AND (CASE NEW.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
            > (CASE security WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END);
END;

CREATE TRIGGER tickets_security_on_update AFTER UPDATE OF security_state, security_pending, ticket_id ON articles
WHEN OLD.ticket_id IS NOT NEW.ticket_id
    OR (OLD.security_state IS NOT NEW.security_state OR OLD.security_pending IS NOT NEW.security_pending)
        AND (CASE NEW.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
            < (CASE OLD.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END) BEGIN
    UPDATE tickets SET
        security = COALESCE((SELECT CASE MAX(CASE a.security_state
                WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
            WHEN 3 THEN 'failed' WHEN 2 THEN 'encrypted' WHEN 1 THEN 'signed' ELSE 'none' END
            FROM articles a WHERE a.ticket_id = tickets.id), 'none'),
        security_pending = (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = tickets.id AND a.security_pending = 1)
    WHERE id IN (NEW.ticket_id, OLD.ticket_id);
END;
