-- Indexes the hot queries need at data scale (bench/data-scale.ts: 1,000,000 members in 10,000
-- organizations, EXPLAIN ANALYZE of each; README "Data scale"):
-- A member list pages by (organization_id, id): without this it read the organization's rows by
-- its email index and sorted them, every page.
CREATE INDEX IF NOT EXISTS members_org_id ON members (organization_id, id);
-- The invitations addressed to an email across organizations (GET /v1/me/invitations, and the
-- invitee's view of an invitation) read pending members by email: without this, a scan of every
-- member of every organization.
CREATE INDEX IF NOT EXISTS members_invited_email ON members (email_normalized, id) WHERE joined_at IS NULL;
