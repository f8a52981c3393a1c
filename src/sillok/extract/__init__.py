"""Suggestions from a source's text: dates, counts, names, places, organisations, terms."""
