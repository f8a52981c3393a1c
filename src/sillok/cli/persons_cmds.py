"""``sillok persons``: duplicates found by linkage, merges and unmerges (인물 중복·병합)."""

from __future__ import annotations

import typer

from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for
from sillok.cli.merging import add_merge_commands, print_pairs
from sillok.errors import Invalid
from sillok.linkage.duplicates import find_duplicates

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
    """Pairs of persons the role may see that are likely one person, with the reasons; pairs
    an editor said are not the same are left out (같은 인물로 보이는 쌍과 그 근거)."""
    if not 0.0 <= min_probability <= 1.0:
        raise Invalid({"--min-probability": "must be between 0 and 1"})
    with archive_for(data_dir) as archive:
        pairs = find_duplicates(archive, actor_for(as_role), min_probability)
    print_pairs(pairs, json_out, score="probability", digits=3,
                empty=f"no likely duplicates at {min_probability} / 중복 후보 없음",
                title="{n} likely duplicates / 중복 후보 {n}쌍")


add_merge_commands(persons, "person", "인물")


def register(app: typer.Typer) -> None:
    app.add_typer(persons, name="persons")
