"""Second-stage ranking: the backend's own score (BM25 on SQLite, ts_rank on PostgreSQL) picks
a window of candidates; this module orders them the same way on every backend.

Why a second stage: the backend scores every analyser term separately, so a Korean word that
yields a morpheme and four bigrams counts five times and an English function word as much as a
name. Here a record earns, for each query *word* it contains, that word's rarity (IDF over the
records the actor may see), more for repeats as BM25 counts them (saturating, and relative to
the record's length against the candidates' average), and a bonus when consecutive query
words stand next to each other in the record — an exact phrase or a name written out in full
(Pak Chol-su next to each other, not a Pak and a Chol-su in different sentences), and a share
of the weights of all the query words found within about a sentence of each other (a question
restates one sentence of the text that answers it). A word that most candidates hold weighs
less than its IDF (SPREAD): it tells them apart less. A word is matched in each of the
analyser's fields — morphemes, bigrams, name keys — and credited by the best, in part when only
some of its morphemes or bigrams are there, and a Korean noun the record lacks earns a share for
a record's noun near it in meaning (SOFT). The backend's score stays as a small tie-breaker.
Tuned on the project's set and KLUE-STS only; measured on unseen sets (bench/README.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from sillok.language import similarity
from sillok.language.analyzer import WordTerms
from sillok.language.names import PAIRS_MARK
from sillok.search.compile import Alternative

TITLE_GAP = 2  # positions between title and body, so that no phrase spans the two
PAIRS = f" {PAIRS_MARK} "
ADJACENT = 0.6  # share of the rarer word's weight earned by standing next to the other word
NAME = 1.0  # share of both words' weight earned by being one name written out in full
SURFACE_PARTIAL = 0.6  # the same for a word only some of whose bigrams are present
PARTIAL = 0.4  # credit for a compound Korean word only some of whose morphemes are present
TITLE = 0.3  # extra share of a word's weight when it is in the record's title
BACKEND = 0.5  # weight of the backend's normalised score
# Repeats and length as BM25 weighs them: a word's weight grows with its frequency but
# saturates (K1), and a long record needs more repeats for the same credit (LENGTH, BM25's
# usual b) — without it, a long record that happens to hold many of a question's words
# outranked the short one that answers it. K1 is below BM25's usual 1.2 so that words
# repeated apart do not outweigh the same words standing together (ADJACENT).
K1 = 0.6
LENGTH = 0.75
# Proximity beyond neighbours: the clauses found together within WINDOW analysed positions
# (about a sentence) earn PROXIMITY of their weights. A question restates one sentence of the
# text that answers it; a record that has the same words scattered over paragraphs does not.
WINDOW = 30
PROXIMITY = 0.4
# Another word for the same thing (연행 for 체포, 욕실 for 화장실): a question's Korean noun
# that a record lacks earns SOFT × its greatest similarity (if at least FLOOR) to the record's
# nouns in Kiwi's model (language/similarity.py) — less than the word itself, which earns 1.
# The model finds a neighbour of almost any word in almost any text of the same domain, so a
# record earns only what its soft match is above the candidates' COMMON quantile for that
# word (most candidates of a question about a host's kindness have some word near 호스트):
# without that, soft credit lifted every Korean record alike, and cost the project set (a
# Korean question's English answer has no Korean nouns) what it won on KLUE-STS.
SOFT = 0.7
FLOOR = 0.6
COMMON = 0.75
# Rarity among the candidates as well as in the archive: a word that most of the thirty
# candidates hold whole (the topic of the records a question's other words found) tells them
# apart less than its IDF says, so its weight loses SPREAD × the share of candidates that hold
# it. Tuned on the project set and KLUE-STS: 0.2–0.3 better than 0 on both (bench/README.md).
SPREAD = 0.2



@dataclass
class Candidate:
    key: tuple[str, int]
    backend_score: float  # higher is better
    title: str
    body: str
    score: float = 0.0


class Positions:
    """Where each query term stands in one record's analysed text."""

    def __init__(self, title: str, body: str, wanted: set[str]) -> None:
        # The pairs of name keys, last behind their mark, are there for the backend to find
        # names fast (names.pair_terms), not words of the record: left out here.
        tokens = title.partition(PAIRS)[0].split()
        self.title_end = len(tokens)
        tokens += [""] * TITLE_GAP + body.partition(PAIRS)[0].split()
        self.length = len(tokens)
        self.text = (title, body)
        self._nouns: frozenset[int] | None = None
        self.at: dict[str, set[int]] = {}
        # The query terms the record holds, by a set of its terms (built in C), and each one's
        # positions by list.index (a scan in C): no Python step per term of the record, which
        # was most of re-ranking's time (a record has hundreds of terms, a query a dozen).
        for term in wanted.intersection(tokens):
            found, i = set(), tokens.index(term)
            while True:
                found.add(i)
                try:
                    i = tokens.index(term, i + 1)
                except ValueError:
                    break
            self.at[term] = found

    def count(self, term: str) -> int:
        return len(self.at.get(term, ()))

    def nouns(self) -> frozenset[int]:
        """The model's ids of the record's distinct nouns (language/similarity.py)."""
        if self._nouns is None:
            title, body = self.text
            self._nouns = _record_nouns(title) | _record_nouns(body)
        return self._nouns

    def starts(self, seq: tuple[str, ...]) -> list[int]:
        """Positions where ``seq`` begins as a contiguous run."""
        first = self.at.get(seq[0])
        if not first:
            return []
        rest = [self.at.get(t) for t in seq[1:]]
        if any(r is None for r in rest):
            return []
        return [p for p in first
                if all(p + k + 1 in r for k, r in enumerate(rest) if r is not None)]


Match = tuple[float, int, bool, bool]  # share 0–1, frequency, in the title, as a full name


def _word_match(w: WordTerms, pos: Positions) -> Match:
    """How fully the record has the word (0–1), how often, whether in the title, and whether
    as a name of two syllables or more (계성훈 for Kye Sung-hun, 혜산 in 혜산시)."""
    best, tf, in_title, named = 0.0, 0, False, False
    for group in (w.morphemes, w.surface, w.name_whole):
        if not group:
            continue
        counts = [pos.count(t) for t in group]
        present = sum(1 for c in counts if c)
        if present == len(group):
            share = 1.0
        elif group is w.morphemes and len(group) > 1:
            share = PARTIAL * present / len(group)
        elif group is w.surface and len(group) > 1:
            # A word's bigrams in part: the same stem with another ending (강제송환되었다 for
            # 강제송환된), or a compound written apart.
            share = SURFACE_PARTIAL * present / len(group)
        else:
            share = 0.0
        if share > best or (share == best and share > 0 and min(counts) > tf):
            best, tf = share, min(counts) if share == 1.0 else max(counts)
            in_title = any(p < pos.title_end for t in group for p in pos.at.get(t, ()))
    if w.name_syllables:
        starts = pos.starts(w.name_syllables)
        if starts:
            named = w.proper and len(w.name_syllables) > 1
            if best < 1.0 or len(starts) > tf:
                best, tf = 1.0, len(starts)
                in_title = in_title or min(starts) < pos.title_end
    return best, tf, in_title, named


def _alternative_match(alt: Alternative, pos: Positions) -> Match:
    if not alt.phrase:
        return _word_match(alt.words[0], pos)
    starts = [p for s in alt.phrase_streams() for p in pos.starts(s)]
    if not starts:
        return 0.0, 0, False, False
    return 1.0, len(starts), min(starts) < pos.title_end, False


def _clause_match(clause: list[Alternative], pos: Positions) -> tuple[float, Match]:
    """The clause's best alternative in the record: its share weighed by the alternative's
    weight (a word the query added earns less), and its match."""
    found = [(m[0] * alt.weight, m) for alt in clause for m in [_alternative_match(alt, pos)]]
    # Ties go to the more frequent, as a comparison of the matches themselves would have it.
    return max(found, key=lambda f: (f[0], *f[1][1:]), default=(0.0, (0.0, 0, False, False)))


@lru_cache(maxsize=4096)
def _record_nouns(text: str) -> frozenset[int]:
    """The model's ids of the nouns of a record's analysed title or body, kept for the
    records searches return again."""
    return similarity.noun_ids(text.partition(PAIRS)[0].split())


Near = dict[str, list[tuple[float, int]]]  # a morpheme's similar nouns among the candidates'


def _soft_match(clause: list[Alternative], pos: Positions, near: Near) -> float:
    """The clause's share earned by similar words: for a word some of whose morphemes the
    record lacks, SOFT × the mean over its morphemes of 1 (present) or the similarity of the
    record's nearest noun (if at least FLOOR); 0 if no missing morpheme has one."""
    found = 0.0
    for alt in clause:
        if alt.phrase or not alt.words[0].morphemes:
            continue
        morphemes = alt.words[0].morphemes
        shares, similar = [], False
        for m in morphemes:
            if pos.count(m):
                shares.append(1.0)
                continue
            nouns = pos.nouns()
            best = next((value for value, i in near.get(m, ()) if i in nouns), 0.0)
            similar = similar or best > 0
            shares.append(best)
        if similar:
            found = max(found, SOFT * alt.weight * sum(shares) / len(morphemes))
    return found


def _soft_shares(clauses: list[list[Alternative]], positions: list[Positions],
                 matches: list[list[tuple[float, Match]]]) -> list[list[float]]:
    """Per candidate and clause, the share its similar words earn above the candidates'
    COMMON quantile (0 where the clause's word is there whole)."""
    softs = [[0.0] * len(clauses) for _ in positions]
    if not SOFT or not positions or not similarity.available():
        return softs
    near: Near = {}
    every: set[int] = set()
    for k, clause in enumerate(clauses):
        wanted = [m for alt in clause if not alt.phrase for m in alt.words[0].morphemes]
        if not wanted:
            continue
        if not every:
            every = set().union(*(pos.nouns() for pos in positions))
        near.update((m, similarity.near(m, every, FLOOR)) for m in wanted if m not in near)
        column = [0.0 if found[k][1][0] == 1.0 else _soft_match(clause, pos, near)
                  for pos, found in zip(positions, matches, strict=True)]
        common = sorted(column)[int(COMMON * (len(column) - 1))]
        for soft, value in zip(softs, column, strict=True):
            soft[k] = max(value - common, 0.0)
    return softs


def _ends(alt: Alternative, pos: Positions) -> dict[str, set[int]]:
    """Per stream, the positions just after each occurrence of the alternative."""
    return {kind: {p + len(seq) for p in pos.starts(seq)}
            for kind, seq in alt.streams_by_kind()}


def _starts(alt: Alternative, pos: Positions) -> dict[str, set[int]]:
    return {kind: set(pos.starts(seq)) for kind, seq in alt.streams_by_kind()}


def _adjacent(left: list[Alternative], right: list[Alternative], pos: Positions,
              gap: int) -> str | None:
    """Whether some alternative of ``left`` is directly followed by one of ``right``: "name"
    if they are one name written out (adjacent name keys), "text" if adjacent words. As many
    words as the query left out between them (function words) may stand between them in the
    surface stream; Korean particles are not in the morpheme stream, so need no gap."""
    found = None
    for a in left:
        ends = _ends(a, pos)
        if not ends:
            continue
        for b in right:
            for kind, starts in _starts(b, pos).items():
                after = ends.get(kind)
                if not after:
                    continue
                allowed = range(gap + 1 if kind == "surface" else 1)
                if any(p + g in starts for p in after for g in allowed):
                    if kind == "name_syllables":
                        return "name"
                    found = "text"
    return found


def _clause_positions(clause: list[Alternative], pos: Positions) -> set[int]:
    """Where any term of the clause's words stands (every stream)."""
    return {p for alt in clause for w in alt.words for group in w.groups for t in group
            for p in pos.at.get(t, ())}


def best_window(clauses: list[list[Alternative]], weights: list[float], pos: Positions,
                width: int = 0) -> float:
    """The largest sum of the weights of distinct clauses that stand within ``width``
    positions of each other (a sliding window over the record's analysed terms)."""
    width = width or WINDOW
    events = sorted((p, i) for i, clause in enumerate(clauses)
                    for p in _clause_positions(clause, pos))
    inside = [0] * len(clauses)
    best = current = 0.0
    left = 0
    for p, i in events:
        if not inside[i]:
            current += weights[i]
        inside[i] += 1
        while events[left][0] <= p - width:
            j = events[left][1]
            inside[j] -= 1
            if not inside[j]:
                current -= weights[j]
            left += 1
        best = max(best, current)
    return best


def idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def rerank(clauses: list[list[Alternative]], weights: list[float],
           candidates: list[Candidate], gaps: list[int] | None = None) -> list[Candidate]:
    """Score and sort ``candidates`` (best first); ``weights`` are the clauses' IDFs, ``gaps``
    the words the query left out after each clause (clauses_and_gaps)."""
    gaps = gaps or [0] * len(clauses)
    wanted = {t for clause in clauses for alt in clause for w in alt.words
              for group in w.groups for t in group}
    top = max((c.backend_score for c in candidates), default=0.0) or 1.0
    positions = [Positions(c.title, c.body, wanted) for c in candidates]
    average = sum(p.length for p in positions) / max(len(positions), 1) or 1.0
    matches = [[_clause_match(clause, pos) for clause in clauses] for pos in positions]
    softs = _soft_shares(clauses, positions, matches)
    if SPREAD and len(positions) > 1:
        weights = [weight * (1 - SPREAD * sum(found[k][1][0] == 1.0 for found in matches)
                             / len(matches)) for k, weight in enumerate(weights)]
    for cand, pos, found, soft in zip(candidates, positions, matches, softs, strict=True):
        norm = 1 - LENGTH + LENGTH * pos.length / average
        score = 0.0
        matched = []
        for k, weight in enumerate(weights):
            share, (whole, tf, in_title, named) = found[k]
            matched.append(whole == 1.0)
            if soft[k] > share:
                share, tf, in_title, named = soft[k], 1, False, False
            if share:
                score += weight * share * max(tf, 1) * (K1 + 1) / (max(tf, 1) + K1 * norm)
                score += weight * (TITLE * in_title + NAME * named)
        for i in range(len(clauses) - 1):
            if not (matched[i] and matched[i + 1]):
                continue
            adjacent = _adjacent(clauses[i], clauses[i + 1], pos, gaps[i])
            if adjacent == "name":
                score += NAME * (weights[i] + weights[i + 1])
            elif adjacent == "text":
                score += ADJACENT * min(weights[i], weights[i + 1])
        if PROXIMITY and len(clauses) > 1:
            score += PROXIMITY * best_window(clauses, weights, pos)
        cand.score = score + BACKEND * cand.backend_score / top
    return sorted(candidates, key=lambda c: -c.score)
