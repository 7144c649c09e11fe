-- SealDesk schema, version 4: the SMTP envelope of outgoing mail.

-- The raw message in the outbox is exactly what goes on the wire, so it
-- carries no Bcc field (the sealing engines remove it; RFC 5322 section
-- 3.6.3): the envelope is kept beside it. envelope_from is the reverse path
-- (the From address), recipients are To, Cc and Bcc, one per line.
ALTER TABLE outbox ADD COLUMN envelope_from TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN recipients TEXT NOT NULL DEFAULT '';
