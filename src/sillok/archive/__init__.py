"""The archive's core services: every record type created, read, updated and retracted here."""
