"""``sillok acts``: acts coded twice, merged and unmerged (행위 중복·병합)."""

from __future__ import annotations

import typer

from sillok.cli.common import AsRole, DataDir, Json, actor_for, archive_for
from sillok.cli.merging import add_merge_commands, print_pairs
from sillok.errors import Invalid
from sillok.linkage.act_pairs import find_act_duplicates

acts = typer.Typer(
    help="Acts: coded twice, merge and unmerge (행위: 중복 후보, 병합, 병합 취소).",
    no_args_is_help=True)


@acts.command("duplicates")
def duplicates_cmd(
    min_score: float = typer.Option(0.5, "--min-score", help="Only pairs scoring at least "
                                    "this (0–1; what agrees beyond victim and act type)."),
    data_dir: DataDir = None,
    as_role: AsRole = None,
    json_out: Json = False,
) -> None:
    """Pairs of acts the role may see that look like one act coded from two sources: same
    victim and act type, overlapping dates, nearby places (같은 행위로 보이는 쌍)."""
    if not 0.0 <= min_score <= 1.0:
        raise Invalid({"--min-score": "must be between 0 and 1"})
    with archive_for(data_dir) as archive:
        pairs = find_act_duplicates(archive, actor_for(as_role), min_score)
    print_pairs(pairs, json_out, score="score", digits=2,
                empty=f"no acts coded twice at {min_score} / 중복 후보 없음",
                title="{n} acts coded twice / 중복 후보 {n}쌍")


add_merge_commands(acts, "act", "행위")


def register(app: typer.Typer) -> None:
    app.add_typer(acts, name="acts")
