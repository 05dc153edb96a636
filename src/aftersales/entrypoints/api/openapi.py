"""Print the API's OpenAPI document: ``python -m aftersales.entrypoints.api.openapi > openapi.json``.

The committed openapi.json is the contract; tests fail when the app drifts from it."""

from __future__ import annotations

import json
import sys

from fastapi import FastAPI

from aftersales.bootstrap import Settings, bootstrap


def build_app() -> FastAPI:
    """The app over a throwaway in-memory database (close it with ``app.state.system.close()``)."""
    from aftersales.entrypoints.api.app import create_app

    return create_app(bootstrap(Settings(database_url="sqlite://")))


def document(app: FastAPI | None = None) -> str:
    """The OpenAPI document of ``app``, or of a throwaway one built and closed for the purpose."""
    if app is not None:
        return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    app = build_app()
    try:
        return document(app)
    finally:
        app.state.system.close()


if __name__ == "__main__":
    sys.stdout.write(document())
