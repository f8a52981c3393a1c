"""Linkage between organisations without sharing names: keyed Bloom-filter encodings of the
persons an archive holds (scheme.py, tokens.py), the file one organisation hands over
(encodings.py) and the comparison of two such files into counts (compare.py).

The scheme, what it leaks and the attacks it is meant to withstand: docs/linkage-encodings.md.
"""
