-- The org system's schema. Uniqueness rules live here as constraints, not only in code.
CREATE TABLE accounts (
  id text PRIMARY KEY,
  email text NOT NULL,
  email_normalized text NOT NULL UNIQUE,
  name text NOT NULL,
  is_operator boolean NOT NULL DEFAULT false,
  totp_secret text,
  totp_pending_secret text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  last4 text NOT NULL,
  organization_ids text[],
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id, id);

CREATE TABLE organizations (
  id text PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  website_url text,
  region text NOT NULL CHECK (region IN ('us', 'eu')),
  plan text NOT NULL DEFAULT 'free',
  require_two_factor boolean NOT NULL DEFAULT false,
  owner_account_id text NOT NULL REFERENCES accounts(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE billing_addresses (
  organization_id text PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  country text, name_line text, premise text, sub_premise text, thoroughfare text,
  administrative_area text, locality text, dependent_locality text, postal_code text,
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE billing_profiles (
  organization_id text PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  company_name text, vat_number text, billing_contact_email text, security_contact_email text,
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE roles (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  builtin text CHECK (builtin IN ('DEFAULT', 'ADMIN')),
  permissions text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (organization_id, builtin)
);
CREATE UNIQUE INDEX roles_name ON roles (organization_id, lower(name));

CREATE TABLE teams (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX teams_name ON teams (organization_id, lower(name));

CREATE TABLE members (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email text NOT NULL,
  email_normalized text NOT NULL,
  account_id text REFERENCES accounts(id),
  permissions text[] NOT NULL DEFAULT '{}',
  invitation_token_hash text UNIQUE,
  invitation_expires_at timestamptz,
  invited_by_account_id text,
  invitation_note text,
  invitation_sent_count integer NOT NULL DEFAULT 0,
  joined_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (organization_id, email_normalized),
  UNIQUE (organization_id, account_id)
);
CREATE INDEX members_account ON members (account_id);

CREATE TABLE member_roles (
  member_id text NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  role_id text NOT NULL REFERENCES roles(id) ON DELETE CASCADE, -- roles in use cannot be deleted; this lets an organization go
  PRIMARY KEY (member_id, role_id)
);
CREATE INDEX member_roles_role ON member_roles (role_id);

CREATE TABLE team_members (
  team_id text NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  member_id text NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'maintainer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, member_id)
);
CREATE INDEX team_members_member ON team_members (member_id);

CREATE TABLE projects (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations(id),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_by_account_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX projects_name ON projects (organization_id, lower(name));

CREATE TABLE environments (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('sandbox', 'live')),
  UNIQUE (project_id, type)
);

CREATE TABLE project_access (
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  principal_type text NOT NULL CHECK (principal_type IN ('members', 'roles', 'teams', 'accounts')),
  principal_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'viewer')),
  sandbox_role text CHECK (sandbox_role IN ('admin', 'contributor', 'viewer')),
  live_role text CHECK (live_role IN ('admin', 'contributor', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (project_id, principal_type, principal_id)
);
CREATE INDEX project_access_principal ON project_access (principal_type, principal_id);

CREATE TABLE audit_events (
  id text PRIMARY KEY,
  organization_id text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  actor jsonb NOT NULL,
  source_ip text,
  user_agent text,
  request_id text,
  target jsonb NOT NULL,
  project_id text,
  changes jsonb
);
CREATE INDEX audit_events_org ON audit_events (organization_id, id DESC);
CREATE INDEX audit_events_org_action ON audit_events (organization_id, action, occurred_at);

CREATE TABLE idempotency_keys (
  account_id text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer,
  response_body jsonb,
  response_headers jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, method, path, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE outbox (
  id text PRIMARY KEY,
  organization_id text,
  to_address text NOT NULL,
  subject text NOT NULL,
  text text NOT NULL,
  invitation_token text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_to ON outbox (lower(to_address), id);
