"""Who is asking: API tokens for integrators, sessions for the page, and the role each
route needs.

A request is identified by `Authorization: Bearer <token>` (integrators, scripts) or by the
page's session cookie.  A browser sends the cookie on its own, so every state-changing
request made with it must also carry the session's CSRF token in `X-CSRF-Token`, which a
page of another site cannot read; a bearer token is never sent on its own, so it needs none.
Reads need a viewer unless the deployment allows anonymous reads (`RASAD_ANONYMOUS_READS`,
off by default; the loopback demo turns it on); every change needs an identified editor.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from ipaddress import ip_address
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from rasad.accounts import MIN_PASSWORD, SESSION_LIFETIME, Accounts, Role, User, allows
from rasad.errors import InvalidInput
from rasad.index import Store

SESSION_COOKIE = "rasad_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

router = APIRouter(prefix="/api", tags=["account"])
_UNKNOWN = object()


@dataclass
class Caller:
    user: User
    csrf: str | None  # set when identified by the session cookie


def _accounts(request: Request) -> Accounts:
    store: Store = request.app.state.store
    return Accounts(store)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail=message,
        headers={"WWW-Authenticate": 'Bearer realm="rasad"'},
    )


def identify(request: Request) -> Caller | None:
    """The caller of this request, None when it carries no credentials; wrong credentials
    are a 401 rather than an anonymous request, so a mistyped token is noticed."""
    known = getattr(request.state, "caller", _UNKNOWN)
    if known is _UNKNOWN:
        known = request.state.caller = _identify(request)
    return known


def _identify(request: Request) -> Caller | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        user = _accounts(request).by_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise _unauthorized("the API token is not valid")
        return Caller(user, None)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        session = _accounts(request).session(session_id)
        if session is not None:
            return Caller(session.user, session.csrf)
    return None


@cache
def require(role: Role) -> Callable[[Request], Caller | None]:
    """A dependency letting through callers with at least `role` (one function per role,
    so FastAPI runs it once per request however many routes and routers ask for it)."""

    def dependency(request: Request) -> Caller | None:
        caller = identify(request)
        if caller is not None and caller.csrf is not None and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not secrets.compare_digest(sent.encode(), caller.csrf.encode()):
                raise HTTPException(status.HTTP_403_FORBIDDEN, "the CSRF token is missing or wrong")
        if caller is None:
            if role == "viewer" and request.app.state.settings.anonymous_reads:
                return None
            raise _unauthorized("log in or send an API token (Authorization: Bearer …)")
        if not allows(caller.user.role, role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"this needs the {role} role; you are a {caller.user.role}",
            )
        return caller

    return dependency


def caller_name(caller: Caller | None) -> str | None:
    return caller.user.name if caller else None


def check_owner(owner: str, caller: Caller, what: str) -> None:
    """403 unless the caller may change what `owner` saved: its owner, or an admin (what
    was saved before accounts has no owner and is everyone's)."""
    if owner not in ("", caller.user.name) and caller.user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"{what} belongs to {owner}")


Reader = Annotated[Caller | None, Depends(require("viewer"))]
Editor = Annotated[Caller, Depends(require("editor"))]
Admin = Annotated[Caller, Depends(require("admin"))]


class LoginIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1000)


class MeOut(BaseModel):
    name: str | None = Field(description="None when nobody is logged in.")
    role: str | None
    csrf: str | None = Field(description=f"Send it as {CSRF_HEADER} on every change.")
    anonymous_reads: bool


@router.post("/login", summary="Log in (the page's session cookie)")
def login(request: Request, response: Response, body: LoginIn) -> MeOut:
    opened = _accounts(request).login(body.name, body.password)
    if opened is None:
        raise _unauthorized("wrong user name or password")
    session_id, session = opened
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )
    return _me(request, Caller(session.user, session.csrf))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Log out")
def logout(request: Request, caller: Reader) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        _accounts(request).logout(session_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", summary="Who is logged in")
def me(request: Request) -> MeOut:
    return _me(request, identify(request))


# ---- users (admins) ---------------------------------------------------------------------


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    role: Role = "viewer"
    password: str | None = Field(
        None, min_length=MIN_PASSWORD, max_length=1000, description="None: an API token instead."
    )


class UserOut(BaseModel):
    name: str
    role: str
    created: str
    token: str | None = Field(None, description="The new user's API token, shown once.")


@router.get("/users", summary="Users and their roles (admins)")
def list_users(request: Request, caller: Admin) -> list[UserOut]:
    return [
        UserOut(name=u.name, role=u.role, created=u.created) for u in _accounts(request).users()
    ]


@router.post("/users", status_code=status.HTTP_201_CREATED, summary="Add a user (admins)")
def add_user(request: Request, caller: Admin, body: UserIn) -> UserOut:
    try:
        user, token = _accounts(request).add(body.name, body.role, body.password)
    except InvalidInput as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    return UserOut(name=user.name, role=user.role, created=user.created, token=token)


@router.delete(
    "/users/{name}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a user (admins)"
)
def remove_user(request: Request, caller: Admin, name: str) -> Response:
    if name == caller.user.name:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "an admin cannot remove itself")
    if not _accounts(request).remove(name):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"there is no user {name!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _me(request: Request, caller: Caller | None) -> MeOut:
    anonymous = bool(request.app.state.settings.anonymous_reads)
    if caller is None:
        return MeOut(name=None, role=None, csrf=None, anonymous_reads=anonymous)
    user = caller.user
    return MeOut(name=user.name, role=user.role, csrf=caller.csrf, anonymous_reads=anonymous)


def _secure(request: Request) -> bool:
    """Secure cookies everywhere except plain HTTP on loopback (the demo), where no
    browser would send them back; behind a TLS proxy the scheme is https."""
    if request.url.scheme == "https":
        return True
    try:
        return not ip_address((request.url.hostname or "").strip("[]")).is_loopback
    except ValueError:
        return request.url.hostname != "localhost"
