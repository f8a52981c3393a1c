"""One small exception hierarchy shared by the library, the CLI and the web app.

Each error carries a message fit for a user; the adapters turn them into an exit code or an
HTTP status, never into a traceback.
"""

from __future__ import annotations


class SillokError(Exception):
    """Base of every error a user may see."""

    exit_code = 1
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(SillokError):
    http_status = 404


class Forbidden(SillokError):
    http_status = 403


class Conflict(SillokError):
    http_status = 409


class StorageError(SillokError):
    """The archive cannot be opened or written: bad path, corrupt file, server unreachable."""

    http_status = 503


class Invalid(SillokError):
    """Input that breaks a rule; ``errors`` maps field paths to messages."""

    http_status = 422
    # Which record of a batch broke the rule (Archive.add_built), for the bulk file's report.
    position: int = 0

    def __init__(self, errors: dict[str, str], context: str = "") -> None:
        self.errors = dict(errors)
        self.context = context
        detail = "; ".join(f"{k}: {v}" for k, v in self.errors.items())
        super().__init__(f"{context}{': ' if context else ''}invalid {detail}")

    def prefixed(self, prefix: str) -> Invalid:
        """The same errors with every field path under ``prefix`` (for records in a bulk file)."""
        return Invalid({f"{prefix}.{k}": v for k, v in self.errors.items()}, self.context)


class StaleVersion(Conflict):
    """A change made from a version of a record that is no longer the current one: someone
    else changed it since it was read. Nothing was written; ``current`` is the version now,
    ``changed_by`` and ``changed_at`` (ISO 8601) the last change's author and time."""

    def __init__(self, message: str, *, current: int, changed_by: str | None,
                 changed_at: str | None) -> None:
        super().__init__(message)
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
