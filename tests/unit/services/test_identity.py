"""People: staff passwords and lockout, buyers' one-time links, sessions and signing out."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from aftersales.adapters.clocks import ManualClock
from aftersales.domain import errors
from aftersales.domain.model import Actor, Role
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.dispatch import Dispatcher
from tests.builders import INTEGRATION, World
from tests.fakes import FakeUnitOfWork

OPERATOR = Actor(Role.OPERATOR, "ops")
PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)


@pytest.fixture
def wall() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def dispatch(wall: ManualClock) -> Dispatcher:
    w = World(FakeUnitOfWork())
    d = Dispatcher(lambda: w.uow, dataclasses.replace(w.deps, wall_clock=wall))
    d(c.AddUser(actor=OPERATOR, name="s1-owner", role="owner", store_id="s1", password=PASSWORD))
    return d


def test_a_member_of_staff_signs_in_and_acts_for_their_store(dispatch: Dispatcher) -> None:
    session = dispatch(c.SignIn(name="s1-owner", password=PASSWORD))
    actor = dispatch(q.AuthenticateSession(token=session.token))
    assert (actor.role, actor.id, actor.staff, actor.team_role) == (Role.SELLER, "s1", "s1-owner", "owner")
    assert actor == Actor(Role.SELLER, "s1")  # the party is the store, whoever of its team acts


def test_the_password_is_kept_only_as_its_hash(dispatch: Dispatcher) -> None:
    user = dispatch(c.AddUser(actor=OPERATOR, name="agent-wang", role="agent", password=PASSWORD))
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("$argon2")


def test_ten_failures_lock_the_source_not_the_name(dispatch: Dispatcher, wall: ManualClock) -> None:
    for _ in range(10):
        with pytest.raises(errors.Unauthorized):
            dispatch(c.SignIn(name="s1-owner", password="guess", source="203.0.113.7"))
    with pytest.raises(errors.AccountLocked) as locked:
        dispatch(c.SignIn(name="s1-owner", password=PASSWORD, source="203.0.113.7"))
    assert "地址" in locked.value.zh and "address" in locked.value.en
    with pytest.raises(errors.AccountLocked):  # for every name it tries
        dispatch(c.SignIn(name="other", password="guess", source="203.0.113.7"))
    # The member of staff, from where they work, is not locked out by a stranger.
    assert dispatch(c.SignIn(name="s1-owner", password=PASSWORD, source="198.51.100.2")).actor.id == "s1"
    # ... and signing in there does not unlock the stranger.
    with pytest.raises(errors.AccountLocked):
        dispatch(c.SignIn(name="s1-owner", password=PASSWORD, source="203.0.113.7"))
    wall.set(NOW + timedelta(minutes=16))
    assert dispatch(c.SignIn(name="s1-owner", password=PASSWORD, source="203.0.113.7")).actor.id == "s1"


def test_a_name_failed_from_many_sources_is_slowed_never_locked(dispatch: Dispatcher) -> None:
    assert dispatch(q.SignInDelay(name="s1-owner")) == 0.0
    for i in range(10):
        with pytest.raises(errors.Unauthorized):
            dispatch(c.SignIn(name="s1-owner", password="guess", source=f"203.0.113.{i}"))
    assert dispatch(q.SignInDelay(name="s1-owner")) >= 1.0
    assert dispatch(q.SignInDelay(name="someone-else")) == 0.0
    assert dispatch(c.SignIn(name="s1-owner", password=PASSWORD, source="203.0.113.1")).actor.id == "s1"


def test_the_operator_sees_locked_sources_and_slowed_names(dispatch: Dispatcher) -> None:
    for _ in range(10):
        with pytest.raises(errors.Unauthorized):
            dispatch(c.SignIn(name="s1-owner", password="guess", source="203.0.113.7"))
    with pytest.raises(errors.Unauthorized):
        dispatch(c.SignIn(name="s1-owner", password="guess", source="198.51.100.2"))
    locks = dispatch(q.OperatorOverview(actor=OPERATOR)).sign_in_locks
    assert locks is not None
    assert [(f.key, f.failures) for f in locks.sources] == [("203.0.113.7", 10)]
    assert locks.until["203.0.113.7"] == NOW + timedelta(minutes=15)
    assert [(f.key, f.failures) for f in locks.names] == [("s1-owner", 11)]


def test_an_unknown_name_is_answered_as_a_wrong_password(dispatch: Dispatcher) -> None:
    with pytest.raises(errors.Unauthorized) as unknown:
        dispatch(c.SignIn(name="nobody", password=PASSWORD))
    with pytest.raises(errors.Unauthorized) as wrong:
        dispatch(c.SignIn(name="s1-owner", password="guess"))
    assert unknown.value.en == wrong.value.en


def test_a_login_link_opens_one_session_within_ten_minutes(dispatch: Dispatcher, wall: ManualClock) -> None:
    link = dispatch(c.IssueLoginLink(actor=INTEGRATION, buyer="b1"))
    session = dispatch(c.RedeemLoginLink(token=link.token))
    assert dispatch(q.AuthenticateSession(token=session.token)) == Actor(Role.BUYER, "b1")
    with pytest.raises(errors.LinkUsed):
        dispatch(c.RedeemLoginLink(token=link.token))
    late = dispatch(c.IssueLoginLink(actor=INTEGRATION, buyer="b1"))
    wall.set(NOW + timedelta(minutes=10))
    with pytest.raises(errors.LinkUsed):
        dispatch(c.RedeemLoginLink(token=late.token))


def test_only_the_order_system_or_an_operator_issues_links(dispatch: Dispatcher) -> None:
    for role in (Role.BUYER, Role.SELLER, Role.AGENT):
        with pytest.raises(errors.Forbidden):
            dispatch(c.IssueLoginLink(actor=Actor(role, "x"), buyer="b1"))


def test_sessions_links_and_api_tokens_do_not_stand_in_for_each_other(dispatch: Dispatcher) -> None:
    link = dispatch(c.IssueLoginLink(actor=INTEGRATION, buyer="b1"))
    with pytest.raises(errors.Unauthorized):
        dispatch(q.AuthenticateSession(token=link.token))
    session = dispatch(c.SignIn(name="s1-owner", password=PASSWORD))
    with pytest.raises(errors.Unauthorized):
        dispatch(q.Authenticate(token=session.token))
    api = dispatch(c.IssueToken(actor=OPERATOR, role="seller", subject="s1"))
    with pytest.raises(errors.Unauthorized):
        dispatch(q.AuthenticateSession(token=api.token))
    assert [t.kind for t in dispatch(q.ListTokens(actor=OPERATOR)).items] == ["api"]


def test_signing_out_everywhere_ends_every_session_of_the_user(dispatch: Dispatcher, wall: ManualClock) -> None:
    one, two = (dispatch(c.SignIn(name="s1-owner", password=PASSWORD)) for _ in range(2))
    assert dispatch(c.SignOut(token=one.token)) == 1
    with pytest.raises(errors.Unauthorized):
        dispatch(q.AuthenticateSession(token=one.token))
    assert dispatch(q.AuthenticateSession(token=two.token)).id == "s1"
    three = dispatch(c.SignIn(name="s1-owner", password=PASSWORD))
    assert dispatch(c.SignOut(token=three.token, everywhere=True)) == 2
    for s in (two, three):
        with pytest.raises(errors.Unauthorized):
            dispatch(q.AuthenticateSession(token=s.token))
    late = dispatch(c.SignIn(name="s1-owner", password=PASSWORD))
    wall.set(NOW + timedelta(hours=12))
    with pytest.raises(errors.Unauthorized):
        dispatch(q.AuthenticateSession(token=late.token))


@pytest.mark.parametrize(("actor", "role", "store", "error"), [
    (Actor(Role.SELLER, "s1", staff="s1-owner", team_role="owner"), "owner", "s1", errors.Forbidden),
    (Actor(Role.SELLER, "s1", staff="s1-owner", team_role="owner"), "after_sales", "s2", errors.NotFound),
    (Actor(Role.SELLER, "s1", staff="s1-li", team_role="after_sales"), "viewer", "s1", errors.Forbidden),
    (OPERATOR, "after_sales", None, errors.ValidationFailed),
    (OPERATOR, "agent", "s1", errors.ValidationFailed),
    (OPERATOR, "king", None, errors.ValidationFailed),
    (OPERATOR, "owner", "nowhere", errors.NotFound),
])
def test_who_may_add_whom(dispatch: Dispatcher, actor: Actor, role: str, store: str | None,
                          error: type[Exception]) -> None:
    with pytest.raises(error):
        dispatch(c.AddUser(actor=actor, name="new", role=role, store_id=store, password=PASSWORD))


def test_names_and_passwords_are_checked(dispatch: Dispatcher) -> None:
    for name, password in (("s1-owner", PASSWORD), ("has space", PASSWORD), ("", PASSWORD), ("ok", "short")):
        with pytest.raises(errors.ValidationFailed):
            dispatch(c.AddUser(actor=OPERATOR, name=name, role="agent", password=password))


def test_an_owner_sees_their_team_and_a_viewer_may_not_act(dispatch: Dispatcher) -> None:
    owner = Actor(Role.SELLER, "s1", staff="s1-owner", team_role="owner")
    dispatch(c.AddUser(actor=owner, name="s1-view", role="viewer", store_id="s1", password=PASSWORD))
    assert [u.name for u in dispatch(q.StoreTeam(actor=owner, store_id="s1"))] == ["s1-owner", "s1-view"]
    viewer = dispatch(q.AuthenticateSession(token=dispatch(c.SignIn(name="s1-view", password=PASSWORD)).token))
    with pytest.raises(errors.Forbidden):
        dispatch(q.StoreTeam(actor=viewer, store_id="s1"))


def test_a_buyer_lists_their_own_orders_only(dispatch: Dispatcher) -> None:
    page = dispatch(q.ListOrders(actor=Actor(Role.BUYER, "b1")))
    assert all(o.buyer_id == "b1" for o in page.items)
    with pytest.raises(errors.Forbidden):
        dispatch(q.ListOrders(actor=Actor(Role.SELLER, "s1")))
