"""Person linkage: ``eval-linkage`` measures the model on a fictional evaluation set."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sillok.cli.common import Json, console, print_json
from sillok.linkage import evalset
from sillok.linkage.evaluate import evaluate


def eval_cmd(
    file: Path = typer.Argument(..., help="Evaluation set: JSON lines, one record each with its "
                                          "true 'cluster' (see --generate)."),
    generate: int | None = typer.Option(None, "--generate", metavar="SEED",
                                        help="First write a fresh fictional set made from SEED "
                                             "to FILE (reproducible)."),
    persons: int = typer.Option(2000, help="With --generate: how many true persons."),
    variant: str = typer.Option("tuning", help="With --generate: the generator's way of "
                                "writing names down: tuning, or held-out (a second one, for "
                                "an evaluation nobody tunes on)."),
    seed: int = typer.Option(1, help="Seed for splink's random sampling of u."),
    json_out: Json = False,
) -> None:
    """Pairwise precision, recall and F1 and cluster F1 of the Korean person-linkage model,
    with splink's default settings beside it as the baseline (인물 연결 평가)."""
    if generate is not None:
        evalset.write(evalset.generate(generate, persons, variant), file)
    records = evalset.read(file)
    with console.status("linking / 연결 중", spinner="dots") if not json_out else _Quiet():
        scores = evaluate(records, seed=seed)
    if json_out:
        print_json({"records": len(records), **{k: v.as_dict() for k, v in scores.items()}})
        return
    table = Table("", "Korean model / 한국어 이름 모델", "splink defaults / 기본 설정",
                  title=f"{len(records)} records / 기록 {len(records)}건")
    rows = [("pairwise precision / 쌍 정밀도", "precision"),
            ("pairwise recall / 쌍 재현율", "recall"),
            ("pairwise F1 / 쌍 F1", "f1"), ("cluster F1 / 군집 F1", "cluster_f1"),
            ("pairs scored / 비교한 쌍", "pairs_scored")]
    for label, key in rows:
        table.add_row(label, *(_fmt(getattr(scores[m], key)) for m in ("korean", "baseline")))
    console.print(table)


def _fmt(value: float | int) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def register(app: typer.Typer) -> None:
    app.command("eval-linkage")(eval_cmd)
