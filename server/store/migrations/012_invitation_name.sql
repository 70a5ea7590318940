-- The invitee's display name as the inviter gave it (POST …/members `name`): it greets them in the
-- invitation mail and names the invitation until they accept; then the account's own name applies.
ALTER TABLE members ADD COLUMN invitation_name text;
