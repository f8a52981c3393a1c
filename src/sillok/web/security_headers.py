"""Security headers on every response: pages, the JSON API, static files, errors and 404s.

The policy allows scripts and styles from this site only — no inline script, no inline style,
nothing from another host — so that markup slipped into a page (an unescaped value, a hostile
upload shown as text) cannot run or phone home; the pages keep their scripts in /static. The
site may not be framed (clickjacking of a signed-in coder), types are not sniffed, and no
Referer leaves the site (a page address can carry a search for a person's name).

Added as the outermost layer of the application, around Starlette's own error handler, so that
a 500 carries them too. A response that set its own Content-Security-Policy keeps it (none
does now: the statistics page's charts read their expressions with vega-interpreter instead
of needing 'unsafe-eval').
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(**extra: str) -> str:
    """The Content-Security-Policy, with some directives' sources added to (``script_src=...``)."""
    directives = dict(POLICY)
    for name, sources in extra.items():
        key = name.replace("_", "-")
        directives[key] = f"{directives[key]} {sources}"
    return "; ".join(f"{k} {v}" for k, v in directives.items())


HEADERS = [
    (b"content-security-policy", policy().encode("ascii")),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
