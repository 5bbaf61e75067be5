"""E-mail digests against a real SMTP server on loopback (aiosmtpd): delivered once, kept
when the server refuses or is down, sent again when it is back, never twice."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from rasad.accounts import Accounts
from rasad.digests import Digests, Smtp
from rasad.index import Store
from rasad.index.models import Article
from rasad.index.saved import SavedSearches
from rasad.index.sqlite_store import SQLiteStore
from tests.corpus import CORPUS, make


class Inbox:
    """An aiosmtpd handler keeping what it accepts, or refusing everything when told."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refuse:
            return "554 5.7.1 not accepting mail now"
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(email.message_from_bytes(content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, Controller]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller
    controller.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = SQLiteStore(tmp_path / "rasad.db")
    accounts = Accounts(s)
    accounts.add("sara", "editor", "correct horse battery")
    accounts.set_digest("sara", "sara@example.org", "immediate")
    accounts.add("reza", "editor", "correct horse battery")  # no address: never mailed
    SavedSearches(s).create("دفترها", "دفتر توسعه", owner="sara")
    SavedSearches(s).create("خصوصی رضا", "دفتر", owner="reza")  # not sara's to see
    yield s
    s.close()


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None, f"no {kind} part"
    return part.get_content()


def _crawl(store: Store, articles: list[Article]) -> int:
    """What a crawl does: write new articles, then record the alerts they raise."""
    store.upsert([replace(a, indexed_at=None) for a in articles])  # crawled now
    return len(SavedSearches(store).check())


def _digests(store: Store, port: int, retries: int = 2) -> Digests:
    smtp = Smtp("127.0.0.1", port, "rasad@example.org", retries=retries, backoff=0.01, timeout=3)
    return Digests(store, smtp, "https://rasad.example.org")


def test_a_digest_rolls_up_new_matches_once(store: Store, smtp: tuple[Inbox, Controller]) -> None:
    inbox, controller = smtp
    assert _crawl(store, CORPUS) > 0
    digests = _digests(store, controller.port)
    outcome = digests.send_due(Accounts(store).users())
    [message] = inbox.messages
    assert outcome.sent["sara"] >= 1 and "reza" not in outcome.sent and not outcome.failed
    assert message["To"] == "sara@example.org" and message["Subject"].startswith("رصد")
    text = _body(message, "plain")
    html = _body(message, "html")
    assert (
        "دفتر" in text and "shahraranews" in text and "https://rasad.example.org/#/article/" in text
    )
    assert "1402/" in text  # Jalali day
    assert "dir='rtl'" in html and "<script" not in html
    assert "خصوصی رضا" not in text  # another user's private search
    again = digests.send_due(Accounts(store).users())
    assert again.sent == {} and len(inbox.messages) == 1  # nothing new: nothing sent

    later = make("https://a/99", "دفتر توسعه محله تازه", "۳۵ دفتر توسعه محله فعال است.", 27)
    assert _crawl(store, [later]) == 2  # sara's search and reza's
    digests.send_due(Accounts(store).users())
    assert len(inbox.messages) == 2
    second = _body(inbox.messages[1], "plain")
    assert "تازه" in second and second.count("https://") == 1  # only the new match


def test_a_refusing_server_loses_nothing(store: Store, smtp: tuple[Inbox, Controller]) -> None:
    inbox, controller = smtp
    _crawl(store, CORPUS)
    inbox.refuse = True
    digests = _digests(store, controller.port)
    refused = digests.send_due(Accounts(store).users())
    assert "554" in refused.failed.get("sara", ""), (refused, inbox.messages)
    assert inbox.messages == []
    inbox.refuse = False
    delivered = digests.send_due(Accounts(store).users())
    assert delivered.sent["sara"] == refused_count(store) and len(inbox.messages) == 1


def refused_count(store: Store) -> int:
    visible = {s.id for s in SavedSearches(store).visible("sara")}
    return sum(n["search_id"] in visible for n in store.states("notification"))


def test_a_server_that_is_down_is_retried_later(store: Store, tmp_path: Path) -> None:
    _crawl(store, CORPUS)
    port = _free_port()  # nothing listens here yet
    digests = _digests(store, port, retries=3)
    down = digests.send_due(Accounts(store).users())
    assert "sara" in down.failed and "127.0.0.1" in down.failed["sara"]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = digests.send_due(Accounts(store).users())
        assert up.sent["sara"] == refused_count(store) and len(inbox.messages) == 1
        assert digests.send_due(Accounts(store).users()).sent == {}  # not twice
    finally:
        controller.stop()


def test_daily_digests_wait_a_day(store: Store, smtp: tuple[Inbox, Controller]) -> None:
    inbox, controller = smtp
    Accounts(store).set_digest("sara", None, "daily")
    _crawl(store, CORPUS)
    digests = _digests(store, controller.port)
    now = datetime.now(UTC)
    assert digests.send_due(Accounts(store).users(), now).sent
    _crawl(store, [make("https://a/98", "دفتر توسعه محله دیگر", "۳۶ دفتر توسعه محله.", 28)])
    assert digests.send_due(Accounts(store).users(), now + timedelta(hours=2)).sent == {}
    assert digests.send_due(Accounts(store).users(), now + timedelta(days=1, minutes=1)).sent
    assert len(inbox.messages) == 2


def test_the_schedule_carries_on_when_mail_is_down(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    from rasad.service import send_digests

    _crawl(store, CORPUS)
    send_digests(store, _digests(store, _free_port(), retries=1))  # logs, does not raise
    assert any("kept for the next run" in r.getMessage() for r in caplog.records)
    assert store.get_state("digest_mark", "sara") is None  # nothing marked as sent
