"""Statistics: official series, counts from the records, disclosure control, charts."""
