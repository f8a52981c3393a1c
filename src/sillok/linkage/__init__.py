"""Person linkage: which person records of the archive are one person (splink, DuckDB)."""
