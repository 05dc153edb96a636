"""The committed openapi.json is the API's contract: the app may not drift from it."""

from __future__ import annotations

import json
from pathlib import Path

from aftersales.domain.transitions import PUBLIC_ACTIONS
from aftersales.entrypoints.api.openapi import document

COMMITTED = Path(__file__).parents[2] / "openapi.json"


def test_the_app_matches_the_committed_openapi_json() -> None:
    current = document()
    assert current == COMMITTED.read_text(encoding="utf-8"), (
        "the API changed: review the change, then run `make openapi.json` and commit it"
    )


def test_every_action_and_resource_of_the_contract_is_documented() -> None:
    paths = json.loads(COMMITTED.read_text(encoding="utf-8"))["paths"]
    for action in PUBLIC_ACTIONS:
        assert f"/api/v1/cases/{{case_id}}/{action}" in paths
    for path in ("/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/events",
                 "/api/v1/orders", "/api/v1/stores", "/api/v1/tokens", "/api/v1/interventions",
                 "/api/v1/orders/{order_id}/lines/{line_id}/eligibility", "/api/v1/cases/{case_id}/evidence",
                 "/api/v1/evidence/{evidence_id}/content", "/api/v1/cases/{case_id}/messages", "/api/v1/test-clock",
                 "/healthz"):
        assert path in paths, path


def test_what_the_api_answers_is_documented() -> None:
    """Upserts answer 200 on an update; errors are problem details; writes may be too large."""
    paths = json.loads(COMMITTED.read_text(encoding="utf-8"))["paths"]
    for path in ("/api/v1/orders", "/api/v1/stores"):
        assert {"200", "201", "413", "422"} <= set(paths[path]["post"]["responses"])
    for path in paths.values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    assert list(response.get("content", {})) == ["application/problem+json"], (status, operation)


def test_the_contract_check_of_the_http_tests_catches_a_stray_answer() -> None:
    from datetime import timedelta

    import httpx2
    import pytest

    from tests.contract import conforms

    def answer(status: int, body: object, **headers: str) -> httpx2.Response:
        response = httpx2.Response(status, json=body, request=request, headers=headers)
        response.elapsed = timedelta(milliseconds=1)
        return response

    request = httpx2.Request("GET", "http://test/api/v1/cases/cs_1")
    good_problem = {"type": "urn:aftersales:problem:not_found", "title": "Not found", "status": 404,
                    "code": "not_found", "detail": "no such case"}
    conforms(answer(404, good_problem, **{"content-type": "application/problem+json"}))
    with pytest.raises(Exception, match=r"(?i)schema|valid|required"):
        conforms(answer(200, {"id": "cs_1"}))
