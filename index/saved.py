"""Saved searches, "what is new since I last looked", and the notifications alerts record.

A saved search belongs to the user who made it and may be shared with everyone; one
made before accounts existed has no owner and is everyone's.  Both live in the store's
state collections (see `Store.put_state`), so they move with the
articles when a user switches backend.  "New" means written or changed in the store after
a time (`Article.indexed_at`), not published after it: an old article crawled today is news
to the user.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from rasad.nlp.dates import day_moment

from .contract import Store
from .models import SearchPage, SearchRequest, Sort
from .owned import visible_to
from .query import QueryError, parse_query

SAVED = "saved_search"
NOTIFICATION = "notification"
MAX_NOTIFICATIONS_PER_CHECK = 100  # per saved search; the rest are counted, not listed


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SavedSearch:
    name: str
    q: str = ""
    sources: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    date_from: str = ""  # the days as the user typed them (Jalali or Gregorian)
    date_to: str = ""
    sort: Sort = "relevance"
    owner: str = ""  # the user who made it ("" before accounts: everyone's)
    shared: bool = False  # visible to every user, changed by its owner only
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: datetime = field(default_factory=_now)
    seen_at: datetime = field(default_factory=_now)  # the user last looked at its results
    checked_at: datetime = field(default_factory=_now)  # alerts last looked for new matches

    def request(self, **overrides: Any) -> SearchRequest:
        base = {
            "q": self.q,
            "sources": self.sources,
            "cities": self.cities,
            "kinds": self.kinds,
            "date_from": day_moment(self.date_from) if self.date_from else None,
            "date_to": day_moment(self.date_to, end=True) if self.date_to else None,
            "sort": self.sort,
        }
        return SearchRequest(**(base | overrides))

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        for name in ("created", "seen_at", "checked_at"):
            doc[name] = doc[name].isoformat()
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> SavedSearch:
        doc = dict(doc)
        for name in ("created", "seen_at", "checked_at"):
            doc[name] = datetime.fromisoformat(doc[name])
        return cls(**doc)


class SavedSearches:
    """Saved searches over one store, and the alerts they raise."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, q: str = "", **fields: Any) -> SavedSearch:
        """Save a search (its filters, days and sort too: `SavedSearch`'s fields); a query or
        a day that cannot be read is refused now rather than at every check."""
        name = name.strip()
        if not name:
            raise QueryError("a saved search needs a name")
        parse_query(q)
        saved = SavedSearch(name, q, **fields)
        try:
            saved.request()
        except ValueError as exc:
            raise QueryError(f"the saved search's dates cannot be read: {exc}") from None
        self.store.put_state(SAVED, saved.id, saved.to_doc())
        return saved

    def all(self) -> list[SavedSearch]:
        return [SavedSearch.from_doc(d) for d in self.store.states(SAVED)]

    def visible(self, user: str | None) -> list[SavedSearch]:
        """What `user` (None: nobody logged in) sees: its own, the shared, the ownerless."""
        return [s for s in self.all() if visible_to(s.owner, s.shared, user)]

    def get(self, search_id: str) -> SavedSearch | None:
        doc = self.store.get_state(SAVED, search_id)
        return SavedSearch.from_doc(doc) if doc else None

    def delete(self, search_id: str) -> bool:
        return self.store.delete_state(SAVED, search_id)

    def new_results(
        self, saved: SavedSearch, size: int = 20, cursor: str | None = None
    ) -> SearchPage:
        """Matches written since the user last marked the search as seen, newest first."""
        return self.store.search(
            saved.request(indexed_after=saved.seen_at, sort="date", size=size, cursor=cursor)
        )

    def mark_seen(self, saved: SavedSearch) -> SavedSearch:
        saved.seen_at = _now()
        self.store.put_state(SAVED, saved.id, saved.to_doc())
        return saved

    def check(self) -> list[dict[str, Any]]:
        """Record a notification for every article each saved search matched since its last
        check (the alerts step after a crawl); return the new notifications."""
        created: list[dict[str, Any]] = []
        for saved in self.all():
            until = _now()
            page = self.store.search(
                saved.request(
                    indexed_after=saved.checked_at, sort="date", size=MAX_NOTIFICATIONS_PER_CHECK
                )
            )
            for hit in page.hits:
                note = {
                    "id": f"{saved.id}-{hit.id}",
                    "search_id": saved.id,
                    "search_name": saved.name,
                    "article_id": hit.id,
                    "title": hit.title,
                    "url": hit.url,
                    "source": hit.source,
                    "published": hit.published.isoformat() if hit.published else None,
                    "snippet": hit.snippet.plain(),
                    "created": until.isoformat(),
                    "matches": page.total,
                }
                self.store.put_state(NOTIFICATION, note["id"], note)
                created.append(note)
            saved.checked_at = until
            self.store.put_state(SAVED, saved.id, saved.to_doc())
        return created

    def notifications(
        self, search_id: str | None = None, limit: int = 100, user: str | None = None
    ) -> list[dict[str, Any]]:
        """The latest notifications of the searches `user` sees, newest first."""
        seen = {s.id for s in self.visible(user)}
        notes = [
            n
            for n in self.store.states(NOTIFICATION)
            if n["search_id"] in seen and (search_id is None or n["search_id"] == search_id)
        ]
        notes.sort(key=lambda n: (n["created"], n.get("published") or ""), reverse=True)
        return notes[:limit]
