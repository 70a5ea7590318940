-- A statement that must not commit says so itself: orgs_refuse raises `code` (an SQLSTATE of
-- ours) with `detail` as the message, so the whole transaction rolls back. An invitation over its
-- organization's quota is refused this way inside the one statement that writes and counts it
-- (server/store/members.ts), which lets that statement's COMMIT travel with it: a COMMIT that
-- follows an error in a pipeline rolls back.
CREATE OR REPLACE FUNCTION orgs_refuse(code text, detail text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = detail;
END $$;
