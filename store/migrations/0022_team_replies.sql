-- Reply claims (docs/team.md, "Reply claims"): the reply records read from
-- an account's team folder. Just before sending an answer, a laptop writes
-- one and reads the folder back; another agent's claim for the same ticket
-- from the same view with a lower UID stops the send (compose.Blocking).
-- Forgotten with the other records held when the log is lost (ResetTeam).
CREATE TABLE team_replies (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    root       TEXT NOT NULL,
    -- The view the answer was written from: the Message-ID of the newest
    -- article the composer had seen ('' for none) and how many it had.
    seen       TEXT NOT NULL DEFAULT '',
    articles   INTEGER NOT NULL DEFAULT 0,
    agent      TEXT NOT NULL DEFAULT '',
    -- The writer's clock, RFC 3339 (UTC): the rule's 10-minute window.
    at         TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, uid)
) WITHOUT ROWID;
CREATE INDEX team_replies_root ON team_replies(account_id, root);
CREATE INDEX team_replies_mid ON team_replies(account_id, message_id);
