-- SealDesk schema, version 20: new tickets are put into the search index
-- (tickets_search, migration 0008) by the code that opens them, one
-- statement per transaction (store.indexTickets), instead of by a trigger
-- per INSERT. FTS5 writes what it holds to disk at the start of every
-- statement that opens a savepoint, so the sync, opening a ticket between
-- article INSERTs in one transaction, wrote and merged one index segment
-- per ticket: about a quarter of saving a mail. Edits and deletes are
-- still followed by the triggers of migration 0008.
DROP TRIGGER tickets_search_insert;
