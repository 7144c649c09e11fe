-- Shared key directory, continued (docs/team.md): the whole inventory is
-- published when a profile joins a team or the log is lost, and a key
-- removed here is announced to the team (an unkey record), never removed
-- elsewhere because a record says so.

-- A certificate stored with our private key, or in the same PKCS #12 file
-- (its chain): ours, never published. Known at import from now on; for
-- certificates stored before, the issuer chain of each certificate we hold
-- the key of is followed by name. Names are no proof, and they are used
-- here only to hold a certificate back from publication (the safe side),
-- never to trust one.
ALTER TABLE smime_certificates ADD COLUMN with_key INTEGER NOT NULL DEFAULT 0;
UPDATE smime_certificates SET with_key = 1 WHERE has_private = 1;
WITH RECURSIVE ours(subject, issuer) AS (
    SELECT subject, issuer FROM smime_certificates WHERE has_private = 1
    UNION
    SELECT c.subject, c.issuer FROM smime_certificates c JOIN ours o ON c.subject = o.issuer AND o.subject != o.issuer
)
UPDATE smime_certificates SET with_key = 1
    WHERE subject IN (SELECT issuer FROM ours WHERE subject != issuer);

-- The key queue holds removals too (kind 'unkey', no data, the address the
-- key was for), and keys queued to restore the log (republish).
ALTER TABLE team_key_queue ADD COLUMN kind TEXT NOT NULL DEFAULT 'key' CHECK (kind IN ('key', 'unkey'));
ALTER TABLE team_key_queue ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE team_key_queue ADD COLUMN republish INTEGER NOT NULL DEFAULT 0;

-- The epoch (team_folders.epoch) whose log the inventory was queued for:
-- another value (a profile joining, a new epoch, team records switched
-- back on) queues it again. -1: never, so profiles that joined before this
-- publish their inventory once; what the log holds is left out.
ALTER TABLE team_folders ADD COLUMN inventory_epoch INTEGER NOT NULL DEFAULT -1;

-- Unkey records read from an account's log, judged after the pass
-- (security.FoundKeys.OfferTeamKeys) in UID order with the key records.
CREATE TABLE team_key_removals (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uid         INTEGER NOT NULL,
    format      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    agent       TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done')),
    -- What it did here: withdrawn (team-only candidates), noted (we hold
    -- the key), nothing.
    outcome     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, uid)
) WITHOUT ROWID;
CREATE INDEX team_key_removals_new ON team_key_removals(status) WHERE status = 'new';
CREATE INDEX team_key_removals_fp ON team_key_removals(account_id, format, fingerprint, uid);

-- Keys this laptop holds that a team member removed on theirs: shown
-- beside the key until an admin removes it here or the team publishes it
-- again.
CREATE TABLE team_removed_keys (
    format      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    agent       TEXT NOT NULL DEFAULT '',
    agent_name  TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (format, fingerprint)
) WITHOUT ROWID;
