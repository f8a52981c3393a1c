"""search index: public copies made again by a name matcher that finds more spellings

The name matcher now also finds a protected name written with dots between its parts
(박.철.수, Pak.Chol.Su, park.chulsoo in an address), in Yale's letters (Swunca, Choy, Huy) and
in Chinese characters (朴哲洙, simplified 李顺子).
Public and analysts' copies made before it may still hold such a spelling; nothing in the
schema changes, but `sillok init` rebuilds the search index of an archive upgraded from
before this revision (archive/lifecycle.py, INDEX_REVISION), so those copies are made
again by the new matcher.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08
"""

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the rebuild is init_archive's (INDEX_REVISION)


def downgrade() -> None:
    pass
