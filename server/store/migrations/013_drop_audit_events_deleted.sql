-- 005's partial index on deleted organizations' and projects' audit events served the `deleted`
-- lookup by ID until 007 moved that lookup to deletion_viewers (its primary key, object_id
-- first); since then only 007's one-time backfill read it. No query of the server filters on
-- those two actions by target ID (EXPLAIN of each: README "Data scale"), and every audit event
-- still paid for it on insert. (Numbered 013: 012 may be taken by another branch of the same session.)
DROP INDEX IF EXISTS audit_events_deleted;
