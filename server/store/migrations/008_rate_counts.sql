-- Rate-limit counts shared by the server instances on one PostgreSQL (server/store/rate-counts.ts):
-- one row per key (an account, an IP, an IP's failed authentications) holding its current window.
-- Unlogged: no WAL for counts that matter for a second or a minute. Rows of keys idle for an hour
-- are deleted by the periodic clean-up (server/maintenance.ts).
CREATE UNLOGGED TABLE rate_counts (
  key text PRIMARY KEY,
  window_start bigint NOT NULL,
  used integer NOT NULL
);
