"""What the services' tests share: a world on the in-memory fake with one order in it."""

from __future__ import annotations

import pytest

from tests.builders import World, make_order
from tests.fakes import FakeUnitOfWork


@pytest.fixture
def w() -> World:
    world = World(FakeUnitOfWork())
    world.order(make_order())
    return world
