-- When the periodic clean-up last ran (server/maintenance.ts): the instances sharing a PostgreSQL
-- run it once per interval between them.
CREATE TABLE cleanup_runs (
  name text PRIMARY KEY,
  ran_at timestamptz NOT NULL
);
