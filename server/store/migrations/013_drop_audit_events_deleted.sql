-- 005's partial index on deleted organizations' and projects' audit events served the `deleted`
-- lookup by ID until 007 moved that lookup to deletion_viewers (its primary key). Checked with
-- EXPLAIN on PostgreSQL 15 (200,000 events): the lookup reads deletion_viewers_pkey; the server's
-- prepared audit-log query, in its generic plan, reads audit_events_org and never this index; a
-- custom plan of the log filtered by action=project.deleted and target_id may take it, and
-- without it takes audit_events_org_action (an organization's own deletion events, a few rows).
-- Every audit event paid for it on insert. Numbered 013: 012 may be another branch's.
DROP INDEX IF EXISTS audit_events_deleted;
