-- The operator's default email was operator@localhost, which the API's own email rule refuses: every
-- answer naming the operator (GET /v1/me, its memberships) failed the published schema. The
-- default is now operator@orgs.localhost (.localhost is reserved by RFC 6761, so mail to it never
-- leaves the machine). Only that default is renamed, in the account and in its memberships, and
-- not when the new address is already taken.
UPDATE members SET email = 'operator@orgs.localhost', email_normalized = 'operator@orgs.localhost', version = version + 1
 WHERE email_normalized = 'operator@localhost'
   AND account_id IN (SELECT id FROM accounts WHERE is_operator AND email_normalized = 'operator@localhost')
   AND NOT EXISTS (SELECT 1 FROM accounts WHERE email_normalized = 'operator@orgs.localhost')
   AND NOT EXISTS (SELECT 1 FROM members o WHERE o.organization_id = members.organization_id AND o.email_normalized = 'operator@orgs.localhost');

UPDATE accounts SET email = 'operator@orgs.localhost', email_normalized = 'operator@orgs.localhost'
 WHERE is_operator AND email_normalized = 'operator@localhost'
   AND NOT EXISTS (SELECT 1 FROM accounts WHERE email_normalized = 'operator@orgs.localhost');
