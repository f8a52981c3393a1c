"""the search index holds name key pairs: entries written before it are rebuilt

No table changes. From this revision on, every stream of name keys in an index entry is
followed by its pairs (language/names.py, pair_terms), and searches ask for a name written in
syllables by its pairs: at 1,000,000 sources the syllable phrases were nine tenths of the
full-text engine's time. Entries written before this revision lack the pairs, so `sillok init`
rebuilds the index of an archive upgraded from an earlier revision (archive/lifecycle.py,
INDEX_REVISION).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the rebuild is the archive's (lifecycle.init_archive): it needs the analyzer


def downgrade() -> None:
    pass  # an older Sillok reads entries with pairs as it reads any other terms
