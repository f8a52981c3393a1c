"""Account services above the archive: sign-in, sessions, tokens, TOTP, backups, keys, audit log.

They use the archive service and the policy (security/); the archive never imports them.
"""
