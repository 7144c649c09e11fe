-- SealDesk schema, version 7: the ticket list's security summary is kept
-- on the ticket. Filtering 100,000 tickets by it through a per-ticket
-- subquery took seconds (the "pending" filter was quadratic); a column
-- with an index answers in milliseconds (BenchmarkTicketList100k).

-- The worst state of the ticket's articles: failed > encrypted > signed >
-- none (a ticket shows its worst article), and how many of its articles
-- wait for the security engines.
ALTER TABLE tickets ADD COLUMN security TEXT NOT NULL DEFAULT 'none';
ALTER TABLE tickets ADD COLUMN security_pending INTEGER NOT NULL DEFAULT 0;

UPDATE tickets SET
    security = COALESCE((SELECT CASE MAX(CASE a.security_state
            WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
        WHEN 3 THEN 'failed' WHEN 2 THEN 'encrypted' WHEN 1 THEN 'signed' ELSE 'none' END
        FROM articles a WHERE a.ticket_id = tickets.id), 'none'),
    security_pending = (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = tickets.id AND a.security_pending = 1);

-- A new article can only raise the summary: no aggregate on the sync's
-- hot path.
CREATE TRIGGER tickets_security_on_insert AFTER INSERT ON articles BEGIN
    UPDATE tickets SET
        security = CASE WHEN (CASE NEW.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
                           > (CASE security WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
                        THEN NEW.security_state ELSE security END,
        security_pending = security_pending + (NEW.security_pending = 1)
    WHERE id = NEW.ticket_id;
END;

-- A re-run can lower it, and an article can move to another ticket:
-- recompute the tickets concerned from their articles.
CREATE TRIGGER tickets_security_on_update AFTER UPDATE OF security_state, security_pending, ticket_id ON articles
WHEN OLD.security_state IS NOT NEW.security_state OR OLD.security_pending IS NOT NEW.security_pending
    OR OLD.ticket_id IS NOT NEW.ticket_id BEGIN
    UPDATE tickets SET
        security = COALESCE((SELECT CASE MAX(CASE a.security_state
                WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
            WHEN 3 THEN 'failed' WHEN 2 THEN 'encrypted' WHEN 1 THEN 'signed' ELSE 'none' END
            FROM articles a WHERE a.ticket_id = tickets.id), 'none'),
        security_pending = (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = tickets.id AND a.security_pending = 1)
    WHERE id IN (NEW.ticket_id, OLD.ticket_id);
END;

CREATE TRIGGER tickets_security_on_delete AFTER DELETE ON articles BEGIN
    UPDATE tickets SET
        security = COALESCE((SELECT CASE MAX(CASE a.security_state
                WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
            WHEN 3 THEN 'failed' WHEN 2 THEN 'encrypted' WHEN 1 THEN 'signed' ELSE 'none' END
            FROM articles a WHERE a.ticket_id = tickets.id), 'none'),
        security_pending = (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = tickets.id AND a.security_pending = 1)
    WHERE id = OLD.ticket_id;
END;

-- The list's order (updated_at DESC, id DESC) as an index, for every
-- filter, so a page stops after its rows and a deep page skips through the
-- index alone.
DROP INDEX tickets_updated;
CREATE INDEX tickets_updated ON tickets(updated_at DESC, id DESC);
CREATE INDEX tickets_security ON tickets(security, updated_at DESC, id DESC);
CREATE INDEX tickets_group ON tickets(group_id, updated_at DESC, id DESC);
CREATE INDEX tickets_unread ON tickets(updated_at DESC, id DESC) WHERE unread = 1;
CREATE INDEX tickets_pending ON tickets(updated_at DESC, id DESC) WHERE security_pending > 0;
