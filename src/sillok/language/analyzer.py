"""One analyzer for every backend: text → index terms.

- Unicode NFKC (full-width forms, compatibility jamo) and lower case.
- Korean runs: Kiwi morphemes with content tags (nouns, verb and adjective stems, roots,
  foreign words, numbers), so 탈북민들이 yields 탈북민; plus the character bigrams of each
  Korean word, so that a name Kiwi does not know (한가람) still matches its parts.
- Latin runs: lower-cased words stemmed with Snowball English (repatriation ~ repatriated).
- Numbers are kept as they are.
- Names: Korean proper nouns (and nouns Kiwi does not know, and a surname Kiwi split from its
  given name) and capitalised Latin words also yield name keys (names.py), so 김정은,
  Kim Jong Un and Gim Jeong-eun meet in the index.

A document's terms come out as streams, each in text order: the surface terms (bigrams, stems,
numbers), the Latin name keys, the Korean morphemes, the Korean name keys, and last, behind a
mark, the pairs of both streams of name keys (names.pair_terms). Order within a stream is what
makes "quoted phrases" and adjacency ranking possible: the words of a phrase are adjacent in at
least one stream (see search/compile.py).

The same functions analyse documents and queries, which is what makes them meet.
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

from sillok.language.names import (
    PAIR_BREAK,
    PAIRS_MARK,
    PREFIX,
    hangul_keys,
    index_terms,
    latin_keys,
    pair_terms,
)

RUN = re.compile(r"[\uac00-\ud7a3]+|[a-z]+(?:'[a-z]+)?|[0-9]+|[\u4e00-\u9fff]+")
HANGUL = re.compile(r"[\uac00-\ud7a3]+")
CAPITALISED = re.compile(r"\b[A-Z][A-Za-zŎŏŬŭ’'-]*[a-zŏŭ]")
CONTENT_TAGS = ("NNG", "NNP", "NR", "XR", "SL", "SH", "SN", "VV", "VA", "MAG")
MAX_CHARS = 200_000  # beyond this a single text is analysed in pieces
# English function words: indexed like any word (so phrases keep them), but a question's
# "how many", "was", "the" carry no evidence of which record it is about, so ranking-mode
# searches leave them out when the query has other words (search/compile.py).
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "being", "but", "by", "can", "could",
    "did", "do", "does", "doing", "for", "from", "had", "has", "have", "how", "if", "in",
    "into", "is", "it", "its", "many", "much", "of", "on", "or", "so", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "were",
    "what", "when", "where", "which", "who", "whom", "whose", "why", "will", "with", "would",
))
# Korean interrogatives (when, how much, how, why, how many days, who, what, where, which):
# a closed class, and the text that answers a question does not ask it, so a query word
# whose only content is one of these is a function word like "when" (``WordTerms.stop``,
# ``WordTerms.left_out``).
INTERROGATIVES = frozenset((
    "언제", "얼마", "얼마나", "어떻", "어떠", "왜", "며칠", "어찌", "어째서", "몇", "무엇", "뭐",
    "누구", "어디", "어느", "무슨", "웬", "무어",
))
# Particles and endings after which an interrogative asks nothing: it means anyone, anything,
# anywhere (누구나, 언제든지, 무엇이든, 누구라도, 누구도) or more than any (무엇보다도,
# 누구보다). Such a word is not left out of a question: the text that answers it may say it.
INDEFINITE = frozenset(("보다", "나", "이나", "든", "든지", "이든", "이든지", "라도", "이라도",
                        "도"))
INDEFINITE_TAGS = ("JX", "JC", "JKB", "EC")


# Kiwi's worker threads in this process; None: one per core. See use_threads.
_threads: int | None = None


def use_threads(count: int) -> None:
    """Set Kiwi's worker threads for this process before its first use; 0: none, each text is
    analysed in the calling thread. A process that forks (the ingest worker's server, which
    loads the model once for every worker forked from it) must hold no threads: a child gets
    only the forking thread, and a pool whose threads are missing never answers."""
    global _threads
    if count != _threads:
        _threads = count
        _kiwi.cache_clear()


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    # Loading the model takes about a second; do it once per process, on first use. Its worker
    # threads analyse a batch of texts in parallel (analyse_many).
    from kiwipiepy import Kiwi

    with warnings.catch_warnings():  # kiwipiepy warns that 0 has meant "no threads" since 0.21
        warnings.simplefilter("ignore", DeprecationWarning)
        return Kiwi(num_workers=(os.cpu_count() or 1) if _threads is None else _threads)


def warm_up() -> None:
    """Load Kiwi's model and analyse one word: its first analysis builds what it needs lazily
    (1.7 s on the bench machine, after a 1 s load), which a server's first Korean search
    would otherwise wait for, with every request behind it. The table of the model's nouns
    that ranking compares (similarity.py, 0.2 s) is built too."""
    from sillok.language import similarity

    _kiwi().tokenize("가나다")
    similarity.available()


def _tokenize_all(texts: list[str]) -> Any:
    """Kiwi's tokens of each text, in order: in parallel by its threads, or one text after
    the other when it has none (it refuses a list then). The tokens are the same either way."""
    if _threads == 0:
        return [_kiwi().tokenize(text) for text in texts]
    return _kiwi().tokenize(texts)


def kiwi() -> Any:
    """The process's shared Kiwi (for extractors that need its tags, not index terms)."""
    return _kiwi()


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # The pure-Python Snowball stemmer is the slowest step of analysis; words repeat a lot.
    result: str = _stemmer().stemWord(word)
    return result


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(word: str) -> list[str]:
    if len(word) < 2:
        return [word]
    return [word[i:i + 2] for i in range(len(word) - 1)]


@lru_cache(maxsize=50_000)
def _name_terms(name: str) -> tuple[str, ...]:
    keys = hangul_keys(name)
    stem = _place_stem(name)
    if stem != name:
        # 신의주시 is also written Sinuiju: the whole key without the suffix is kept too.
        keys.append(hangul_keys(stem)[-1])
    return tuple(index_terms(keys))


def _is_name(token: Any) -> bool:
    # Proper nouns, and nouns Kiwi has never seen (an unknown place such as 라선특별시 comes
    # back as one out-of-vocabulary NNG): both are where romanized spellings are searched.
    return bool(token.tag == "NNP" or (token.oov and token.tag.startswith("NN")))


RUN_TAGS = ("NNP", "NNG", "MM")  # what Kiwi makes of the pieces of a name it does not know
MAX_NAME = 4  # syllables: a Korean personal or place name written as one word is short
# Words that follow a person's name as a word of their own (조영숙 씨, 백성호 군, 김순희 양):
# what they follow is a name even when Kiwi read it as common nouns (조영 + 숙).
TITLES = frozenset(("씨", "군", "양"))


def _leading_name(tokens: Any, i: int) -> int:
    """If a short name begins at token ``i`` (the start of a word), the index after it.

    Kiwi splits names it does not know into pieces — 전혜진 as 전/MM 혜진/NNP, 송하윤 as
    송/NNP 하/NNG 윤/NNG, 최선미 as 최/NNP 선미/NNG — so the run of noun-like pieces that
    opens a word is the name when one of them is a proper noun and the run is short."""
    j, end, size, named = i, tokens[i].start, 0, False
    while (j < len(tokens) and tokens[j].tag in RUN_TAGS and tokens[j].start == end
           and HANGUL.fullmatch(tokens[j].form)):
        named = named or _is_name(tokens[j])
        size += len(tokens[j].form)
        end = tokens[j].start + tokens[j].len
        j += 1
    titled = (j < len(tokens) and tokens[j].form in TITLES and tokens[j].tag == "NNB"
              and tokens[j].word_position != tokens[j - 1].word_position)
    return j if (named or titled) and j - i > 1 and size <= MAX_NAME else i


def _content(tokens: Any, out: list[str], names: list[str] | None) -> None:
    done = 0  # tokens before this index already belong to a name
    for i, token in enumerate(tokens):
        if token.tag.startswith(CONTENT_TAGS) and HANGUL.fullmatch(token.form):
            out.append(token.form)
        if names is None or i < done:
            continue
        starts_word = i == 0 or tokens[i - 1].word_position != token.word_position
        end = _leading_name(tokens, i) if starts_word else i
        if end > i:
            names.extend(_name_terms("".join(t.form for t in tokens[i:end])))
            done = end
        elif _is_name(token) and HANGUL.fullmatch(token.form):
            names.extend(_name_terms(token.form))


def korean_morphemes(text: str, names: list[str] | None = None) -> list[str]:
    """Content morphemes; proper nouns' name keys are appended to ``names`` if given."""
    out: list[str] = []
    for start in range(0, len(text), MAX_CHARS):
        _content(_kiwi().tokenize(text[start:start + MAX_CHARS]), out, names)
    return out


NAME_GAP = re.compile(r"[ \t\u00a0-]+")
BREAK = PREFIX  # between runs of capitalised words; never a query term (keys are not empty)


def latin_name_terms(text: str) -> list[str]:
    """Name keys of the capitalised Latin words of ``text`` (Kim, Jong-un, Hoeryong).

    The syllable keys of a run of capitalised words (Rodong Sinmun, Kim Jong-un) are emitted
    next to each other, the words' whole keys after them, and a break before the next run,
    so that a name matches as a phrase only where it is written out in one piece."""
    out: list[str] = []
    wholes: list[str] = []
    last_end = -1
    norm = unicodedata.normalize("NFKC", text)
    for m in CAPITALISED.finditer(norm):
        if last_end >= 0 and not NAME_GAP.fullmatch(norm[last_end:m.start()]):
            out.extend(wholes)
            out.append(BREAK)
            wholes = []
        keys = latin_keys(m.group())
        out.extend(index_terms(keys[:-1] if len(keys) > 1 else keys))
        wholes.extend(index_terms(keys[-1:] if len(keys) > 1 else []))
        last_end = m.end()
    out.extend(wholes)
    return out


def _surface(text: str, norm: str) -> tuple[list[str], list[str], bool]:
    """Bigrams, stems, numbers and Latin name keys; the name keys alone; and whether Kiwi is
    needed."""
    terms: list[str] = []
    has_korean = False
    for run in RUN.findall(norm):
        first = run[0]
        if "\uac00" <= first <= "\ud7a3":
            has_korean = True
            terms.extend(bigrams(run))
        elif "a" <= first <= "z":
            terms.append(stem(run.replace("'", "")))
        else:
            terms.append(run)
    names = latin_name_terms(text)
    terms.extend(names)
    return terms, names, has_korean


def _pairs(latin: list[str], korean: list[str]) -> list[str]:
    """The pairs of both streams of name keys (names.pair_terms), behind a mark: they come
    last, after every term a record's words yield, so that the positions of those terms and
    a record's length in them (search/rank.py) are what they would be without the pairs."""
    pairs = pair_terms(latin)
    if pairs and len(korean) > 1:
        pairs.append(PAIR_BREAK)
    pairs += pair_terms(korean)
    return [PAIRS_MARK, *pairs] if pairs else []


def analyse(text: str) -> list[str]:
    """Index terms of ``text`` (duplicates kept: frequencies matter to ranking)."""
    return analyse_many([text])[0]


# Kiwi tokens of normalised texts analysed ahead of indexing (by the ingest extractors), so
# that the index does not analyse the same text a second time. Bounded: a batch's worth.
_ahead: dict[str, list[Any]] = {}
AHEAD_LIMIT = 1024


def tokens_ahead(texts: list[str]) -> list[list[Any] | None]:
    """Kiwi tokens of each text's normalised form (None for texts without Hangul or too long),
    analysed in one parallel batch and kept for the analysis the index does at commit. Token
    offsets are into ``normalise(text)``."""
    norms = [normalise(t) for t in texts]
    todo = [n for n in dict.fromkeys(norms)
            if n not in _ahead and HANGUL.search(n) and len(n) <= MAX_CHARS]
    if len(_ahead) + len(todo) > AHEAD_LIMIT:
        _ahead.clear()
    for norm, tokens in zip(todo, _tokenize_all(todo) if todo else [], strict=True):
        _ahead[norm] = list(tokens)
    return [_ahead.get(n) for n in norms]


def analyse_many(texts: list[str]) -> list[list[str]]:
    """``analyse`` for many texts at once: Kiwi's workers take the Korean ones in parallel,
    which is what keeps a batch of records (a bulk file, an ingest) fast."""
    norms = [normalise(t) for t in texts]
    results: list[list[str]] = []
    korean: list[int] = []
    latins: list[list[str]] = []  # each text's Latin name keys, and its Korean ones
    koreans: list[list[str]] = []
    for i, (text, norm) in enumerate(zip(texts, norms, strict=True)):
        terms, latin, has_korean = _surface(text, norm)
        results.append(terms)
        latins.append(latin)
        koreans.append([])
        if has_korean and len(norm) <= MAX_CHARS:
            korean.append(i)
        elif has_korean:
            results[i].extend(korean_morphemes(norm, koreans[i]) + koreans[i])
    if korean:
        ready = {i: _ahead.pop(norms[i]) for i in korean if norms[i] in _ahead}
        rest = [i for i in korean if i not in ready]
        analysed = _tokenize_all([norms[i] for i in rest]) if rest else []
        for i, tokens in list(ready.items()) + list(zip(rest, analysed, strict=True)):
            morphemes: list[str] = []
            _content(tokens, morphemes, koreans[i])
            results[i].extend(morphemes + koreans[i])
    for terms, latin, names in zip(results, latins, koreans, strict=True):
        terms.extend(_pairs(latin, names))
    return results


@dataclass(frozen=True)
class WordTerms:
    """A query word's terms by stream, each in text order.

    A document matches the word if it has every term of one of ``groups`` (anywhere);
    the words of a phrase must be adjacent in one stream (``streams``)."""

    morphemes: tuple[str, ...]
    surface: tuple[str, ...]  # bigrams, stems, numbers
    name_syllables: tuple[str, ...]  # one key per syllable, in order
    name_whole: tuple[str, ...]  # the key of the whole word, when it has several syllables
    stop: bool  # a function word: no content of its own (how, the, 어디에서)
    # Written as a name: a Korean word, or a capitalised Latin one. In "forced labour" nothing
    # is, even though a record may capitalise Labour at the start of a sentence.
    proper: bool = False
    # Left out of a question's ranking (search/compile.py): a word a question asks with, which
    # the text that answers it does not hold — an English function word (how, the), a Korean
    # interrogative (언제, 어디에서, 몇). Other Korean words of no content (그리고, 것은,
    # 무엇보다) stay: their bigrams still tell texts apart, and their IDF weighs them.
    left_out: bool = False

    @property
    def streams(self) -> list[tuple[str, ...]]:
        return [s for s in (self.morphemes, self.surface, self.name_syllables) if s]

    @property
    def groups(self) -> list[list[str]]:
        unique: list[list[str]] = []
        for group in (self.morphemes, self.surface, self.name_syllables, self.name_whole):
            if group and list(group) not in unique:
                unique.append(list(group))
        return unique


# Administrative suffixes of Korean place names. English texts mostly leave them out or
# translate them (자강도 = Chagang Province, 회령시 = Hoeryong), so a query's name key is taken
# without them; 회령 still matches 회령시, whose keys begin with 회령's.
PLACE_SUFFIXES = ("특별시", "직할시", "광역시", "노동자구", "구역", "북도", "남도", "시", "군",
                  "도", "구", "읍", "면", "리")


def _leading_noun(tokens: Any) -> str:
    """The noun a Korean query word starts with, without its particles (리명순의 → 리명순)
    and without a place suffix (자강도 → 자강)."""
    text, end = "", None
    for token in tokens:
        if not token.tag.startswith("NN") or (end is not None and token.start != end):
            break
        text, end = text + token.form, token.start + token.len
    return _place_stem(text)


def _place_stem(name: str) -> str:
    if len(name) >= 3:
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return name[:-len(suffix)]
    return name


def word_terms(word: str, latin_name: bool = True) -> WordTerms:
    """Analyse one query word (cached: the same words recur across searches).

    ``latin_name=False`` gives a Latin word no name keys (a lower-case word in a query that
    capitalises its names: "child" in "Ha Un-byol stateless child")."""
    # One cache key per (word, latin_name) however it is called: lru_cache keys
    # ``word_terms(w)`` and ``word_terms(w, True)`` apart, and Kiwi analysed the word twice.
    # A word without Latin letters has no Latin name keys either way: one key for both, or
    # a Korean word of a query with capitals was analysed once to compile the query (False)
    # and again for its snippets (True) — issue 22, point 4: one analysis per query.
    return _word_terms(word, latin_name or not _latin(word))


@lru_cache(maxsize=20_000)
def _latin(word: str) -> bool:
    return bool(re.search(r"[a-z]", normalise(word)))


@lru_cache(maxsize=20_000)
def _word_terms(word: str, latin_name: bool) -> WordTerms:
    norm = normalise(word)
    if HANGUL.search(norm):
        tokens = _kiwi().tokenize(norm)
        morphemes: list[str] = []
        _content(tokens, morphemes, None)
        surface: list[str] = []
        runs = RUN.findall(norm)
        for run in runs:
            if "\uac00" <= run[0] <= "\ud7a3":
                # A lone syllable beside a number (2,914명, 2024년) is a counter: a text
                # indexes it only inside its word's bigrams, never alone.
                if len(run) > 1 or len(runs) == 1:
                    surface.extend(bigrams(run))
            else:
                surface.extend(analyse(run))
        noun = _leading_noun(tokens)
        # Kiwi may read an unknown name as something else (이명순 as 이 + 명 + 순): without a
        # noun of two syllables at its start, the whole word is taken as a possible name.
        keys = hangul_keys(noun if len(noun) > 1 else "".join(HANGUL.findall(norm)))
        # A number is content even when its Korean ending is not (2,914명: 명 is a counter),
        # and so is a Latin or Chinese word with a Korean particle (UN의, SR은, 北韓의).
        stop = (all(m in INTERROGATIVES for m in morphemes)
                and all(HANGUL.fullmatch(t) for t in surface))
        left_out = (stop and any(t.form in INTERROGATIVES for t in tokens)
                    and not any(t.form in INDEFINITE and t.tag in INDEFINITE_TAGS
                                for t in tokens))
    else:
        morphemes = []
        surface = [t for t in analyse(word.lower()) if not t.startswith(PREFIX)]
        keys = latin_keys(word) if latin_name and re.search(r"[a-z]", norm) else []
        stop = left_out = norm.strip(".,?!:;'\"") in STOPWORDS
    syllables, whole = (keys[:-1], keys[-1:]) if len(keys) > 1 else (keys, [])
    proper = bool(HANGUL.search(norm)) or word[:1].isupper()
    return WordTerms(tuple(morphemes), tuple(surface), tuple(index_terms(syllables)),
                     tuple(index_terms(whole)), stop, proper, left_out)


def analyse_word(word: str) -> list[list[str]]:
    """A query word as alternative groups of terms: a document matches the word if it has
    every term of any one group — its morphemes, its bigrams (or stems), or its name key in
    syllables or whole."""
    return word_terms(word).groups
