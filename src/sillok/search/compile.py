"""A parsed query → the backend's full-text expression (FTS5 MATCH or a tsquery).

Only analyser terms (letters and digits) ever appear in the expression, quoted; user text never
reaches the database as query syntax.

- A word matches a record that has every term of one of its groups (its morphemes, its bigrams
  or stems, its name key syllables, its whole name key). Name key syllables must be adjacent
  and in order (a phrase): 박철수 is Pak Chol-su, not a Pak, a Chol and a Su anywhere. Such a
  phrase is asked as the phrase of the syllables' pairs (names.pair_terms), which matches the
  same places: a syllable key is common, and the backend would read every place of each.
- A "quoted phrase" matches where its words stand next to each other in that order: its words'
  terms, concatenated, must occur as one phrase in one of the analyser's streams (morphemes,
  surface terms, name keys; see language/analyzer.py). A phrase whose words share no stream
  cannot be adjacent anywhere and matches nothing.
- A question in ranking mode (``match_all=False``) matches any single term of its words
  (``ranking_expr``): part of a word is evidence too, and ranking (rank.py) weighs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sillok.language.analyzer import WordTerms, word_terms
from sillok.language.names import pair_terms
from sillok.search.query import Query

SAFE = re.compile(r"\W")
EXPANDED = 0.7  # the weight of an alternative the query added (Alternative.weight)


@dataclass(frozen=True)
class Alternative:
    """One alternative of a clause: a word, or a phrase's words in order."""

    words: tuple[WordTerms, ...]
    quoted: bool = False
    # Share of a clause's weight earned by matching this alternative (rank.py): a word the
    # query added (a term's label, a thesaurus word) earns less than the word typed, so that
    # a record with the reader's own word ranks above one with only its equivalent.
    weight: float = 1.0

    @property
    def phrase(self) -> bool:
        return self.quoted or len(self.words) > 1

    @property
    def left_out(self) -> bool:
        return all(w.left_out for w in self.words)

    def phrase_streams(self) -> list[tuple[str, ...]]:
        """The phrase as one term sequence per stream that every word has."""
        return [seq for _kind, seq in self.streams_by_kind()]

    def streams_by_kind(self) -> list[tuple[str, tuple[str, ...]]]:
        """The same, each with its stream's name (morphemes, surface, name_syllables)."""
        out = []
        for kind in ("morphemes", "surface", "name_syllables"):
            parts = [getattr(w, kind) for w in self.words]
            if all(parts):
                out.append((kind, tuple(t for part in parts for t in part)))
        return out


def alternatives(q: Query, clause: list[str]) -> list[Alternative]:
    out = []
    for text in clause:
        words = tuple(w for w in (word_terms(part, q.latin_name(part)) for part in text.split())
                      if w.groups)
        if text in q.expanded:
            # A vocabulary label is not a name: its name keys would only add costly phrases
            # of common syllables to the match (and to every score) and find nothing more.
            words = tuple(w for w in (replace(w, name_syllables=(), name_whole=())
                                      for w in words) if w.groups)
        if words:
            out.append(Alternative(words, text in q.quoted,
                                   EXPANDED if text in q.expanded else 1.0))
    return out


class Dialect:
    """How one backend spells a phrase, AND, OR and NOT."""

    def __init__(self, name: str) -> None:
        self.sqlite = name == "sqlite"
        self.and_, self.or_ = (" AND ", " OR ") if self.sqlite else (" & ", " | ")

    def term(self, term: str) -> str:
        clean = SAFE.sub("", term)
        return f'"{clean}"' if self.sqlite else f"'{clean}'"

    def phrase(self, terms: tuple[str, ...] | list[str]) -> str:
        if len(terms) == 1:
            return self.term(terms[0])
        if self.sqlite:
            return '"' + " ".join(SAFE.sub("", t) for t in terms) + '"'
        return "(" + " <-> ".join(self.term(t) for t in terms) + ")"

    def all_of(self, terms: tuple[str, ...] | list[str]) -> str:
        return "(" + self.and_.join(self.term(t) for t in terms) + ")"

    def any_of(self, exprs: list[str]) -> str:
        return "(" + self.or_.join(exprs) + ")"

    def without(self, expr: str, excluded: str) -> str:
        return f"{expr} NOT {excluded}" if self.sqlite else f"{expr} & !{excluded}"


def name_phrase(syllables: tuple[str, ...]) -> tuple[str, ...]:
    """Name key syllables in a row, as the index is asked for them: their pairs."""
    return tuple(pair_terms(syllables)) if len(syllables) > 1 else syllables


def word_expr(w: WordTerms, d: Dialect) -> str | None:
    """Any of the word's groups. A group that holds all the terms of another group finds
    nothing that one does not (강제 제송 송환 beside 강제 송환), so it is left out: the backend
    scores every term of the expression for every match, and a common word has many."""
    groups = [g for g in (w.morphemes, w.surface, w.name_whole) if g]
    terms = [set(g) for g in groups]
    parts = [d.all_of(g) for i, g in enumerate(groups)
             if not any(o < terms[i] or (o == terms[i] and j < i) for j, o in enumerate(terms))]
    if w.name_syllables and not any(t <= set(w.name_syllables) for t in terms):
        parts.append(d.phrase(name_phrase(w.name_syllables)))
    unique = list(dict.fromkeys(parts))
    return d.any_of(unique) if unique else None


def alternative_expr(alt: Alternative, d: Dialect) -> str | None:
    if not alt.phrase:
        return word_expr(alt.words[0], d)
    # The morpheme and surface streams of a phrase are often the same terms.
    streams = list(dict.fromkeys(name_phrase(seq) if kind == "name_syllables" else seq
                                 for kind, seq in alt.streams_by_kind()))
    return d.any_of([d.phrase(s) for s in streams]) if streams else None


def clause_expr(alts: list[Alternative], d: Dialect) -> str | None:
    exprs = [e for e in (alternative_expr(a, d) for a in alts) if e]
    return d.any_of(exprs) if exprs else None


def ranked_clauses(q: Query, match_all: bool) -> list[list[Alternative]]:
    """The clauses that take part in matching. The words that only ask (English function
    words, Korean interrogatives: ``WordTerms.left_out``) are left out as long as something
    else is left — in ranking mode (``match_all=False``, natural language questions) and in
    the search bar's every-word mode alike: a reader types "언제 강제송환" or "who was
    arrested" there too, and no record that answers holds 언제 or who."""
    return clauses_and_gaps(q, match_all)[0]


def clauses_and_gaps(q: Query, match_all: bool) -> tuple[list[list[Alternative]], list[int]]:
    """``ranked_clauses``, and after each how many words were left out before the next: where
    the query said "reports on returnees", a record may have one word between the two."""
    clauses: list[list[Alternative]] = []
    stops: list[bool] = []
    for i, clause in enumerate(q.clauses):
        alts = alternatives(q, clause)
        if not alts:
            continue
        stop = all(a.left_out for a in alts)
        if stop and (_names_a_person(q, i) or _an_acronym(q, i)):
            # An, So, O are surnames too ("An Jae-min", "So Kwang-il"); WHO and IT acronyms
            stop = False
        clauses.append(alts)
        stops.append(stop)
    if all(stops):
        return clauses, [0] * len(clauses)
    content: list[list[Alternative]] = []
    gaps: list[int] = []
    for alts, stop in zip(clauses, stops, strict=True):
        if not stop:
            content.append(alts)
            gaps.append(0)
        elif gaps:
            gaps[-1] += 1
    return content, gaps


def _names_a_person(q: Query, i: int) -> bool:
    """Whether the capitalised word of clause ``i`` opens a name: the next word is a
    capitalised given name (Jae-min, Kwang-il)."""
    word = q.clauses[i][0]
    following = q.clauses[i + 1][0] if i + 1 < len(q.clauses) else ""
    return (q.cased and word[:1].isupper() and following[:1].isupper()
            and not word_terms(following).stop)


def _an_acronym(q: Query, i: int) -> bool:
    """Whether clause ``i`` is a function word's letters written as an acronym — WHO (the
    World Health Organization), IT — in a query not typed all in capitals (a Hangul word
    or a lower-case letter beside it)."""
    word = q.clauses[i][0]
    return (len(word) > 1 and word.isupper()
            and any(c.isalpha() and not c.isupper() for w in q.words for c in w))


def _parts(clauses: list[list[Alternative]], d: Any) -> list[Any]:
    """The distinct terms of the clauses' words, each alone — bigrams and stems, morphemes,
    whole name keys — and a name in syllables as the phrase of its pairs. A quoted phrase is
    left out here (``ranking_expr`` keeps it whole)."""
    terms: dict[str, None] = {}
    phrases: dict[tuple[str, ...], None] = {}
    for clause in clauses:
        for alt in clause:
            if alt.phrase:
                continue
            w = alt.words[0]
            terms.update(dict.fromkeys((*w.surface, *w.morphemes, *w.name_whole)))
            if w.name_syllables:
                phrases[name_phrase(w.name_syllables)] = None
    return [d.term(t) for t in terms] + [d.phrase(p) for p in phrases]


def ranking_expr(clauses: list[list[Alternative]], d: Any) -> list[Any]:
    """The parts of a ranking-mode match (``match_all=False``): every term of every word
    alone, and the quoted phrases whole. A record with only some bigrams or morphemes of a
    word (another ending, a compound written apart, a paraphrase sharing a stem) is found,
    and ranked below those with the whole word (rank.py); matching a word only whole left
    such records out of the ranking altogether."""
    parts = _parts(clauses, d)
    parts += [e for clause in clauses for alt in clause if alt.phrase
              for e in [alternative_expr(alt, d)] if e is not None]
    return parts


def compile_query(q: Query, dialect: str, match_all: bool = True) -> str | None:
    """The MATCH / tsquery text. ``match_all=False`` matches any part of any word and leaves
    the rest to ranking (questions in natural language, as eval-search asks them)."""
    d = Dialect(dialect)
    clauses = ranked_clauses(q, match_all)
    if match_all:
        exprs = [e for e in (clause_expr(c, d) for c in clauses) if e]
    else:
        exprs = list(dict.fromkeys(ranking_expr(clauses, d)))
    if not exprs:
        return None
    expr = "(" + (d.and_ if match_all else d.or_).join(exprs) + ")"
    return excluding(q, expr, d)


def excluding(q: Query, expr: str, d: Dialect) -> str:
    """``expr`` without the records that have a word the query excludes (-word)."""
    for text in q.excluded:
        excluded = clause_expr(alternatives(q, [text]), d)
        if excluded:
            expr = d.without(expr, excluded)
    return expr
