"""``sillok persons``: duplicates found by linkage, merges and unmerges (인물 중복·병합)."""

from __future__ import annotations

import typer
from rich.table import Table

from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid
from sillok.linkage.duplicates import find_duplicates
from sillok.linkage.merge import merge, unmerge

persons = typer.Typer(
    help="Persons: duplicates, merge and unmerge (인물: 중복 후보, 병합, 병합 취소).",
    no_args_is_help=True)


@persons.command("duplicates")
def duplicates_cmd(
    min_probability: float = typer.Option(0.9, "--min-probability", help="Only pairs at least "
                                          "this likely to be one person (0–1)."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Pairs of persons the role may see that are likely one person, with the reasons
    (같은 인물로 보이는 쌍과 그 근거)."""
    if not 0.0 <= min_probability <= 1.0:
        raise Invalid({"--min-probability": "must be between 0 and 1"})
    with archive_for(data_dir) as archive:
        pairs = find_duplicates(archive, actor_for(as_role), min_probability)
    if json_out:
        print_json({"pairs": [{"a": p.a, "b": p.b, "probability": round(p.probability, 4),
                               "reasons": p.reasons} for p in pairs]})
        return
    if not pairs:
        console.print(f"no likely duplicates at {min_probability} / 중복 후보 없음")
        return
    table = Table("a", "b", "probability / 확률", "reasons / 근거",
                  title=f"{len(pairs)} likely duplicates / 중복 후보 {len(pairs)}쌍")
    for p in pairs:
        table.add_row(f"#{p.a}", f"#{p.b}", f"{p.probability:.3f}", "; ".join(p.reasons))
    console.print(table)


@persons.command("merge")
def merge_cmd(
    keep: int = typer.Argument(..., help="The person to keep."),
    other: int = typer.Argument(..., help="The person merged into it (kept whole, reversible)."),
    reason: str | None = typer.Option(None, "--reason", help="Why they are one person."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Merge person OTHER into KEEP: both keep their names, links and history; audited;
    `unmerge` undoes it (병합: 되돌릴 수 있음)."""
    with archive_for(data_dir) as archive:
        result = merge(archive, actor_for(None), keep, other, reason)
    if json_out:
        print_json(result.as_dict())
        return
    moved = f" (with #{', #'.join(map(str, result.moved))})" if result.moved else ""
    console.print(f"person #{result.merged}{moved} merged into #{result.kept} / "
                  f"인물 #{result.merged}을(를) #{result.kept}에 병합했습니다")


@persons.command("unmerge")
def unmerge_cmd(
    person: int = typer.Argument(..., help="A person merged into another."),
    reason: str | None = typer.Option(None, "--reason", help="Why they are not one person."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Take a merged person out again (병합 취소)."""
    with archive_for(data_dir) as archive:
        result = unmerge(archive, actor_for(None), person, reason)
    if json_out:
        print_json(result.as_dict())
        return
    console.print(f"person #{result.merged} taken out of #{result.kept} / "
                  f"인물 #{result.merged}을(를) #{result.kept}에서 분리했습니다")


def register(app: typer.Typer) -> None:
    app.add_typer(persons, name="persons")
