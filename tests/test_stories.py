"""Stories that survive editing: every way an outlet republishes a release joins it, and
two releases of one office on one day stay two stories (releases in tests/releases.py)."""

from __future__ import annotations

import pytest

from rasad.index import Store
from rasad.index.models import Article
from rasad.index.stories import fingerprints, shares_story
from tests.releases import RELEASES, SAME_TOPIC, variants


def _same(a: str, b: str) -> bool:
    pa, pb = fingerprints(a), fingerprints(b)
    return shares_story(len(pa), len(pb), len(set(pa) & set(pb)))


@pytest.mark.parametrize("name", sorted(RELEASES))
def test_every_edit_of_a_release_joins_it(name: str) -> None:
    copies = variants(name)
    original = copies.pop("original")
    for kind, body in copies.items():
        assert _same(original, body), kind
        assert _same(body, original), kind  # whichever arrives first


@pytest.mark.parametrize(("first", "second"), SAME_TOPIC)
def test_two_releases_on_one_topic_stay_apart(first: str, second: str) -> None:
    for a in variants(first).values():
        for b in variants(second).values():
            assert not _same(a, b)


def test_a_trimmed_copy_joins_the_stored_story(store: Store) -> None:
    """Incremental, on every backend: a copy arriving later finds the story in the store."""
    full = variants("isfahan_parks")
    original = Article(url="https://p/1", source="a", title="بوستان‌ها", body=full["original"])
    metro = variants("tehran_metro")["original"]
    other = Article(url="https://p/2", source="a", title="مترو", body=metro)
    store.upsert([original, other])
    refresh = getattr(store, "refresh_now", None)
    if refresh:
        refresh()
    for n, kind in enumerate(("trimmed_agency", "respelled", "copy_edits")):
        copy = Article(url=f"https://q/{n}", source="b", title="تیتر تازه", body=full[kind])
        copy.fingerprints = fingerprints(copy.body)
        assert store.find_story(copy.fingerprints, copy.id) == original.id, kind
