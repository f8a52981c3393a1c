"""Ground: the policy, the name matcher, keys and sealing at rest; every layer may import them.

Nothing here imports the database or the archive. The account services are in accounts/, the
masker of protected names (it reads the person tables) in archive/redact.py.
"""
