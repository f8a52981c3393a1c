"""Staff accounts: Argon2id hashes, roles, disabling, audited changes, CLI."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sillok.accounts.accounts import add_user, authenticate, set_role
from sillok.accounts.audit_log import audit_entries
from sillok.archive.service import Archive
from sillok.cli.main import app
from sillok.db import models as m
from sillok.errors import Conflict, Forbidden, Invalid
from sillok.security.policy import Role
from tests.conftest import ADMIN, EDITOR

PASSWORD = "correct horse battery staple"


def test_accounts(archive: Archive) -> None:
    uid = add_user(archive, ADMIN, "coder1", "editor", PASSWORD, "Coder One (fictional)")
    with archive.transaction() as s:
        stored = s.get_one(m.User, uid).password_hash or ""
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    actor = authenticate(archive, "coder1", PASSWORD)
    assert actor is not None and actor.role == Role.editor
    assert authenticate(archive, "coder1", "wrong password!!") is None
    assert authenticate(archive, "nobody", PASSWORD) is None
    set_role(archive, ADMIN, "coder1", "analyst")
    assert authenticate(archive, "coder1", PASSWORD).role == Role.analyst  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        add_user(archive, ADMIN, "coder1", "viewer", PASSWORD)
    with pytest.raises(Invalid, match="at least 12"):
        add_user(archive, ADMIN, "coder2", "viewer", "short")
    with pytest.raises(Invalid):
        add_user(archive, ADMIN, "Bad Name!", "viewer", PASSWORD)
    with pytest.raises(Forbidden):
        add_user(archive, EDITOR, "coder3", "viewer", PASSWORD)
    trail = audit_entries(archive, ADMIN, record=f"user:{uid}")
    assert [e["action"] for e in trail] == ["create", "update"]
    with archive.transaction() as s:
        after = s.execute(select(m.AuditEntry.after).where(
            m.AuditEntry.record_type == "user")).scalars().all()
    assert "argon2" not in json.dumps(after)


def test_cli(runner: CliRunner, cli_env: dict[str, str], archive: Archive) -> None:
    out = runner.invoke(app, ["users", "add", "field1", "--role", "editor", "--password-stdin"],
                        input=PASSWORD + "\n", env=cli_env)
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["users", "add", "field2"], input=f"{PASSWORD}\n{PASSWORD}\n",
                        env=cli_env)
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["users", "role", "field2", "emperor"], env=cli_env)
    assert out.exit_code == 1 and "not one of" in out.stderr
    assert runner.invoke(app, ["users", "disable", "field1"], env=cli_env).exit_code == 0
    assert authenticate(archive, "field1", PASSWORD) is None
    out = runner.invoke(app, ["users", "passwd", "field2", "--password-stdin"],
                        input="a brand new passphrase\n", env=cli_env)
    assert out.exit_code == 0
    assert authenticate(archive, "field2", "a brand new passphrase") is not None
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"], env=cli_env).stdout)
    assert [(u["username"], u["role"], u["disabled"]) for u in listed] == [
        ("field1", "editor", True), ("field2", "viewer", False)]
    assert "argon2" not in json.dumps(listed)


@pytest.mark.parametrize("name", [
    "anonymous", "Anonymous", "ＡＮＯＮＹＭＯＵＳ", "public", "system", "root", "ｒｏｏｔ",
    "sillok-init", "sillok-demo", "eval-search", "cli", "cli:someone",
])
def test_reserved_names_are_refused(archive: Archive, name: str) -> None:
    with pytest.raises(Invalid, match="reserved"):
        add_user(archive, ADMIN, name, "viewer", PASSWORD)


def test_every_internal_actor_name_is_reserved() -> None:
    from sillok.archive.lifecycle import DEMO_ACTOR
    from sillok.archive.seed import SEED_ACTOR
    from sillok.cli.common import operator
    from sillok.search.evaluate import LOADER
    from sillok.security.policy import Actor, is_reserved_name
    for actor in (DEMO_ACTOR, SEED_ACTOR, LOADER, Actor.anonymous()):
        assert is_reserved_name(actor.name), actor.name
    assert is_reserved_name(operator())
    assert not is_reserved_name("admin") and not is_reserved_name("coder1")


def test_cli_refuses_a_reserved_name(runner: CliRunner, cli_env: dict[str, str],
                                     archive: Archive) -> None:
    out = runner.invoke(app, ["users", "add", "Anonymous", "--password-stdin"],
                        input=PASSWORD + "\n", env=cli_env)
    assert out.exit_code != 0
    assert "error:" in out.output and "reserved" in out.output


def test_the_real_hasher_keeps_rfc_9106_cost() -> None:
    """The suite hashes cheaply (conftest); what the archive itself uses is Argon2id at RFC 9106's
    low-memory parameters."""
    from argon2 import Type, profiles

    from tests.conftest import REAL_HASHER

    wanted = profiles.RFC_9106_LOW_MEMORY
    assert REAL_HASHER.type is Type.ID
    assert (REAL_HASHER.time_cost, REAL_HASHER.memory_cost, REAL_HASHER.parallelism) == (
        wanted.time_cost, wanted.memory_cost, wanted.parallelism)
    assert REAL_HASHER.hash("x" * 12).startswith(f"$argon2id$v=19$m={wanted.memory_cost},")
