"""The workbench's keyset query and assignment on SQLite and PostgreSQL: the unit tests of
tests/unit/services/test_workbench.py, run over the real repositories."""

from __future__ import annotations

import pytest

from aftersales.adapters.db.engine import Database
from aftersales.adapters.db.uow import SqlUnitOfWork
from tests.builders import World
from tests.unit.services import test_workbench as unit


@pytest.fixture
def w(db: Database) -> World:
    return unit.populate(World(SqlUnitOfWork(db)))


# The same tests, collected here again with this module's ``w``.
from tests.unit.services.test_workbench import (  # noqa: E402, F401
    test_a_case_is_given_to_a_member_of_its_own_store_only,
    test_filters_by_status_type_assignee_and_order,
    test_nearest_deadline_first_and_every_case_once_across_pages,
)
