-- SealDesk schema, version 15: a key found in mail carries its finding
-- (crypto/pgp FoundFinding, issue 12): "sender" when the mail proves it is
-- the sender's (Autocrypt for From, or it verifies the mail's signature),
-- else why not (other_address, unproven, duplicate, key_change). Only
-- "sender" keys are offered for one-click acceptance; keys found before
-- this version have none and wait for an administrator.
ALTER TABLE pending_keys ADD COLUMN finding TEXT NOT NULL DEFAULT '';
