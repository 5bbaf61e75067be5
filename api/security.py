"""What every response and every request passes through before any route runs.

- Security headers on every response: a content-security policy with no inline script
  (the page loads only its own files), nosniff, no framing, no referrer.  The OpenAPI
  explorer at /docs is the one page that needs the Swagger UI's inline script.
- Allowed hosts: a request naming another Host is refused (a DNS-rebinding page cannot
  reach a server on this machine through a name it controls); `RASAD_ALLOWED_HOSTS`.
- Forged requests: a state-changing request (POST, PUT, PATCH, DELETE) from a page of
  another origin is refused with 403, judged by the browser's Origin (or Referer) header.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = (  # Swagger UI: its own inline bootstrap script, no framing either
    "default-src 'self' https://cdn.jsdelivr.net; script-src 'self' 'unsafe-inline' "
    "https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; frame-ancestors 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecurityMiddleware:
    """Pure ASGI middleware (no per-request task, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.any_host = "*" in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        refusal = self._refusal(scope, headers, host)
        if refusal is not None:
            status, message = refusal
            response = JSONResponse({"detail": message, "code": "forbidden"}, status_code=status)
            await response(scope, receive, self._with_headers(send, scope))
            return
        await self.app(scope, receive, self._with_headers(send, scope))

    def _refusal(self, scope: Scope, headers: Headers, host: str) -> tuple[int, str] | None:
        name = urlsplit(f"//{host}").hostname or ""
        if not self.any_host and name.lower() not in self.allowed:
            return 400, f"this server does not answer for the host {host!r}"
        if scope["method"] in UNSAFE_METHODS:
            origin = headers.get("origin") or headers.get("referer")
            if origin and urlsplit(origin).netloc.lower() != host.lower():
                return 403, "a change from a page of another site is refused"
        return None

    @staticmethod
    def _with_headers(send: Send, scope: Scope) -> Send:
        csp = DOCS_CSP if scope["path"] in {"/docs", "/redoc"} else CSP

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *HEADERS,
                    (b"content-security-policy", csp.encode()),
                ]
            await send(message)

        return wrapped
