-- SealDesk schema, version 14: a draft's attachments in rows of their own.
-- They were inside the draft's sealed JSON (base64), so every autosave of
-- the composer (1.5 s after a keystroke) carried and re-sealed them whole.
-- Now an attachment is sent and sealed once; the draft refers to it by id.
-- Name, content type and size are sealed too (meta): a file name can say
-- as much as the text it came with. Both blobs are sealed with the store
-- key, bound to the draft and the row (AAD "draft:<draft id>:attachment:<id>"
-- for the data, with ":meta" for the meta).
CREATE TABLE draft_attachments (
    id          INTEGER PRIMARY KEY,
    draft_id    INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    meta        BLOB NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX draft_attachments_draft ON draft_attachments(draft_id, id);
