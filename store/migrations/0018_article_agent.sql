-- Which agent sent an outgoing article (issue 13): the X-SealDesk-Agent
-- field of a message found in Sent (mail/thread.AgentField). A display
-- hint only ("sent by Anna"): anyone can write the field, so nothing is
-- decided by it.
ALTER TABLE articles ADD COLUMN agent TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN agent_name TEXT NOT NULL DEFAULT '';
