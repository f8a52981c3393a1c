"""Who is asking: the actor of a web request."""

from __future__ import annotations

from fastapi import Request

from sillok.security.policy import Actor


def page_actor(request: Request) -> Actor:
    """The signed-in user's actor when the sign-in middleware has set one, else anonymous."""
    actor = getattr(request.state, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()
