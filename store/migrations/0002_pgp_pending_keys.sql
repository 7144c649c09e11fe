-- SealDesk schema, version 2: OpenPGP key lookups and keys found in mail.

-- Every (sub)key ID of a stored OpenPGP key, so the engine finds the key a
-- signature or an encrypted message names (RFC 9580 section 5.5.4)
-- without parsing every stored key.
CREATE TABLE pgp_key_ids (
    key_id       TEXT NOT NULL,
    fingerprint  TEXT NOT NULL REFERENCES pgp_keys(fingerprint) ON DELETE CASCADE,
    PRIMARY KEY (key_id, fingerprint)
);
CREATE INDEX pgp_key_ids_fingerprint ON pgp_key_ids(fingerprint);

-- Keys and certificates found in received mail (Autocrypt headers,
-- attached application/pgp-keys, certificates carried in an S/MIME
-- signature), waiting for the agent to accept or reject them. Nothing here
-- is used for verifying or encrypting until it is accepted, which imports
-- it through the normal import path.
CREATE TABLE pending_keys (
    id            INTEGER PRIMARY KEY,
    technology    TEXT NOT NULL CHECK (technology IN ('PGP', 'S/MIME')),
    source        TEXT NOT NULL CHECK (source IN ('autocrypt', 'attachment', 'signature')),
    address       TEXT NOT NULL DEFAULT '',
    fingerprint   TEXT NOT NULL,
    -- What the list shows: the primary user ID, or the certificate subject.
    label         TEXT NOT NULL DEFAULT '',
    -- Binary transferable public key (PGP) or certificate DER (S/MIME).
    key           BLOB NOT NULL,
    article_id    INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    found_at      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    -- A different key than the one we hold for this address: accepting it
    -- adds a key the agent must mean to trust.
    key_change    INTEGER NOT NULL DEFAULT 0,
    replaces      TEXT NOT NULL DEFAULT '',
    -- Why the agent should look twice (an Autocrypt addr not on the key, a
    -- CA certificate, a signature that did not verify).
    warning       TEXT NOT NULL DEFAULT '',
    decided_at    TEXT NOT NULL DEFAULT '',
    -- One row per key: a key found again is not proposed again, and a
    -- rejected one stays rejected.
    UNIQUE (technology, fingerprint)
);
CREATE INDEX pending_keys_status ON pending_keys(status, id);
