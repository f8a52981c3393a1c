"""Protected names are not search words for readers without clearance.

The index holds the text of public sources as written, and pages mask a restricted person's
names in it (security/redact.py). A search for such a name must not find those sources either:
that it finds a public source tells the reader that the name occurs there, even if every
result is masked. So, for a reader who may not see restricted records, a query word that is (or
a run of query words that together is) a protected name — as the Masker knows them: as written
in any script, and through the name keys every romanization shares (박철수 = Pak Chol-su =
Park Cheol-soo) — matches nothing, exactly as a word the archive does not contain: the whole
query finds nothing when every word must match, the word adds nothing in ranking mode, and
excluding it excludes nothing. The reader cannot tell a protected name from an absent one.
"""

from __future__ import annotations

from sillok.language.analyzer import HANGUL, word_terms
from sillok.language.names import PREFIX, latin_keys
from sillok.search.query import Query
from sillok.security.redact import Masker

MAX_NAME_WORDS = 4  # a name is written in at most this many words (Kim Jong Un: three)


def _capitalised(word: str) -> str:
    # The Masker finds romanized names as capitalised runs; a query may be all lower case.
    return word[:1].upper() + word[1:]


def _keys(word: str) -> tuple[str, ...]:
    """A word's name key per syllable, as the Masker keeps names (without the index prefix)."""
    if HANGUL.search(word):
        return tuple(k[len(PREFIX):] for k in word_terms(word).name_syllables)
    keys = latin_keys(word)
    return tuple(keys[:-1] if len(keys) > 1 else keys)


def _is_name(words: list[str], masker: Masker) -> bool:
    written = " ".join(_capitalised(w) for w in words)
    if masker.mask(written) != written:
        return True
    if len(words) > 1 and all(HANGUL.search(w) for w in words):
        joined = "".join(words)  # 박 철수 is 박철수
        if masker.mask(joined) != joined:
            return True
    keys = tuple(k for w in words for k in _keys(w))
    return len(keys) > 1 and keys in masker.latin


def protected_words(words: list[str], masker: Masker) -> set[str]:
    """The words of ``words`` (in the order typed) that belong to a protected name: the
    shortest runs that are one, so that the words around a name stay searchable."""
    found: set[str] = set()
    for size in range(1, MAX_NAME_WORDS + 1):
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            if any(w in found for w in run):
                continue  # a shorter run inside it is a name already
            if _is_name(run, masker):
                found.update(run)
    return found


def hide_protected(q: Query, masker: Masker, match_all: bool) -> bool:
    """Take protected names out of ``q`` in place; False if the query can then match nothing
    (a clause that must match was only protected names)."""
    if not masker.has_hangul and not masker.latin:
        return True
    typed = [w for clause in q.clauses for w in clause[0].split()]
    blocked = protected_words(typed, masker)
    for text in [alt for clause in q.clauses for alt in clause[1:]] + q.excluded:
        blocked |= protected_words(text.split(), masker)
    if not blocked:
        return True

    def hidden(text: str) -> bool:
        return any(w in blocked for w in text.split())

    clauses = []
    for clause in q.clauses:
        kept = [alt for alt in clause if not hidden(alt)]
        if kept:
            clauses.append(kept)
        elif match_all:
            return False
    q.clauses = clauses
    q.excluded = [text for text in q.excluded if not hidden(text)]
    return bool(clauses)
