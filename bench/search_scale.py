"""Search at scale: N fictional sources of ~300 characters (30 % Korean), searched with 1–3-word
queries and facets through Sillok, and the same queries against a bare FTS5 table holding the
same analyzer terms.

    .venv/bin/python bench/search_scale.py --docs 1000000 [--queries 300]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/sillok_scale] [--out F]
        [--data-dir DIR]  # build once into DIR, reuse it on later runs (SQLite; with --url,
                          # DIR keeps the queries of the database built, which is then reused)

Texts. Words are drawn from a Zipf-like distribution (rank r with weight 1/r^1.05) over a
vocabulary of real function and topic words at the head and a long tail of made-up words and
names, separately for Korean (about 20,000 word forms: nouns with particles, verb forms, made-up
nouns) and English (about 20,000: function and topic words, made-up words and place names), plus
a person's name per document drawn from ~30,000 (Hangul, or romanized in English). So, as in
real text, a few words are in most documents and most words in few. Everything is fictional.

Queries. Each is made from one document: 1–3 of its distinct words, not function words, in the
form a user types (a Korean noun without its particle). Their document frequencies thus range
from common topic words to names found once; the output gives their spread (matches per
query). Vocabulary expansion is on, as in the web UI, anonymous (public records only).

Speed of building. Each distinct word is analysed once (Kiwi, stems, name keys) and a
document's terms are its words' terms, concatenated; the build time is the time to write the
records and the index, not to analyse them.

Timing. Each query is searched with facets first — the first time this process sees it, so
the clause frequencies for IDF (search/cache.py) are counted for every clause not met before —
then again without facets (their frequencies now known). 20 other queries warm the process
first. The machine's load average is recorded before and after.

Fairness. The bare FTS5 table holds exactly the terms of Sillok's index (copied from it, same
rowids) and gets, for each query, the very MATCH expression Sillok runs (after vocabulary
expansion); it sorts by bm25 and takes 10. The difference is Sillok's own work: permissions,
totals, facets, re-ranking, loading records and snippets.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ZIPF = 1.05
WORDS_PER_LANGUAGE = 20_000
NAME_SHARE = 0.04  # share of a document's words that are its person's name

SURNAMES = list("김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허남심노하곽성차주우구")
SURNAMES_EN = ("Kim Ri Pak Choe Jong Kang Jo Yun Jang Rim Han O So Sin Kwon Hwang An Song Ryu "
               "Hong Jon Ko Mun Yang Son Pae Paek Ho Nam Sim No Ha Kwak Song Cha Ju U Ku").split()
GIVEN = list("철수영희민준서연지호현우은정광명성일혜숙옥순남길동진선미경태")
GIVEN_EN = ("chol su yong hui min jun so yon ji ho hyon u un jong kwang myong song il hye suk "
            "ok sun nam gil dong jin son mi gyong thae").split()
KO_FUNCTION = "그 이 그리고 당시 이후 하지만 또한 모두 다시 함께 매우 많이 결국 특히 약 곧".split()
KO_NOUNS = """탈북민 중국 공안 체포 강제북송 보위부 구류장 조사 교화소 수감 노동단련대 장마당 한국
드라마 시청 이유 공개처형 국경 가족 출신 증언자 정치범수용소 관리소 강제노동 고문 폭행 실종 납치
송환 밀수 휴대전화 브로커 어머니 아버지 아들 딸 여성 아이 군인 경비대 마을 겨울 봄 여름 가을 새벽
밤 아침 저녁 시장 학교 병원 공장 농장 광산 철도 기차 버스 자동차 강 산 바다 다리 집 감옥 재판
판결 변호사 검사 경찰 보안원 안전부 담당자 간부 당원 주민 노동자 농민 학생 교사 의사 간호사
할머니 할아버지 남편 아내 친구 이웃 상인 사업 돈 쌀 옥수수 음식 식량 배급 굶주림 영양실조 질병
약품 치료 사망 시신 장례 기록 문서 편지 사진 영상 녹음 라디오 텔레비전 노래 영화 성경 종교 교회
기도 선교사 신앙 처벌 벌금 뇌물 단속 검열 통제 감시 보고 신고 도주 탈출 월경 도강 두만강 압록강
연길 심양 단둥 장백 훈춘 도문 태국 라오스 베트남 몽골 러시아 일본 미국 유엔 대사관 영사관 난민
망명 정착 하나원 지원 상담 취업 교육 언론 기자 기사 보도 인권 자유 권리 침해 피해 피해자 가해자
목격자 증언 진술 면담 조사관 보고서 위원회 정부 당국 지도자 행사 명절 생일 결혼 임신 출산 영아
폭력 인신매매 강제결혼 노동 작업 할당량 탄광 벌목 건설 도로 평양 신의주 청진 함흥 원산 남포 개성
사리원 해주 강계 만포 무산 온성 길주 김책 단천 혜산 회령 양강도 함경북도 함경남도 평안북도
평안남도 자강도 황해북도 황해남도 강원도""".split()
KO_PARTICLES = "이 가 은 는 을 를 에 에서 의 와 과 도 로 으로 에게 까지 부터 만 들이 들은".split()
KO_VERBS = """했다 있었다 없었다 되었다 말했다 들었다 보았다 갔다 왔다 넘었다 잡혔다 맞았다
죽었다 살았다 숨겼다 도망쳤다 팔았다 샀다 보냈다 받았다 기억한다 증언했다 진술했다 주장했다
밝혔다 전했다 알려졌다 확인되었다 수감되었다 석방되었다 풀려났다 이송되었다 처형되었다
사망했다 실종되었다 구금되었다 심문했다 때렸다 굶었다 일했다 배웠다""".split()
KO_SYLLABLES = list("가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주"
                    "추쿠투푸후기니디리미비시지치키티피히강남당랑망방상장창탕광명청정성")
EN_FUNCTION = ("the of and to in a was were by on for with at from that he she they it his "
               "her their as had is after into who not an this be been or which but").split()
EN_TOPIC = """witness said defectors arrested Chinese police forcibly repatriated North Korea
detained interrogated holding centre sent labour camp watching South Korean dramas public
execution market border guards broker family mother son daughter women children soldiers
village winter spring night river crossing prison torture beaten disappeared abducted smuggling
mobile phone security agents officials interrogation detention facility released escaped
trial sentenced years months beaten starved hunger food rations farm mine factory railway
station train truck bridge school hospital doctor teacher students husband wife brother sister
grandmother friends neighbours traders money yuan dollars rice corn medicine disease died body
burial records documents letters photos video radio television songs films Bible religion
church prayer missionary faith punishment fine bribe crackdown inspection surveillance report
informant escape crossing refugee asylum embassy consulate settlement support counselling
education journalist article rights freedom violation victim perpetrator testimony statement
interview investigator commission government authorities leader holiday birthday marriage
pregnancy birth infant violence trafficking forced quota coal logging construction road
capital province county city district ward detention forced labour sexual abuse interrogators
confession kyohwaso kwalliso jipkyulso rodongdanryondae""".split()
EN_PLACES = ("Hyesan Hoeryong Musan Onsong Chongjin Hamhung Sinuiju Pyongyang Wonsan Nampo "
             "Kaesong Haeju Kanggye Manpo Kilju Tanchon Yanji Shenyang Dandong Tumen Hunchun "
             "Changbai Yanbian Jilin Liaoning Beijing Bangkok Vientiane Ulaanbaatar").split()
EN_ONSETS = "b c d f g h j k l m n p r s t v w br dr gr pl st tr ch sh th".split()
EN_VOWELS = "a e i o u ai ea ou".split()
EN_CODAS = ["", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "k"]
RUDE = ("fuk", "fuc", "shit", "cunt", "cok", "dik", "pis", "slut", "nig", "fag", "tit", "cum")


def _made_up_ko(rng: random.Random) -> str:
    return "".join(rng.choice(KO_SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))


def _made_up_en(rng: random.Random) -> str:
    while True:
        word = "".join(rng.choice(EN_ONSETS) + rng.choice(EN_VOWELS) + rng.choice(EN_CODAS)
                       for _ in range(rng.choice((2, 2, 3))))
        if not any(rude in word for rude in RUDE):
            return word


class Vocabulary:
    """One language's words by rank, with the form a user would type for each, and the
    cumulative Zipf weights to draw them from."""

    def __init__(self, words: list[tuple[str, str | None]]) -> None:
        unique = list({w: (w, q) for w, q in reversed(words)}.values())[::-1]
        self.words = [w for w, _q in unique]
        self.query_form = [q for _w, q in unique]  # None: a function word, never queried
        self.cum = list(itertools.accumulate(1 / r ** ZIPF for r in range(1, len(unique) + 1)))

    def draw(self, rng: random.Random, k: int) -> list[int]:
        total = self.cum[-1]
        return [bisect.bisect_left(self.cum, rng.random() * total) for _ in range(k)]


def vocabularies(rng: random.Random) -> tuple[Vocabulary, Vocabulary]:
    ko: list[tuple[str, str | None]] = [(w, None) for w in KO_FUNCTION]
    head = [(n + p, n) for n in KO_NOUNS for p in ["", *rng.sample(KO_PARTICLES, 4)]]
    head += [(v, v) for v in KO_VERBS]
    rng.shuffle(head)
    ko += head
    while len(ko) < WORDS_PER_LANGUAGE:
        stem = _made_up_ko(rng)
        ko.append((stem + rng.choice(["", "", *KO_PARTICLES]), stem))
    en: list[tuple[str, str | None]] = [(w, None) for w in EN_FUNCTION]
    topic = [(w, w) for w in EN_TOPIC + EN_PLACES]
    rng.shuffle(topic)
    en += topic
    while len(en) < WORDS_PER_LANGUAGE:
        word = _made_up_en(rng)
        if rng.random() < 0.15:  # the tail's capitalised words: made-up places and bodies
            word = word.capitalize()
        en.append((word, word))
    return Vocabulary(ko), Vocabulary(en)


def names(rng: random.Random, n: int = 30_000) -> list[tuple[str, str]]:
    """(Hangul, romanized) fictional names; drawn by a Zipf weight too (common names recur)."""
    out = []
    for _ in range(n):
        s, g1, g2 = (rng.randrange(len(SURNAMES)), rng.randrange(len(GIVEN)),
                     rng.randrange(len(GIVEN)))
        out.append((SURNAMES[s] + GIVEN[g1] + GIVEN[g2],
                    f"{SURNAMES_EN[s]} {GIVEN_EN[g1].capitalize()}-{GIVEN_EN[g2]}"))
    return out


class Corpus:
    """The documents, generated in order from a seed, with their terms."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.ko, self.en = vocabularies(rng)
        self.names = names(rng)
        self.name_cum = list(itertools.accumulate(
            1 / r ** ZIPF for r in range(1, len(self.names) + 1)))
        self.seed = seed
        self.terms: dict[str, str] = {}

    def analyse(self) -> float:
        """Analyse every distinct word once; returns the seconds it took."""
        from sillok.language.analyzer import analyse_many

        start = time.perf_counter()
        words = {*self.ko.words, *self.en.words, "[가상]", "[Fictional]"}
        for ko, en in self.names:
            words.update([ko, *en.split()])
        for year in range(1990, 2025):
            words.add(str(year))
        distinct = sorted(words)
        self.terms = {w: " ".join(t) for w, t in
                      zip(distinct, analyse_many(distinct), strict=True)}
        return time.perf_counter() - start

    def documents(self, n: int, want: set[int]) -> Iterator[tuple[str, str, str, list[str]]]:
        """(language, title, text, query words) per document; query words only for ``want``."""
        rng = random.Random(self.seed + 1)
        total_name = self.name_cum[-1]
        for i in range(n):
            korean = i % 10 < 3
            vocab = self.ko if korean else self.en
            ko_name, en_name = self.names[bisect.bisect_left(
                self.name_cum, rng.random() * total_name)]
            name = ko_name if korean else en_name
            ranks = vocab.draw(rng, 60)
            words: list[str] = []
            used: list[int] = []
            length = 0
            for r in ranks:
                roll = rng.random()
                word = (name if roll < NAME_SHARE else str(rng.randint(1990, 2024))
                        if roll < NAME_SHARE + 0.02 else vocab.words[r])
                if word == vocab.words[r]:
                    used.append(r)
                words.append(word)
                length += len(word) + 1
                if length >= 300:
                    break
            title_words = [vocab.words[r] for r in used[:3]]
            title = " ".join(["[가상]" if korean else "[Fictional]", *title_words, name])
            query: list[str] = []
            if i in want:
                forms = list(dict.fromkeys(f for f in (vocab.query_form[r] for r in used) if f))
                forms.append(name.split()[0] if not korean and rng.random() < 0.5 else name)
                query = rng.sample(forms, min(len(forms), rng.randint(1, 3)))
            yield "ko" if korean else "en", title, " ".join(words), query

    def entry_terms(self, title: str, text: str) -> tuple[str, str]:
        t = self.terms
        return (" ".join(filter(None, (t[w] for w in title.split()))),
                " ".join(filter(None, (t[w] for w in text.split()))))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build(archive: Any, corpus: Corpus, n: int, want: set[int]) -> tuple[float, list[str]]:
    """Write n sources and their index entries; returns the seconds and the queries."""
    from sqlalchemy import func, insert, select

    from sillok.db import models as m

    rng = random.Random(corpus.seed + 2)
    found: dict[int, str] = {}
    start = time.perf_counter()
    step = 5000
    with archive.engine.begin() as conn:
        first = int(conn.execute(select(func.coalesce(func.max(m.Source.id), 0))).scalar_one())
        docs = corpus.documents(n, want)
        for s in range(0, n, step):
            rows, entries = [], []
            for j, (lang, title, text, query) in enumerate(itertools.islice(docs, step)):
                rid = first + 1 + s + j
                if query:
                    found[s + j] = " ".join(query)
                level = "public" if rng.random() < 0.8 else rng.choice(["internal", "restricted"])
                published = date(rng.randint(1995, 2024), rng.randint(1, 12), 1)
                rows.append({"id": rid, "level": level, "kind": "news_report", "title": title,
                             "text": text, "language": lang, "published_start": published,
                             "published_end": published, "published_precision": "month",
                             "extra": {}})
                t_title, t_body = corpus.entry_terms(title, text)
                entries.append({"record_type": "source", "record_id": rid, "level": level,
                                "language": lang, "kind": "news_report",
                                "date_start": published, "title": t_title, "body": t_body})
            conn.execute(insert(m.Source), rows)
            conn.execute(insert(m.SearchEntry), entries)
    return time.perf_counter() - start, [found[i] for i in sorted(want)]


def percentiles(ms: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(ms, n=100)
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(qs[94], 2),
            "p99_ms": round(qs[98], 2)}


def sillok_match(archive: Any, q: str) -> str | None:
    """The MATCH expression Sillok runs for ``q`` on SQLite (vocabulary expansion included)."""
    from sillok.search.compile import compile_query
    from sillok.search.expand import expand
    from sillok.search.query import parse

    parsed = parse(q)
    with archive.transaction() as session:
        expand(session, parsed)
    return compile_query(parsed, "sqlite")


# What the bare tables are asked, in passes over all queries (each pass after the same 20
# warming queries; ``{m}`` is the MATCH expression):
# - the ten best of every record by bm25 (the comparison of earlier runs: no scope, no facets);
# - what a search bar written straight on FTS5 would ask for the queries, which are
#   asked with facets and here anonymously: the ten best public records, the public matches'
#   total (counted up to Sillok's cap), and that count grouped by the record's facets (type,
#   language, kind, year; the bench's records are sources, which point to no places). The
#   level is an UNINDEXED column, read for each match, as Sillok reads its entry's;
# - the same with the level as an indexed term instead (table ``tl``: the index itself keeps
#   only public matches), the fastest way found to scope a bare table.
BARE_ANY = "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 5.0, 1.0) LIMIT 10"
BARE_TOP = ("SELECT rowid FROM {t} WHERE {t} MATCH {m} {lv} "
            "ORDER BY bm25({t}, 5.0, 1.0) LIMIT 10")
BARE_TOTAL = "SELECT count(*) FROM (SELECT 1 FROM {t} WHERE {t} MATCH {m} {lv} LIMIT 10000)"
BARE_FACETS = ("SELECT record_type, language, kind, y, count(*) FROM (SELECT record_type, "
               "language, kind, y FROM {t} WHERE {t} MATCH {m} {lv} LIMIT 10000) "
               "GROUP BY record_type, language, kind, y")
BY_COLUMN = {"t": "t", "m": "?", "lv": "AND level = 'public'"}
BY_TERM = {"t": "tl", "m": "'lv : public AND {title body} : (' || ? || ')'", "lv": ""}


def bare_fts(path: Path, archive: Any, exprs: list[str | None]) -> dict[str, Any]:
    """The same terms in bare FTS5 tables (same rowids), queried with the same expressions.

    The record's level and facet values sit in the tables as UNINDEXED columns (and in ``tl``
    the level also as an indexed term), so that the bare queries can answer for the same
    public records as Sillok's anonymous searches."""
    from sqlalchemy import text

    conn = sqlite3.connect(path)
    facets = "record_type UNINDEXED, language UNINDEXED, kind UNINDEXED, y UNINDEXED"
    tokenize = "tokenize=\"unicode61 remove_diacritics 0\""
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, body, level UNINDEXED, {facets}, "
                 f"{tokenize})")
    conn.execute(f"CREATE VIRTUAL TABLE tl USING fts5(title, body, lv, {facets}, {tokenize})")
    start = time.perf_counter()
    with archive.engine.connect() as src:
        rows = src.execution_options(stream_results=True, yield_per=20_000).execute(
            text("SELECT id, title, body, level, record_type, language, kind, "
                 "CAST(strftime('%Y', date_start) AS TEXT) FROM search_index ORDER BY id"))
        for chunk in rows.partitions():
            values = [tuple(r) for r in chunk]
            for table in ("t", "tl"):
                conn.executemany(f"INSERT INTO {table}(rowid, title, body, "
                                 f"{'level' if table == 't' else 'lv'}, record_type, "
                                 "language, kind, y) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
    conn.commit()
    built = time.perf_counter() - start
    # Merged into one segment each, as Sillok's index is after a bulk write (search/upkeep.py).
    for table in ("t", "tl"):
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    conn.commit()
    passes: dict[str, list[str]] = {"top10_any_level": [BARE_ANY]}
    for name, how in (("", BY_COLUMN), ("level_as_term_", BY_TERM)):
        top, total, grouped = (sql.format(**how) for sql in (BARE_TOP, BARE_TOTAL, BARE_FACETS))
        passes |= {f"{name}top10": [top], f"{name}top10_and_total": [top, total],
                   f"{name}top10_and_facets": [top, grouped]}
    out: dict[str, Any] = {"build_s": round(built, 1),
                           "size_mb": round(path.stat().st_size / 2**20, 1)}
    totals: dict[str, list[int]] = {}
    for name, statements in passes.items():
        for expr in exprs[:20]:
            for sql in statements:
                if expr:
                    conn.execute(sql, (expr,)).fetchall()
        ms = []
        for expr in exprs[20:]:
            t0 = time.perf_counter()
            got = [conn.execute(sql, (expr,)).fetchall() for sql in statements] if expr else []
            ms.append((time.perf_counter() - t0) * 1000)
            if name.endswith("top10_and_total"):
                totals.setdefault(name, []).append(int(got[1][0][0]) if got else 0)
        out[name] = percentiles(ms)
    conn.close()
    # Both ways of scoping count the same public matches.
    out["totals"] = totals["top10_and_total"]
    out["same_totals_both_ways"] = totals["top10_and_total"] == totals[
        "level_as_term_top10_and_total"]
    return out


def public_tantivy(archive: Any, qs: list[str]) -> tuple[Any, list[Any], list[Any]] | None:
    """The public tantivy index's searcher, the public level's filter and each query as
    Sillok compiles it (after vocabulary expansion); None without a tantivy index. Shared
    with search_cpu.py."""
    from sillok.search.compile import clauses_and_gaps
    from sillok.search.expand import expand
    from sillok.search.query import parse
    from sillok.search.tantivy_search import _terms, compile_tantivy
    from sillok.search.tantivy_store import PUBLIC, store_of

    store = store_of(archive.engine)
    if store is None:
        return None
    compiled = []
    for q in qs:
        parsed = parse(q)
        with archive.transaction() as session:
            expand(session, parsed)
        compiled.append(compile_tantivy(parsed, clauses_and_gaps(parsed, True)[0], True))
    return store.searcher(PUBLIC), [_terms("level", ["public"])], compiled


def bare_tantivy(archive: Any, qs: list[str]) -> dict[str, Any] | None:
    """The same queries on the embedded index alone (SILLOK_SEARCH_BACKEND=tantivy): the
    match Sillok compiles (after vocabulary expansion), on the public index, public level,
    top ten by BM25 and the total — no permissions re-checked, no re-ranking, no records."""
    from sillok.search.tantivy_search import _matching

    bare = public_tantivy(archive, qs)
    if bare is None:
        return None
    searcher, level, compiled = bare
    for query in compiled[:20]:
        if query is not None:
            searcher.search(_matching(query, level), 10, count=True)
    ms, totals = [], []
    for query in compiled[20:]:
        start = time.perf_counter()
        found = (searcher.search(_matching(query, level), 10, count=True).count
                 if query is not None else 0)
        ms.append((time.perf_counter() - start) * 1000)
        totals.append(found)
    return {"top10_and_total": percentiles(ms), "totals": totals}


def timed(archive: Any, qs: list[str], facets: bool) -> tuple[list[float], list[Any]]:
    from sillok.search.service import search
    from sillok.security.policy import Actor

    anonymous = Actor.anonymous()
    for q in qs[:20]:  # warm the caches, as a running server has them
        search(archive, anonymous, q, limit=10, facets=facets)
    ms, results = [], []
    for q in qs[20:]:
        start = time.perf_counter()
        results.append(search(archive, anonymous, q, limit=10, facets=facets))
        ms.append((time.perf_counter() - start) * 1000)
    return ms, results


def matches(results: list[Any], docs: int) -> dict[str, Any]:
    """How many (public) records the queries matched: their spread, as a share of the corpus."""
    totals = sorted(r.total for r in results)
    cuts = statistics.quantiles(totals, n=10)
    return {"median": int(statistics.median(totals)), "p10": int(cuts[0]),
            "p90": int(cuts[8]), "max": totals[-1],
            "median_share_of_docs": round(statistics.median(totals) / docs, 5),
            "zero": sum(1 for t in totals if t == 0),
            "capped": sum(1 for r in results if getattr(r, "total_capped", False))}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(args: argparse.Namespace, data_dir: Path, tmp: Path) -> dict[str, Any]:
    from sillok.archive.lifecycle import init_archive
    from sillok.archive.service import Archive
    from sillok.config import Settings
    from sillok.search.upkeep import after_bulk_write

    corpus = Corpus(7)
    analysed_s = corpus.analyse()
    settings = Settings(data_dir=data_dir, database_url=args.url,
                        search_backend=args.search_backend)
    # With --url the database itself is the build: the file in --data-dir keeps its queries
    # (and build time), named after the database, so a later run reuses that database.
    saved = data_dir / (f"bench-{args.docs}-{args.queries}.json" if not args.url else
                        f"bench-pg-{args.url.rsplit('/', 1)[-1]}-{args.docs}-{args.queries}.json")
    reuse = args.data_dir is not None
    built: dict[str, Any] = {}
    if saved.exists() and reuse:
        built = json.loads(saved.read_text(encoding="utf-8"))
    else:
        init_archive(settings)
    start = time.perf_counter()
    archive = Archive.open(settings)  # with tantivy: builds the index if it is not in step
    open_s = round(time.perf_counter() - start, 1)
    try:
        if not built:
            want = set(random.Random(corpus.seed + 3).sample(range(args.docs),
                                                             args.queries + 20))
            build_s, qs = build(archive, corpus, args.docs, want)
            built = {"build_s": round(build_s, 1), "queries": qs}
            if args.search_backend == "tantivy":
                # The build wrote the tables directly, past the session that keeps the
                # embedded index in step: it is built from them, as `sillok reindex` does.
                from sillok.search.tantivy_store import store_of

                start = time.perf_counter()
                store_of(archive.engine).rebuild(archive.engine)  # type: ignore[union-attr]
                built["tantivy_build_s"] = round(time.perf_counter() - start, 1)
            if reuse:
                saved.write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")
        # What Sillok does after a bulk write of this size (an import, an ingest run):
        # search/upkeep.py — on PostgreSQL the planner's statistics, if missing or stale; on
        # SQLite FTS5's segments merged into one (code before 72378dc had neither: the
        # statistics came from autovacuum only, if it was on).
        start = time.perf_counter()
        upkeep_s = (round(time.perf_counter() - start, 1)
                    if after_bulk_write(archive.engine, changed=args.docs) else None)
        qs = built["queries"]
        if archive.engine.dialect.name == "sqlite":
            size = (data_dir / "sillok.db").stat().st_size / 2**20
        else:
            with archive.engine.connect() as conn:
                size = conn.exec_driver_sql("SELECT pg_database_size(current_database())"
                                            ).scalar_one() / 2**20
        load_before = load()
        with_facets, results = timed(archive, qs, facets=True)
        without, _ = timed(archive, qs, facets=False)
        load_after = load()
        if args.dump:  # what each query found, to compare two versions of the code
            args.dump.write_text(json.dumps([
                {"q": q, "total": r.total, "capped": r.total_capped, "facets": r.facets,
                 "hits": [[i["type"], i["id"]] for i in r.items]}
                for q, r in zip(qs[20:], results, strict=True)], ensure_ascii=False, indent=0),
                encoding="utf-8")
        bare = None if args.no_bare or args.no_bare_fts5 else bare_fts(
            tmp / "bare.db", archive, [sillok_match(archive, q) for q in qs])
        bare_t = None if args.no_bare else bare_tantivy(archive, qs)
    finally:
        archive.close()
    p50 = statistics.median(with_facets)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, "
                   f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores",
        "backend": "postgresql" if args.url else "sqlite", "docs": args.docs,
        "search_backend": args.search_backend, "tantivy_build_s": built.get("tantivy_build_s"),
        "open_s": open_s,
        "queries": len(qs) - 20, "analysis_of_distinct_words_s": round(analysed_s, 1),
        "distinct_words": len(corpus.terms),
        "build_s": built["build_s"], "upkeep_s": upkeep_s,
        "size_mb": round(size, 1),
        "load_avg_1_5_15": {"before": load_before, "after": load_after},
        "matches_per_query": matches(results, args.docs),
        "sillok_with_facets": percentiles(with_facets),
        "sillok_without_facets": percentiles(without),
        "bare_fts5": bare,
        "bare_tantivy": ({"top10_and_total": bare_t["top10_and_total"],
                          "same_totals": sum(r.total == min(n, 10_000) for r, n in zip(
                              results, bare_t["totals"], strict=True))} if bare_t else None),
        "over_bare_tantivy_p50_without_facets": (
            round(statistics.median(without) / bare_t["top10_and_total"]["p50_ms"], 2)
            if bare_t else None),
        # Sillok with facets over the bare top ten of every record (the strictest comparison,
        # as in earlier runs), and over each bare way to answer the same anonymous query with
        # its total and facets; Sillok without facets (it still counts the total) over the bare
        # top ten and total.
        "overhead_p50": (round(p50 / bare["top10_any_level"]["p50_ms"], 2)
                         if bare else None),
        "overhead_p50_same_facets": (round(p50 / bare["top10_and_facets"]["p50_ms"], 2)
                                     if bare else None),
        "overhead_p50_same_facets_level_as_term": (
            round(p50 / bare["level_as_term_top10_and_facets"]["p50_ms"], 2) if bare else None),
        "overhead_p50_without_facets_same_total": (
            round(statistics.median(without) / bare["top10_and_total"]["p50_ms"], 2)
            if bare else None),
        # Queries whose total (up to the cap) is the bare table's: all of them, if both
        # answer for the same public records.
        "same_totals_as_bare": (sum(r.total == n for r, n in zip(results, bare.pop("totals"),
                                                                  strict=True))
                                if bare else None),
        "max_rss_mb": round(rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--url", help="PostgreSQL URL of an empty database (default: SQLite)")
    parser.add_argument("--data-dir", type=Path,
                        help="build here once and reuse on later runs of the same size "
                             "(PostgreSQL: the queries of the database built, for later runs)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare comparisons")
    parser.add_argument("--no-bare-fts5", action="store_true",
                        help="skip the bare FTS5 tables only (at 1M their build is long)")
    parser.add_argument("--search-backend", default="database", choices=("database", "tantivy"),
                        help="SILLOK_SEARCH_BACKEND (tantivy: also a bare tantivy comparison)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--dump", type=Path,
                        help="write each query's total, facets and hits (with facets) here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        result = run(args, args.data_dir or Path(tmp) / "data", Path(tmp))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
