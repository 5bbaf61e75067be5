"""Property-based run of every operation in the OpenAPI document (schemathesis): whatever the
input, the API never answers with a server error.  Every call carries an editor's API token,
so the routes behind the login are explored as deeply as the open ones.

Operations are driven through hypothesis directly rather than schemathesis' pytest plugin,
which does not load under the pytest this project uses.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from rasad.api import create_app
from rasad.index.sqlite_store import SQLiteStore
from tests.auth import bearer
from tests.corpus import CORPUS


def _schema() -> tuple[schemathesis.BaseSchema, dict[str, str]]:
    store = SQLiteStore(":memory:")
    store.upsert(CORPUS)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(store)), bearer(store)


SCHEMA, HEADERS = _schema()
OPERATIONS = {op.ok().label: op.ok() for op in SCHEMA.get_all_operations()}


def test_every_operation_is_covered() -> None:
    assert len(OPERATIONS) >= 15, sorted(OPERATIONS)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_input_gives_a_server_error(label: str) -> None:
    @given(case=OPERATIONS[label].as_strategy())
    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers=HEADERS, checks=[not_a_server_error])
        if case.operation.path != "/api/login":  # the one route answering 401 to bad input
            assert response.status_code != 401, response.text

    check()
