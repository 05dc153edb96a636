"""Print the API's OpenAPI document: ``python -m aftersales.entrypoints.api.openapi > openapi.json``.

The committed openapi.json is the contract; tests fail when the app drifts from it."""

from __future__ import annotations

import json
import sys

from fastapi import FastAPI

from aftersales.bootstrap import Settings, bootstrap


def build_app() -> FastAPI:
    from aftersales.entrypoints.api.app import create_app

    return create_app(bootstrap(Settings(database_url="sqlite://")))


def document(app: FastAPI) -> str:
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(document(build_app()))
