"""Korean and English text analysis shared by indexing and querying."""
