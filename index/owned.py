"""Who sees what a user saved (saved searches, indicators): one rule for all of it."""

from __future__ import annotations


def visible_to(owner: str, shared: bool, user: str | None) -> bool:
    """Shared with everyone, made before accounts (no owner), or the user's own."""
    return shared or not owner or owner == user
