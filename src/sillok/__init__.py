"""Sillok (실록): a documentation system for North Korean human rights."""

__version__ = "0.1.0"
