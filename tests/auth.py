"""Credentials for tests: a user of a given role in a store, as the header that names it."""

from __future__ import annotations

from rasad.accounts import Accounts
from rasad.index import Store


def bearer(store: Store, role: str = "editor", name: str | None = None) -> dict[str, str]:
    """A new user with `role` and the Authorization header carrying its API token."""
    _, token = Accounts(store).add(name or role, role)
    assert token
    return {"Authorization": f"Bearer {token}"}
