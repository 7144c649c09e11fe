-- Shared key directory (issue 13, docs/team.md): public certificates and
-- OpenPGP public keys imported on one laptop are published as key records
-- and offered on the others under "Found in mail", never trusted by the
-- record itself.

-- Keys imported here that a team account's next pass publishes, written in
-- the import's own transaction (AddCertificates, PutPGPKeys).
CREATE TABLE team_key_queue (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    format      TEXT NOT NULL CHECK (format IN ('smime', 'openpgp')),
    fingerprint TEXT NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX team_key_queue_key ON team_key_queue(account_id, format, fingerprint, data);

-- Key records read from an account's log: what the log says already (so
-- it is not published again), and the keys waiting to be offered (status
-- 'new') until security.FoundKeys.OfferTeamKeys judged them.
CREATE TABLE team_keys (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uid         INTEGER NOT NULL,
    format      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    data        BLOB NOT NULL,
    agent       TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'offered', 'accepted', 'held', 'ignored')),
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, uid)
) WITHOUT ROWID;
CREATE INDEX team_keys_new ON team_keys(status) WHERE status = 'new';
CREATE INDEX team_keys_fp ON team_keys(account_id, format, fingerprint);

-- Where a found key came from: '' a mail, 'team' a key record, with the
-- agent who published it ("from your team: Anna imported this").
ALTER TABLE pending_keys ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE pending_keys ADD COLUMN origin_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE pending_keys ADD COLUMN origin_agent_name TEXT NOT NULL DEFAULT '';
