"""users: staff accounts (add, list, role, disable, passwd, totp, unlock)."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from sillok.accounts.accounts import (
    add_user,
    disable,
    list_users,
    set_password,
    set_role,
    unlock,
)
from sillok.accounts.totp import disable_totp, enable_totp
from sillok.cli.common import DataDir, Json, actor_for, archive_for, console, print_json
from sillok.errors import Invalid

users_app = typer.Typer(help="Staff accounts: add, list, role, disable, passwd, totp, unlock.",
                        no_args_is_help=True)
PasswordStdin = typer.Option(False, "--password-stdin",
                             help="Read the password from standard input (for scripts).")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise Invalid({"password": "nothing on standard input"})
        return line
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@users_app.command("add")
def add(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("viewer", help="viewer, editor, analyst or admin."),
    display_name: str = typer.Option("", help="Name shown in the interface."),
    password_stdin: bool = PasswordStdin,
    data_dir: DataDir = None,
) -> None:
    """Create an account (password asked twice, or read from --password-stdin)."""
    password = _password(password_stdin)
    with archive_for(data_dir) as archive:
        add_user(archive, actor_for(None), username, role, password, display_name)
    console.print(f"user {username} added ({role})")


@users_app.command("list")
def list_cmd(data_dir: DataDir = None, json_out: Json = False) -> None:
    """List accounts (never their passwords)."""
    with archive_for(data_dir) as archive:
        users = list_users(archive, actor_for(None))
    if json_out:
        print_json(users)
        return
    table = Table("username", "role", "disabled", "totp", "locked until", "name", "created")
    for u in users:
        table.add_row(u["username"], u["role"], "yes" if u["disabled"] else "",
                      "yes" if u["totp"] else "", (u["locked_until"] or "")[:16],
                      u["display_name"], u["created_at"][:10])
    console.print(table)


@users_app.command("role")
def role(username: str, new_role: str = typer.Argument(..., metavar="ROLE"),
         data_dir: DataDir = None) -> None:
    """Change an account's role."""
    with archive_for(data_dir) as archive:
        set_role(archive, actor_for(None), username, new_role)
    console.print(f"user {username} is now {new_role}")


@users_app.command("disable")
def disable_cmd(username: str, data_dir: DataDir = None) -> None:
    """Disable an account: it can no longer sign in; its history stays."""
    with archive_for(data_dir) as archive:
        disable(archive, actor_for(None), username)
    console.print(f"user {username} disabled")


@users_app.command("passwd")
def passwd(username: str, password_stdin: bool = PasswordStdin,
           data_dir: DataDir = None) -> None:
    """Set a new password."""
    password = _password(password_stdin)
    with archive_for(data_dir) as archive:
        set_password(archive, actor_for(None), username, password)
    console.print(f"password of {username} changed")


@users_app.command("unlock")
def unlock_cmd(username: str, data_dir: DataDir = None) -> None:
    """Lift a sign-in lockout (after too many failed passwords or codes) now."""
    with archive_for(data_dir) as archive:
        unlock(archive, actor_for(None), username)
    console.print(f"user {username} unlocked")


@users_app.command("totp")
def totp(username: str,
         enable: bool = typer.Option(False, "--enable", help="Give the account a new TOTP "
                                     "secret; sign-in then asks for a code."),
         disable: bool = typer.Option(False, "--disable", help="Remove the account's TOTP."),
         data_dir: DataDir = None, json_out: Json = False) -> None:
    """Turn the second sign-in factor (an authenticator app's 6-digit codes) on or off. The
    secret is printed once, for the account's owner to add to their app."""
    if enable == disable:
        raise Invalid({"totp": "choose --enable or --disable"})
    with archive_for(data_dir) as archive:
        if disable:
            disable_totp(archive, actor_for(None), username)
            console.print(f"TOTP of {username} removed")
            return
        enrolment = enable_totp(archive, actor_for(None), username)
    if json_out:
        print_json({"username": username, "secret": enrolment.secret, "uri": enrolment.uri})
        return
    console.print(f"TOTP enabled for {username}. Add it to an authenticator app now (shown "
                  "once; the account's sessions have ended):", highlight=False)
    print(f"secret: {enrolment.secret}")
    print(f"uri:    {enrolment.uri}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
