-- SealDesk schema, version 13: results stored before the typed
-- integrity field (crypto EncryptionResult.integrity_protected, issue 11)
-- gain it, so that content decrypted with an integrity check does not
-- show the "not integrity-protected" warning until it is processed again.
--
-- Earlier engines opened OpenPGP data only with MDC or AEAD, and named an
-- S/MIME content cipher with a "-GCM" suffix only for AuthEnvelopedData
-- (RFC 5083): both mean the content carried its own integrity check. This
-- reads the algorithm names our own earlier versions wrote, a closed set,
-- once; nothing after this migration reads them for a decision.
UPDATE articles
SET security = json_set(security, '$.encryption.integrity_protected',
    json(CASE
        WHEN json_extract(security, '$.type') = 'PGP' THEN 'true'
        WHEN json_extract(security, '$.encryption.algorithm') GLOB 'AES-[0-9]*-GCM*' THEN 'true'
        ELSE 'false'
    END))
WHERE json_extract(security, '$.encrypted') = 1
  AND json_extract(security, '$.encryption.success') = 1
  AND json_type(security, '$.encryption.integrity_protected') IS NULL;
