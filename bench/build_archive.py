"""Build a FICTIONAL archive at NKDB scale through the library API and report time, memory, size.

    python bench/build_archive.py --data-dir /tmp/nkdb-scale            # SQLite
    python bench/build_archive.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/build_archive.py --scale 0.01                          # a quick 1 % run

Full scale is 100,000 events, 150,000 acts, 60,000 persons and 100,000 sources of about 2 KB,
half of them Korean (NKDB's 2024 White Paper: 87,317 events and 56,452 persons). Every record
goes through Archive.create — validation, policy, audit entry — in transactions of --batch
records, as an ingest would.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from pathlib import Path

from sqlalchemy import text

from sillok.archive.lifecycle import init_archive
from sillok.archive.resolve import Resolver
from sillok.archive.service import Archive
from sillok.config import Settings
from sillok.security.policy import Actor, Role

ACTOR = Actor("bench", Role.admin)
FULL = {"sources": 100_000, "persons": 60_000, "events": 100_000, "acts": 150_000}

KO = [
    "[가상 벤치마크 자료] 증언자는 국경을 넘다가 중국 공안에게 체포되었다고 말했다.",
    "그는 도문을 거쳐 온성군 안전부 구류장으로 강제북송되었다.",
    "구류장에서는 하루 한 끼의 옥수수밥만 주어졌고 조사 중 구타가 있었다.",
    "탈북민들이 전한 바에 따르면 집결소에서는 강제노동이 매일 이어졌다.",
    "그녀는 한국 드라마를 시청했다는 이유로 노동단련대 6개월 처분을 받았다.",
    "혜산 비행장에서 공개처형이 있었고 주민들이 강제로 동원되었다.",
    "가족은 연좌제로 산간 지역으로 추방되었다고 증언했다.",
    "보위부 요원들은 휴대전화 통화 기록을 근거로 그를 연행했다.",
]
EN = [
    "[Fictional benchmark text] The witness said she was arrested by Chinese police near Yanji.",
    "She was forcibly repatriated through Tumen and held in a county detention centre.",
    "Detainees received one meal of maize a day and were beaten during interrogation.",
    "According to escapees, forced labour continued every day at the holding centre.",
    "He was sent to a labour training camp for six months for watching South Korean dramas.",
    "A public execution was held at the airfield and residents were made to watch.",
    "The family was banished to a mountain area under guilt by association.",
    "State security agents detained him on the strength of his phone records.",
]
ACT_TYPES = ["detention_jipkyulso", "forced_repatriation", "torture", "forced_labour",
             "punishment_reactionary_ideology_act", "execution_public", "guilt_by_association",
             "arrest_abroad", "denial_of_food", "detention_kyohwaso"]
PLACES = ["kp-09-onsong", "kp-10-hyesan", "kp-09-musan", "kp-09-hoeryong", "cn-yanji",
          "cn-tumen", "kp-03-sinuiju", "kp-09-chongjin"]
SURNAMES = ["김", "리", "박", "최", "정", "강", "조", "윤"]
# Not 가상 ("fictional"): every Korean text starts with [가상 …], and a restricted 김가상 would
# have its given name masked in all of them (Protection II masks a given name alone).
GIVEN = ["정숙", "영희", "철수", "미라", "성호", "은정", "명수", "순이", "광철", "옥희"]


def text_of(rng: random.Random, korean: bool, size: int = 2000) -> str:
    pool = KO if korean else EN
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = rng.choice(pool)
        parts.append(sentence)
        length += len(sentence.encode("utf-8")) + 1
    return " ".join(parts)


def level_of(rng: random.Random) -> str:
    return rng.choices(["public", "internal", "restricted"], weights=[6, 3, 1])[0]


def build(archive: Archive, counts: dict[str, int], batch: int, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    ids: dict[str, list[int]] = {k: [] for k in counts}

    def run(kind: str, type_name: str, make: object) -> None:
        started = time.perf_counter()
        n = counts[kind]
        done = 0
        while done < n:
            with archive.transaction() as session:
                r = Resolver(session)
                for _ in range(min(batch, n - done)):
                    data = make()  # type: ignore[operator]
                    ids[kind].append(archive.create(ACTOR, type_name, data, session=session,
                                                    resolver=r))
                    done += 1
            print(f"\r{kind}: {done}/{n}", end="", file=sys.stderr, flush=True)
        timings[kind] = time.perf_counter() - started
        print(f"\r{kind}: {n} in {timings[kind]:.1f} s ({n / timings[kind]:.0f}/s)",
              file=sys.stderr)

    def source() -> dict[str, object]:
        korean = rng.random() < 0.5
        return {"level": level_of(rng), "kind": rng.choice(["testimony", "news_report"]),
                "title": f"{'가상 증언' if korean else 'Fictional report'} {rng.randrange(10**6)}",
                "language": "ko" if korean else "en", "text": text_of(rng, korean),
                "published": f"{rng.randrange(2000, 2025)}-{rng.randrange(1, 13):02d}"}

    def person() -> dict[str, object]:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return {"level": level_of(rng), "sex": rng.choice(["female", "male"]),
                "birth_year": rng.randrange(1940, 2005), "roles": ["victim"],
                "names": [{"name": name, "system": "hangul"}]}

    def event() -> dict[str, object]:
        year = rng.randrange(1995, 2025)
        return {"level": level_of(rng), "title": f"가상 사건 / Fictional event {year}",
                "date": f"{year}-{rng.randrange(1, 13):02d}", "places": [rng.choice(PLACES)]}

    def act() -> dict[str, object]:
        year = rng.randrange(1995, 2025)
        return {"level": level_of(rng), "event": rng.choice(ids["events"]),
                "victim": rng.choice(ids["persons"]), "act_type": rng.choice(ACT_TYPES),
                "date": str(year), "place": rng.choice(PLACES)}

    run("sources", "source", source)
    run("persons", "person", person)
    run("events", "event", event)
    run("acts", "act", act)
    return timings


def db_size(archive: Archive, settings: Settings) -> int:
    if settings.is_sqlite:
        with archive.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return sum(p.stat().st_size for p in settings.data_dir.glob("sillok.db*"))
    with archive.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=Path("bench/out/nkdb-scale"))
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=2000)
    args = ap.parse_args()
    if args.database_url is None and args.data_dir.exists():
        shutil.rmtree(args.data_dir)
    settings = Settings(data_dir=args.data_dir, database_url=args.database_url)
    counts = {k: max(1, int(v * args.scale)) for k, v in FULL.items()}
    started = time.perf_counter()
    init_archive(settings)
    archive = Archive.open(settings)
    try:
        timings = build(archive, counts, args.batch)
        total = time.perf_counter() - started
        size = db_size(archive, settings)
    finally:
        archive.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"backend": "sqlite" if settings.is_sqlite else "postgresql", "counts": counts,
              "seconds": round(total, 1),
              "seconds_by_kind": {k: round(v, 1) for k, v in timings.items()},
              "peak_rss_mb": round(peak_mb), "db_bytes": size}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
