-- SealDesk schema, version 20: the ticket summary's UPDATE trigger
-- (migration 0007) reads the ticket's articles once instead of twice. It
-- still recomputes the summary from the articles whenever an article's
-- state, pending flag or ticket changes, with the same result; the worst
-- state and the pending count now come from one pass (a row-value
-- assignment), which the sync pays for every article it processes
-- (README, Benchmarks).
DROP TRIGGER tickets_security_on_update;

CREATE TRIGGER tickets_security_on_update AFTER UPDATE OF security_state, security_pending, ticket_id ON articles
WHEN OLD.security_state IS NOT NEW.security_state OR OLD.security_pending IS NOT NEW.security_pending
    OR OLD.ticket_id IS NOT NEW.ticket_id BEGIN
    UPDATE tickets SET (security, security_pending) = (SELECT
            CASE MAX(CASE a.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
                WHEN 3 THEN 'failed' WHEN 2 THEN 'encrypted' WHEN 1 THEN 'signed' ELSE 'none' END,
            COUNT(*) FILTER (WHERE a.security_pending = 1)
        FROM articles a WHERE a.ticket_id = tickets.id)
    WHERE id IN (NEW.ticket_id, OLD.ticket_id);
END;
