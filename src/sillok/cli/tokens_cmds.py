"""tokens: API tokens for scripts (create, list, revoke)."""

from __future__ import annotations

import typer
from rich.table import Table

from sillok.accounts.tokens import SCOPES, create_token, list_tokens, revoke_token
from sillok.cli.common import DataDir, Json, actor_for, archive_for, console, print_json

tokens_app = typer.Typer(
    help="API tokens for scripts (Authorization: Bearer <token> on /api/v1): create, list, "
         "revoke. The scope caps the user's role: read (no changes), write (records, no "
         "administration) or admin.",
    no_args_is_help=True)


@tokens_app.command("create")
def create(
    username: str = typer.Argument(..., help="The account the token acts for."),
    scope: str = typer.Option(..., help="read, write or admin (caps the user's role)."),
    expires_days: int = typer.Option(90, "--expires-days", help="Days until it expires."),
    no_expiry: bool = typer.Option(False, "--no-expiry", help="Never expires (avoid)."),
    name: str = typer.Option("", help="What the token is for, e.g. 'nightly export'."),
    data_dir: DataDir = None,
    json_out: Json = False,
) -> None:
    """Make a token and print it ONCE: only its hash is kept, it cannot be shown again."""
    if scope not in SCOPES:
        raise typer.BadParameter(f"'{scope}' is not one of: {', '.join(SCOPES)}",
                                 param_hint="--scope")
    with archive_for(data_dir) as archive:
        token_id, token = create_token(archive, actor_for(None), username, scope,
                                       None if no_expiry else expires_days, name)
    if json_out:
        print_json({"id": token_id, "user": username, "scope": scope, "token": token})
        return
    console.print(f"token #{token_id} for {username} ({scope}); copy it now, it is not "
                  "shown again:", highlight=False)
    # Plain print: no wrapping or markup inside the secret.
    print(token)


@tokens_app.command("list")
def list_cmd(data_dir: DataDir = None, json_out: Json = False) -> None:
    """List tokens (never the tokens themselves)."""
    with archive_for(data_dir) as archive:
        rows = list_tokens(archive, actor_for(None))
    if json_out:
        print_json(rows)
        return
    table = Table("id", "user", "scope", "name", "created", "expires", "last used", "status")
    for t in rows:
        status = "revoked" if t["revoked_at"] else "active" if t["active"] else "expired"
        table.add_row(str(t["id"]), t["user"], t["scope"], t["name"], t["created_at"][:10],
                      (t["expires_at"] or "never")[:10], (t["last_used_at"] or "")[:16],
                      status)
    console.print(table)


@tokens_app.command("revoke")
def revoke(token_id: int = typer.Argument(..., metavar="ID", help="The token's id (tokens "
                                          "list)."),
           data_dir: DataDir = None) -> None:
    """Revoke a token at once; it stays listed as revoked."""
    with archive_for(data_dir) as archive:
        revoke_token(archive, actor_for(None), token_id)
    console.print(f"token #{token_id} revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
