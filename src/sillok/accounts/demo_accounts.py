"""The demo archive's sign-in: a fictional editor account with a generated password.

A generated password, not a fixed one: a demo left running on a reachable address must not
open with a password printed in the README. It is shown once by ``sillok demo``; set a new one
with ``sillok users passwd demo-editor``.
"""

from __future__ import annotations

import secrets

from sillok.accounts.accounts import add_user
from sillok.archive.service import Archive
from sillok.security.policy import Actor

DEMO_USER = "demo-editor"


def create_demo_account(archive: Archive, actor: Actor) -> dict[str, str]:
    password = secrets.token_urlsafe(12)  # 16 characters, 96 random bits
    add_user(archive, actor, DEMO_USER, "editor", password,
             display_name="Demo editor (fictional)")
    return {"username": DEMO_USER, "role": "editor", "password": password}
