"""The dispatcher: the one way from any face to a use case.

Every command and query (``services.commands``, ``services.queries``) has exactly one
handler in ``HANDLERS``; a face builds the value and calls the dispatcher with it. The
dispatcher gives each request a unit of work of its own, or the one it was bound to
(``bound``), so that requests run inside another's transaction join it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from aftersales.services import case_view, cases, identity, order_events, orders, phrases, system, timers, waiting
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.webhooks import handlers as webhooks

R = TypeVar("R")
Handler = Callable[[Any, UnitOfWork, Deps], Any]

HANDLERS: Mapping[type[c.Request[Any]], Handler] = {
    # the order system's data
    c.UpsertStore: orders.upsert_store,
    c.UpsertOrder: orders.upsert_order,
    c.RecordOrderEvent: order_events.record_order_event,
    c.SetStorePolicy: orders.set_store_policy,
    c.ReopenLine: orders.reopen_line,
    q.LintPolicy: orders.lint_policy,
    q.GetStore: orders.get_store,
    q.GetStorePolicy: orders.get_store_policy,
    q.GetOrder: orders.get_order,
    q.ListOrders: orders.list_orders,
    q.LineEligibility: orders.line_eligibility,
    q.LineReopenings: orders.line_reopenings,
    q.LinePage: case_view.line_page,
    # cases
    c.OpenCase: cases.open_case,
    c.Act: cases.act,
    c.AppealRuling: cases.appeal_ruling,
    c.RequestReopening: cases.request_reopening,
    c.PostMessage: cases.post_message,
    c.UploadEvidence: cases.upload_evidence,
    c.AttachEvidence: cases.attach_evidence,
    c.AttachFiles: cases.attach_files,
    q.GetCase: cases.get_case,
    q.ListCases: cases.list_cases,
    q.CaseEvents: cases.case_events,
    q.CasePage: case_view.case_page,
    q.Workbench: cases.workbench,
    q.WorkbenchView: cases.workbench_view,
    c.MarkSeen: waiting.mark_seen,
    q.WaitingFor: waiting.waiting_for,
    q.PreviewAction: cases.preview_action,
    c.AssignCase: cases.assign_case,
    q.CaseMessages: cases.case_messages,
    q.CaseEvidence: cases.case_evidence,
    q.EvidenceContent: cases.evidence_content,
    # deadlines and money
    c.FireDueTimers: timers.fire_due_timers,
    c.FireTimer: timers.fire_timer,
    c.SettlePayouts: timers.settle_payouts,
    c.RunToRest: timers.run_to_rest,
    # the platform
    q.Authenticate: system.authenticate,
    c.IssueToken: system.issue_token,
    c.RevokeToken: system.revoke_token,
    q.ListTokens: system.list_tokens,
    q.InterventionQueue: system.intervention_queue,
    q.OperatorOverview: system.operator_overview,
    q.CasePayouts: system.case_payouts,
    q.GetTestClock: system.get_test_clock,
    c.SetTestClock: system.set_test_clock,
    c.LoadCalendarYear: system.load_calendar_year,
    q.CheckHealth: system.check_health,
    c.PurgeIdempotency: system.purge_idempotency,
    # people
    c.AddUser: identity.add_user,
    c.AddPhrase: phrases.add_phrase,
    c.RemovePhrase: phrases.remove_phrase,
    q.Phrases: phrases.phrases,
    q.StoreTeam: identity.store_team,
    c.SignIn: identity.sign_in,
    q.SignInDelay: identity.sign_in_delay,
    c.IssueLoginLink: identity.issue_login_link,
    c.RedeemLoginLink: identity.redeem_login_link,
    c.SignOut: identity.sign_out,
    q.AuthenticateSession: identity.authenticate_session,
    # what goes out
    **webhooks.HANDLERS,
}

# What follows a history event, by its action ("*": every one), merged from the subdomains';
# ``record`` runs them in the event's transaction (wired through ``Deps.reactions``).
REACTIONS = {**webhooks.REACTIONS}


class Dispatcher:
    """Runs commands and queries: ``dispatch(OpenCase(...))`` answers the new case."""

    def __init__(self, uow: Callable[[], UnitOfWork], deps: Deps) -> None:
        self._uow = uow
        self.deps = deps

    def __call__(self, request: c.Request[R]) -> R:
        uow = self._uow()
        if isinstance(request, c.Idempotent):
            return cast(R, system.run_once(request, uow, self.deps, self._run))
        return cast(R, self._run(request, uow))

    def _run(self, request: c.Request[Any], uow: UnitOfWork) -> Any:
        handler = HANDLERS.get(type(request))
        if handler is None:
            raise TypeError(f"no handler for {type(request).__name__}")
        return handler(request, uow, self.deps)

    def bound(self, uow: UnitOfWork) -> Dispatcher:
        """A dispatcher whose every request runs in ``uow`` (joining its open transaction)."""
        return Dispatcher(lambda: uow, self.deps)
