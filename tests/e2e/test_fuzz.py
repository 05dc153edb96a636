"""schemathesis against the committed contract: whatever a client sends, the answer is
never a 500, errors are problem+json, and answers match the documented schema.

Bounded: SCHEMATHESIS_MAX_EXAMPLES (default 25) examples per operation."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from aftersales.adapters.db import migrate
from aftersales.adapters.db.engine import Database
from aftersales.bootstrap import Settings, bootstrap
from aftersales.domain.model import Actor, Role
from aftersales.entrypoints.api.app import create_app
from aftersales.services import commands as cmd

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))


def _app() -> Any:
    base = Path(os.environ.get("TMPDIR", "/tmp")) / f"aftersales-fuzz-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    db = Database(f"sqlite:///{base}/fuzz.db")
    migrate.upgrade(db.engine)
    system = bootstrap(Settings(database_url=db.url, admin_token="fuzz-admin", clock="test"), db=db)
    buyer = system.dispatch(cmd.IssueToken(actor=Actor(Role.OPERATOR, "fuzz"), role="buyer", subject="b1"))
    return create_app(system), buyer.token


APP, BUYER = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_500_or_an_answer_the_contract_does_not_describe(case: Any) -> None:
    token = "fuzz-admin" if case.path.startswith(("/api/v1/test-clock", "/api/v1/tokens")) else BUYER
    # schemathesis's checks: no server error, a documented status, media type, headers and schema.
    # Not "schema-valid data is accepted": a schema cannot say which zone names exist, that an
    # expiry is in the future or that a cursor is one the API gave out, and those are 422s.
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                      excluded_checks=[checks.positive_data_acceptance])
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json"), response.text
        body = response.json()
        assert body["status"] == response.status_code and body["code"]
