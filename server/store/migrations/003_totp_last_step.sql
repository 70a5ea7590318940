-- The last TOTP time step accepted for an account: a code is accepted once (RFC 6238 §5.2).
ALTER TABLE accounts ADD COLUMN totp_last_step bigint;
