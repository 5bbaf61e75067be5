"""Who may do what: users with roles, their passwords, API tokens and page sessions.

Everything lives in the store's state collections (`Store.put_state`), so accounts move
with the data when a deployment switches backend.  Passwords are kept as argon2 hashes
(argon2-cffi); API tokens and session ids are random and kept only as their SHA-256, so a
copy of the store gives nobody a way in.  Roles are ordered: a viewer searches and reads,
an editor also changes saved searches and other shared work, an admin also manages users.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rasad.errors import InvalidInput
from rasad.index.contract import Store

Role = Literal["viewer", "editor", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")
USER, TOKEN, SESSION = "user", "api_token", "session"
NAME = re.compile(r"^[\w.@-]{1,64}$")  # letters of any script, digits, . _ @ -
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
DIGEST_FREQUENCIES = ("off", "immediate", "daily", "weekly")
SESSION_LIFETIME = timedelta(hours=12)  # one working day; the page asks again after it
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# checked when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def allows(role: str, needed: Role) -> bool:
    """Whether `role` may do what `needed` may (roles are ordered)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)  # type: ignore[arg-type]


@dataclass
class User:
    name: str
    role: Role
    password_hash: str | None = None
    created: str = ""
    email: str | None = None
    digest: str = "off"  # how often alert matches are e-mailed: rasad.digests.FREQUENCIES


@dataclass
class Session:
    user: User
    csrf: str  # sent back by the page on every change; a forged form cannot know it
    expires: datetime


class Accounts:
    """The users of one store, and the credentials that identify them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ---- users ---------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str | None = None) -> tuple[User, str | None]:
        """Create a user; with no password, return a new API token for it (shown once)."""
        if not NAME.match(name):
            raise InvalidInput(f"a user name is 1–64 letters, digits or . _ @ -, not {name!r}")
        if role not in ROLES:
            raise InvalidInput(f"the role must be one of {', '.join(ROLES)}, not {role!r}")
        if self.get(name) is not None:
            raise InvalidInput(f"there is already a user {name!r}")
        user = User(name, role, None, _now().isoformat())  # type: ignore[arg-type]
        if password is not None:
            user.password_hash = _hash_password(password)
        self.store.put_state(USER, name, asdict(user))
        return user, (None if password is not None else self.new_token(name))

    def get(self, name: str) -> User | None:
        doc = self.store.get_state(USER, name)
        return User(**doc) if doc else None

    def users(self) -> list[User]:
        return [User(**doc) for doc in self.store.states(USER)]

    def set_password(self, name: str, password: str) -> None:
        user = self._existing(name)
        user.password_hash = _hash_password(password)
        self.store.put_state(USER, name, asdict(user))

    def set_digest(self, name: str, email: str | None, every: str) -> User:
        """Where and how often the user's alert matches are e-mailed."""
        if every not in DIGEST_FREQUENCIES:
            raise InvalidInput(f"a digest is {', '.join(DIGEST_FREQUENCIES)}, not {every!r}")
        if email is not None and not EMAIL.match(email):
            raise InvalidInput(f"not an e-mail address: {email!r}")
        user = self._existing(name)
        user.email, user.digest = email or user.email, every
        if user.digest != "off" and not user.email:
            raise InvalidInput("a digest needs an e-mail address (--email)")
        self.store.put_state(USER, name, asdict(user))
        return user

    def remove(self, name: str) -> bool:
        """Delete a user with every token and session it had."""
        for kind in (TOKEN, SESSION):
            for doc in self.store.states(kind):
                if doc["user"] == name:
                    self.store.delete_state(kind, doc["digest"])
        return self.store.delete_state(USER, name)

    def _existing(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise InvalidInput(f"there is no user {name!r}")
        return user

    # ---- API tokens ----------------------------------------------------------------------

    def new_token(self, name: str) -> str:
        """A new bearer token for the user; only its digest is kept."""
        self._existing(name)
        token = "rsd_" + secrets.token_urlsafe(32)
        digest = _digest(token)
        doc = {"digest": digest, "user": name, "created": _now().isoformat()}
        self.store.put_state(TOKEN, digest, doc)
        return token

    def by_token(self, token: str) -> User | None:
        doc = self.store.get_state(TOKEN, _digest(token)) if token else None
        return self.get(doc["user"]) if doc else None

    # ---- page sessions -------------------------------------------------------------------

    def login(self, name: str, password: str) -> tuple[str, Session] | None:
        """Check a password; on success open a session and return its id (for the cookie)."""
        user = self.get(name)
        if not _verify(user.password_hash if user else None, password) or user is None:
            return None
        if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
            self.set_password(name, password)
        session_id = secrets.token_urlsafe(32)
        session = Session(user, secrets.token_urlsafe(24), _now() + SESSION_LIFETIME)
        doc = {
            "digest": _digest(session_id),
            "user": name,
            "csrf": session.csrf,
            "expires": session.expires.isoformat(),
        }
        self.store.put_state(SESSION, doc["digest"], doc)
        return session_id, session

    def session(self, session_id: str) -> Session | None:
        """The live session with this id; an expired one is removed."""
        digest = _digest(session_id)
        doc = self.store.get_state(SESSION, digest) if session_id else None
        if doc is None:
            return None
        expires = datetime.fromisoformat(doc["expires"])
        user = self.get(doc["user"])
        if expires <= _now() or user is None:
            self.store.delete_state(SESSION, digest)
            return None
        return Session(user, doc["csrf"], expires)

    def logout(self, session_id: str) -> None:
        self.store.delete_state(SESSION, _digest(session_id))


def _hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
