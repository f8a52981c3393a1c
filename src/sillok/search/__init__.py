"""Search: the index written with every record, query parsing, backends, results."""
