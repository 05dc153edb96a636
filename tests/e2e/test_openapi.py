"""The committed openapi.json is the API's contract: the app may not drift from it."""

from __future__ import annotations

import json
from pathlib import Path

from aftersales.domain.transitions import PUBLIC_ACTIONS
from aftersales.entrypoints.api.openapi import build_app, document

COMMITTED = Path(__file__).parents[2] / "openapi.json"


def test_the_app_matches_the_committed_openapi_json() -> None:
    current = document(build_app())
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
