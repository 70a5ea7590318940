-- Who may be told that a deleted organization or project was deleted (404 `deleted`): the accounts
-- that could see it when it went, recorded by the deleting transaction (server/domain/deleted.ts).
-- Everyone else gets the `not_found` of an ID that never existed, so a deleted ID tells an
-- outsider nothing. organization_id is the organization the object was in, so that a token
-- restricted to other organizations is not told either.
CREATE TABLE deletion_viewers (
  object_id text NOT NULL,
  account_id text NOT NULL,
  organization_id text NOT NULL,
  deleted_at timestamptz NOT NULL,
  PRIMARY KEY (object_id, account_id)
);

-- Deletions made before this table existed are known to the account that made them (the audit
-- event's actor): who else could see the object then is no longer known.
INSERT INTO deletion_viewers (object_id, account_id, organization_id, deleted_at)
  SELECT target->>'id', actor->>'account_id', organization_id, min(occurred_at)
    FROM audit_events
   WHERE action IN ('organization.deleted', 'project.deleted') AND actor->>'account_id' IS NOT NULL
   GROUP BY 1, 2, 3
ON CONFLICT DO NOTHING;
