"""Exchange with other tools: FollowTheMoney entities (Aleph and investigative tooling) and
HURIDOCS/Uwazi-style CSV, both written from what the role may export and read back."""
