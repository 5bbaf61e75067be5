"""Accounts and roles over the real app: who may read, who may change, sessions with their
CSRF token, API tokens, saved searches that belong to a user, and `rasad users`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rasad.accounts import SESSION, Accounts
from rasad.api import create_app
from rasad.api.auth import CSRF_HEADER, SESSION_COOKIE
from rasad.config import Settings
from rasad.errors import InvalidInput
from rasad.index import Store
from rasad.index.sqlite_store import SQLiteStore
from tests.auth import bearer
from tests.corpus import CORPUS

PASSWORD = "correct horse battery"
NEW = {"name": "دفترها", "q": "دفتر"}


def test_accounts_keep_only_hashes_on_every_backend(store: Store) -> None:
    accounts = Accounts(store)
    user, token = accounts.add("sara", "editor", PASSWORD)
    assert token is None and user.password_hash and PASSWORD not in user.password_hash
    _, token = accounts.add("bot", "viewer")
    assert token and accounts.by_token(token).name == "bot"  # type: ignore[union-attr]
    assert accounts.by_token(token + "x") is None
    assert all(token not in str(doc) for doc in store.states("api_token"))  # digests only
    opened = accounts.login("sara", PASSWORD)
    assert opened and accounts.session(opened[0]).user.name == "sara"  # type: ignore[union-attr]
    assert accounts.login("sara", "wrong password!") is None
    assert accounts.login("nobody", PASSWORD) is None
    with pytest.raises(InvalidInput):
        accounts.add("sara", "admin", PASSWORD)  # names are unique
    with pytest.raises(InvalidInput):
        accounts.add("x y", "viewer")
    with pytest.raises(InvalidInput):
        accounts.add("kian", "owner")
    assert accounts.remove("bot") and accounts.by_token(token) is None
    assert [u.name for u in accounts.users()] == ["sara"]


def test_an_expired_session_is_gone(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "rasad.db")
    accounts = Accounts(store)
    accounts.add("sara", "editor", PASSWORD)
    session_id, _ = accounts.login("sara", PASSWORD)  # type: ignore[misc]
    [doc] = store.states(SESSION)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    store.put_state(SESSION, doc["digest"], doc | {"expires": past})
    assert accounts.session(session_id) is None and store.states(SESSION) == []
    store.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Store]]:
    """The app as deployed: no anonymous reads, served over https behind a proxy."""
    store = SQLiteStore(tmp_path / "rasad.db")
    store.upsert(CORPUS)
    Accounts(store).add("sara", "editor", PASSWORD)
    settings = Settings.load(allowed_hosts="testserver", anonymous_reads=False)
    with TestClient(create_app(store, settings), base_url="https://testserver") as client:
        yield client, store
    store.close()


def test_nothing_without_credentials(served: tuple[TestClient, Store]) -> None:
    client, _ = served
    for path in ("/api/search?q=دفتر", "/api/figures", "/api/export/search?q=دفتر"):
        refused = client.get(path)
        assert refused.status_code == 401 and "Bearer" in refused.headers["www-authenticate"]
        assert refused.json()["code"] == "login_required"  # a stable code beside the message
    assert client.post("/api/saved-searches", json=NEW).status_code == 401
    assert client.get("/api/health").status_code == 200  # health checks carry no login
    assert client.get("/api/me").json()["name"] is None
    wrong = client.get("/api/search", headers={"Authorization": "Bearer rsd_not-a-token"})
    assert wrong.status_code == 401 and "token" in wrong.json()["detail"]


def test_roles_decide_what_a_token_may_do(served: tuple[TestClient, Store]) -> None:
    client, store = served
    viewer, editor = bearer(store, "viewer"), bearer(store, "editor", "ali")
    assert client.get("/api/search", params={"q": "دفتر"}, headers=viewer).status_code == 200
    refused = client.post("/api/saved-searches", json=NEW, headers=viewer)
    assert refused.status_code == 403 and "editor" in refused.json()["detail"]
    created = client.post("/api/saved-searches", json=NEW, headers=editor)
    assert created.status_code == 201 and created.json()["owner"] == "ali"


def test_a_session_changes_state_only_with_its_csrf_token(
    served: tuple[TestClient, Store],
) -> None:
    client, _ = served
    assert client.post("/api/login", json={"name": "sara", "password": "nope"}).status_code == 401
    logged = client.post("/api/login", json={"name": "sara", "password": PASSWORD})
    assert logged.status_code == 200
    cookie = logged.headers["set-cookie"].lower()
    assert all(flag in cookie for flag in ("httponly", "samesite=strict", "secure"))
    csrf = logged.json()["csrf"]
    assert client.get("/api/search", params={"q": "دفتر"}).status_code == 200  # the cookie
    forged = client.post("/api/saved-searches", json=NEW)  # what a forged request can send
    assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]
    wrong = client.post("/api/saved-searches", json=NEW, headers={CSRF_HEADER: csrf[:-1]})
    assert wrong.status_code == 403
    assert client.post(
        "/api/saved-searches", json=NEW, headers={CSRF_HEADER: csrf}
    ).status_code == (201)
    assert client.get("/api/me").json() | {"csrf": "-"} == {
        "name": "sara",
        "role": "editor",
        "csrf": "-",
        "anonymous_reads": False,
    }
    assert client.post("/api/logout", headers={CSRF_HEADER: csrf}).status_code == 204
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/api/search", params={"q": "دفتر"}).status_code == 401


def test_saved_searches_belong_to_their_user(served: tuple[TestClient, Store]) -> None:
    client, store = served
    ali, reza = bearer(store, "editor", "ali"), bearer(store, "editor", "reza")
    admin = bearer(store, "admin", "boss")
    own = client.post("/api/saved-searches", json=NEW, headers=ali).json()
    shared = client.post("/api/saved-searches", json=NEW | {"shared": True}, headers=ali).json()
    seen_by_reza = {s["id"] for s in client.get("/api/saved-searches", headers=reza).json()}
    assert seen_by_reza == {shared["id"]}  # not ali's private one
    assert client.delete(f"/api/saved-searches/{own['id']}", headers=reza).status_code == 404
    assert client.delete(f"/api/saved-searches/{shared['id']}", headers=reza).status_code == 403
    assert client.post(f"/api/saved-searches/{shared['id']}/seen", headers=reza).status_code == (
        403
    )
    assert client.get(f"/api/saved-searches/{shared['id']}/new", headers=reza).status_code == 200
    assert client.delete(f"/api/saved-searches/{shared['id']}", headers=admin).status_code == 204
    assert client.delete(f"/api/saved-searches/{own['id']}", headers=ali).status_code == 204


def test_anonymous_reads_are_a_setting(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "rasad.db")
    store.upsert(CORPUS)
    settings = Settings.load(allowed_hosts="testserver", anonymous_reads=True)
    with TestClient(create_app(store, settings)) as client:
        assert client.get("/api/search", params={"q": "دفتر"}).status_code == 200
        assert client.post("/api/saved-searches", json=NEW).status_code == 401  # changes: no
    store.close()
    assert Settings.load().anonymous_reads is False  # off unless a deployment says so


def _rasad(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"RASAD_STORE": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "rasad", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_users_command(tmp_path: Path) -> None:
    db = tmp_path / "rasad.db"
    added = _rasad("add", "ali", "--role", "editor", db=db)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("rsd_")
    assert (
        _rasad(
            "add", "sara", "--role", "admin", "--password", db=db, stdin=PASSWORD + "\n"
        ).returncode
        == 0
    )
    listed = _rasad("list", db=db).stdout
    assert "ali\teditor\ttoken only" in listed and "sara\tadmin\tpassword" in listed
    short = _rasad("add", "kian", "--password", db=db, stdin="short\n")
    assert short.returncode == 2 and "at least" in short.stderr  # bad input
    assert _rasad("remove", "ali", db=db).returncode == 0
    gone = _rasad("remove", "ali", db=db)
    assert gone.returncode == 2 and "no user" in gone.stderr
    store = SQLiteStore(db)
    accounts = Accounts(store)
    assert accounts.by_token(token) is None and accounts.login("sara", PASSWORD)
    store.close()


def test_only_admins_manage_users(served: tuple[TestClient, Store]) -> None:
    client, store = served
    editor, admin = bearer(store, "editor", "ali"), bearer(store, "admin", "boss")
    assert client.get("/api/users", headers=editor).status_code == 403
    created = client.post("/api/users", json={"name": "kian", "role": "viewer"}, headers=admin)
    assert created.status_code == 201 and created.json()["token"].startswith("rsd_")
    kian = {"Authorization": f"Bearer {created.json()['token']}"}
    assert client.get("/api/search", params={"q": "دفتر"}, headers=kian).status_code == 200
    again = client.post("/api/users", json={"name": "kian"}, headers=admin)
    assert again.status_code == 400 and "already" in again.json()["detail"]
    names = {u["name"] for u in client.get("/api/users", headers=admin).json()}
    assert names == {"sara", "ali", "boss", "kian"}
    assert client.delete("/api/users/boss", headers=admin).status_code == 400
    assert client.delete("/api/users/kian", headers=admin).status_code == 204
    assert client.get("/api/search", params={"q": "دفتر"}, headers=kian).status_code == 401
