-- Browser sign-in (the admin page): one-time email links and the sessions they open. Secrets are
-- stored as SHA-256 hashes, as API tokens are. A link row is kept for every request, also for an
-- email no account has, so the hourly mail limit counts the same either way.
CREATE TABLE sign_in_links (
  id text PRIMARY KEY,
  email_normalized text NOT NULL,
  account_id text REFERENCES accounts(id) ON DELETE CASCADE,
  token_hash text UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX sign_in_links_email ON sign_in_links (email_normalized, created_at);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  -- The account has 2FA and the TOTP code has not been given yet: the session can do nothing but give it.
  two_factor_pending boolean NOT NULL,
  failed_codes integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
