-- Team desk (issue 13, docs/team.md): tickets known across laptops by
-- their thread's root Message-ID; records read from the account's team
-- folder; the view the rules compute from them; aliases, history, agents;
-- the local queue of records to write.
ALTER TABLE tickets ADD COLUMN root_message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN pending_until TEXT NOT NULL DEFAULT '';
-- The team account whose records number this ticket (0: none, or not yet
-- decided: root_message_id = '').
ALTER TABLE tickets ADD COLUMN team_account_id INTEGER NOT NULL DEFAULT 0;
-- 1 once the team view holds a claim for the ticket's root.
ALTER TABLE tickets ADD COLUMN team_claimed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_root ON tickets(root_message_id);
CREATE INDEX tickets_team_todo ON tickets(team_account_id, team_claimed) WHERE team_claimed = 0;
CREATE INDEX tickets_owner ON tickets(owner, updated_at DESC);

-- Team records on by default; `account add --no-team` turns them off.
ALTER TABLE accounts ADD COLUMN team INTEGER NOT NULL DEFAULT 1;

CREATE TABLE team_folders (
    account_id     INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    name           TEXT NOT NULL DEFAULT '',
    uid_validity   INTEGER NOT NULL DEFAULT 0,
    last_uid       INTEGER NOT NULL DEFAULT 0,
    highest_modseq INTEGER NOT NULL DEFAULT 0,
    messages       INTEGER NOT NULL DEFAULT 0,
    epoch          INTEGER NOT NULL DEFAULT 0
);

-- Every message read from the folder, records or not (status 'ignored').
CREATE TABLE team_records (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL DEFAULT '',
    root       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL CHECK (status IN ('applied', 'lost', 'void', 'ignored')),
    PRIMARY KEY (account_id, uid)
) WITHOUT ROWID;
CREATE INDEX team_records_mid ON team_records(account_id, message_id);

-- The view: per root, the winning claim and the current state and owner
-- records (their UIDs are the bases of the next changes).
CREATE TABLE team_tickets (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    root          TEXT NOT NULL,
    number        INTEGER NOT NULL DEFAULT 0,
    number_uid    INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'open',
    pending_until TEXT NOT NULL DEFAULT '',
    state_uid     INTEGER NOT NULL DEFAULT 0,
    owner         TEXT NOT NULL DEFAULT '',
    owner_uid     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, root)
) WITHOUT ROWID;
CREATE UNIQUE INDEX team_tickets_number ON team_tickets(account_id, number) WHERE number > 0;

-- An old number of a renumbered ticket: [Ticket#old] still threads there.
CREATE TABLE ticket_aliases (
    number    INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE
);

-- Who changed what, when: from records (uid > 0) and local changes of
-- accounts without team records (uid = 0). Keyed by root, so a record read
-- before its ticket's mail is history once the mail arrives.
CREATE TABLE ticket_history (
    id         INTEGER PRIMARY KEY,
    root       TEXT NOT NULL,
    account_id INTEGER NOT NULL DEFAULT 0,
    uid        INTEGER NOT NULL DEFAULT 0,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL DEFAULT '',
    agent      TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL DEFAULT '',
    outcome    TEXT NOT NULL CHECK (outcome IN ('applied', 'lost', 'local'))
);
CREATE INDEX ticket_history_root ON ticket_history(root, id);
CREATE UNIQUE INDEX ticket_history_record ON ticket_history(account_id, uid, root) WHERE uid > 0;

CREATE TABLE agents (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    address    TEXT NOT NULL COLLATE NOCASE,
    name       TEXT NOT NULL DEFAULT '',
    uid        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, address)
) WITHOUT ROWID;

-- Records waiting to be written (offline, or written but not yet seen).
CREATE TABLE team_outbox (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL UNIQUE,
    raw        BLOB NOT NULL,
    root       TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    -- A change's base (docs/team.md rule 3), kept when it is replaced.
    base       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Our changes that lost (docs/team.md rule 3), for the UI to tell once.
CREATE TABLE team_conflicts (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    root         TEXT NOT NULL,
    field        TEXT NOT NULL,
    mine         TEXT NOT NULL,
    winner_value TEXT NOT NULL,
    winner_agent TEXT NOT NULL,
    winner_at    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    seen         INTEGER NOT NULL DEFAULT 0
);
