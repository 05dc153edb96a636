"""The state machine of tests/state_machine.py on the in-memory fake: many runs, fast."""

from __future__ import annotations

from hypothesis import settings

from tests.fakes import FakeUnitOfWork
from tests.state_machine import machine_for

Machine = machine_for(FakeUnitOfWork)
Machine.TestCase.settings = settings(settings.default, stateful_step_count=60)
TestCaseMachineOnFake = Machine.TestCase
