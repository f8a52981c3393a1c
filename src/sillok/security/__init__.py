"""Who may see and do what: the policy, and (later) accounts, redaction and backups."""
