"""Ingest: files of every kind in, as sources with their original bytes."""
