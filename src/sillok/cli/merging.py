"""What ``sillok persons`` and ``sillok acts`` share: a table (or JSON) of candidate pairs,
and the merge and unmerge commands (병합, 병합 취소)."""

from __future__ import annotations

import typer
from rich.table import Table

from sillok.cli.common import DataDir, Json, actor_for, archive_for, console, print_json
from sillok.linkage.merge import merge, unmerge
from sillok.linkage.pairs import Pair


def print_pairs(pairs: list[Pair], json_out: bool, *, score: str, empty: str, title: str,
                digits: int) -> None:
    """``pairs`` as ``{"pairs": [{"a", "b", score, "reasons"}]}`` or as a table."""
    if json_out:
        print_json({"pairs": [{"a": p.a, "b": p.b, score: round(p.probability, 4),
                               "reasons": p.reasons} for p in pairs]})
        return
    if not pairs:
        console.print(empty)
        return
    table = Table("a", "b", score, "reasons / 근거", title=title.format(n=len(pairs)))
    for p in pairs:
        table.add_row(f"#{p.a}", f"#{p.b}", f"{p.probability:.{digits}f}", "; ".join(p.reasons))
    console.print(table)


def add_merge_commands(group: typer.Typer, record_type: str, noun_ko: str) -> None:
    """``merge KEEP OTHER`` and ``unmerge ID`` for records of ``record_type``."""

    @group.command("merge")
    def merge_cmd(
        keep: int = typer.Argument(..., help=f"The {record_type} to keep."),
        other: int = typer.Argument(..., help="The record merged into it (kept whole, "
                                    "reversible)."),
        reason: str | None = typer.Option(None, "--reason", help="Why they are one."),
        data_dir: DataDir = None,
        json_out: Json = False,
    ) -> None:
        """Merge OTHER into KEEP: both keep their names or evidence, links and history;
        audited; `unmerge` undoes it (병합: 되돌릴 수 있음)."""
        with archive_for(data_dir) as archive:
            result = merge(archive, actor_for(None), keep, other, reason,
                           record_type=record_type)
        if json_out:
            print_json(result.as_dict())
            return
        moved = f" (with #{', #'.join(map(str, result.moved))})" if result.moved else ""
        console.print(f"{record_type} #{result.merged}{moved} merged into #{result.kept} / "
                      f"{noun_ko} #{result.merged}을(를) #{result.kept}에 병합했습니다")

    @group.command("unmerge")
    def unmerge_cmd(
        record: int = typer.Argument(..., help="A record merged into another."),
        reason: str | None = typer.Option(None, "--reason", help="Why they are not one."),
        data_dir: DataDir = None,
        json_out: Json = False,
    ) -> None:
        """Take a merged record out again (병합 취소)."""
        with archive_for(data_dir) as archive:
            result = unmerge(archive, actor_for(None), record, reason,
                             record_type=record_type)
        if json_out:
            print_json(result.as_dict())
            return
        console.print(f"{record_type} #{result.merged} taken out of #{result.kept} / "
                      f"{noun_ko} #{result.merged}을(를) #{result.kept}에서 분리했습니다")
