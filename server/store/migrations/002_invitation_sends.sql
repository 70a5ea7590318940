-- Invitations (and re-sends) an organization sent, per minute: the 24-hour quota sums at most
-- 1,440 rows of one organization instead of counting its audit events, and the row of the
-- current minute stays locked until the sending transaction commits, so concurrent invitations
-- are counted one after another. Rows older than a day are pruned by the server (maintenance.ts).
CREATE TABLE invitation_sends (
  organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  minute timestamptz NOT NULL,
  sent integer NOT NULL,
  PRIMARY KEY (organization_id, minute)
);

-- What was sent in the last day before this table existed still counts.
INSERT INTO invitation_sends (organization_id, minute, sent)
  SELECT organization_id, date_trunc('minute', occurred_at), count(*)
    FROM audit_events
   WHERE action IN ('invitation.created', 'invitation.resent') AND occurred_at > now() - interval '24 hours'
   GROUP BY 1, 2;
