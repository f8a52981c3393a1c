"""Web capture with provenance (Berkeley Protocol on Digital Open Source Investigations): the
page as WARC, a screenshot, its text as a source, hashes and an RFC 3161 trusted timestamp."""
