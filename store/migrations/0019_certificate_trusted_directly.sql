-- SealDesk schema, version 19: a certificate can be trusted directly, for
-- the e-mail addresses it names itself, without a CA (issue 14: a
-- contact's self-signed or privately issued certificate). Such a
-- certificate is never a trust anchor, even when it says CA:TRUE, as
-- OpenSSL's self-signed certificates do by default.
ALTER TABLE smime_certificates ADD COLUMN trusted_directly INTEGER NOT NULL DEFAULT 0;
