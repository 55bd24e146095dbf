-- The reviewer lockout counts failures per attempted account (sha256 of the e-mail) AND client address, so a remote
-- attacker cannot lock a reviewer out; reviewers.failed_logins/locked_until are no longer used.
ALTER TABLE login_attempts ADD COLUMN account text;
CREATE INDEX login_attempts_account_idx ON login_attempts(account, ip, created_at);
