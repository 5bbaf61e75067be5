"""The FastAPI application: JSON API under /api, the web page at /, its assets under /static.

`create_app(store)` serves a store the caller opened (tests, the demo); `create_app()` opens
the configured one (RASAD_STORE) when the server starts and closes it when it stops.  The
settings are read once, here or by the caller, and the sources file once with them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rasad.config import Settings
from rasad.crawler.sources import load_sources
from rasad.errors import ConfigError, InvalidInput
from rasad.index import QueryError, Store, StoreError, StoreUnavailable

from . import auth, export, indicators, routes
from .cache import TTLCache
from .security import SecurityMiddleware

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("rasad.api")

DESCRIPTION = """\
Search Persian municipal news and the figures reported in it.

* **Search** articles with the simple syntax: words (all must match), `"a phrase"`,
  `OR`, `-excluded`, `prefix*`, parentheses. Spelling variants (ZWNJ, ي/ی, digits) match.
* **Figures**: every reported number with its unit, subject, place, speaker and sentence;
  **metrics** group comparable figures and **series** chart one of them over time.
* Dates in filters may be Jalali or Gregorian; results carry both.
* Every `*_html` field is escaped text whose only markup is the `<mark>` the API adds.
"""


def create_app(store: Store | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else settings.open_store()
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="Rasad (رصد)",
        summary="Persian news monitoring: search coverage, track reported figures.",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sources = load_sources(settings.sources)
    app.state.searches = TTLCache(settings.cache_seconds, max_bytes=settings.cache_megabytes)
    app.add_middleware(SecurityMiddleware, allowed_hosts=settings.hosts())
    if store is not None:
        app.state.store = store  # usable before startup too (TestClient without a context)
    app.include_router(auth.router)
    app.include_router(routes.router)
    app.include_router(routes.public)
    app.include_router(indicators.router)
    app.include_router(export.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _errors(app)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app


def _errors(app: FastAPI) -> None:
    """Map the store's errors to statuses; the message is the store's own plain sentence."""

    @app.exception_handler(QueryError)
    async def bad_query(_: Request, exc: QueryError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(InvalidInput)
    async def invalid_input(_: Request, exc: InvalidInput) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(StoreUnavailable)
    async def unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        log.warning("store unavailable: %s", exc)
        return _error(503, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(_: Request, exc: StoreError) -> JSONResponse:
        log.error("store error: %s", exc)
        return _error(503, str(exc))

    @app.exception_handler(ConfigError)
    async def config_error(_: Request, exc: ConfigError) -> JSONResponse:
        return _error(500, f"the service is misconfigured: {exc}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        """422 with one readable sentence per problem, beside FastAPI's usual list."""
        problems = [
            f"{'.'.join(str(p) for p in e['loc'] if p not in ('query', 'body', 'path'))}: "
            f"{e['msg']}"
            for e in exc.errors()
        ]
        body = {"detail": "; ".join(problems), "code": CODES[422], "errors": _plain(exc.errors())}
        return JSONResponse(body, status_code=422)


# status → the stable code beside the message (`schemas.ErrorOut`)
CODES = {
    400: "bad_query",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_parameter",
    500: "misconfigured",
    503: "store_unavailable",
}


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    code = CODES.get(status, "error")
    return JSONResponse({"detail": detail, "code": code}, status_code=status, headers=headers)


def _plain(errors: object) -> object:
    """Validation errors as JSON-safe data (their `ctx` may hold exception objects)."""
    if isinstance(errors, dict):
        return {k: _plain(v) for k, v in errors.items()}
    if isinstance(errors, list | tuple):
        return [_plain(v) for v in errors]
    return errors if isinstance(errors, str | int | float | bool | type(None)) else str(errors)
