"""Use cases on cases: open, act, the negotiation (messages, evidence), and what the parties read.

Each is one transaction over the unit of work: load what the change acts on, ask the
pure domain, and hand its outcome to ``record``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import datetime

from aftersales.domain import access, appeals, errors
from aftersales.domain import case as case_engine
from aftersales.domain import evidence as evidence_rules
from aftersales.domain.evidence import EvidenceItem
from aftersales.domain.inputs import CaseRequest, Context
from aftersales.domain.model import Actor, Case, Event, Message, Role
from aftersales.domain.transitions import PUBLIC_ACTIONS
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.files import BlobCorrupt
from aftersales.services.ports import UnitOfWork
from aftersales.services.record import (
    check_evidence,
    context_for,
    evidence_kinds,
    record,
    refunded_elsewhere,
    store_of,
)
from aftersales.services.values import CaseRow, Page, WorkbenchPage


def _open_on_line(uow: UnitOfWork, deps: Deps, actor: Actor, order_id: str, line_id: str, request: CaseRequest,
                  opener: Callable[[str, Actor, datetime, Context, CaseRequest], case_engine.Outcome],
                  at: datetime | None) -> Case:
    """A new case on a buyer's line, opened by ``opener`` (a request, or a request to reopen);
    the evidence it cites must be the buyer's own and is attached to it."""
    when = deps.now(at)
    with uow.transaction():
        order = access.visible_order(actor, uow.orders.get(order_id))
        line = order.line(line_id)
        if line is None:
            raise errors.NotFound("no such order line", "订单商品不存在")
        check_evidence(uow, actor, None, request.evidence_ids)
        ctx = Context(deps.pack, order, line, store_of(uow, order.store_id),
                      uow.cases.line_history(order.id, line.id), deps.calendar, refunded_elsewhere(uow, order, None),
                      evidence=evidence_kinds(uow, None, request.evidence_ids))
        out = opener(deps.new_id("cs"), actor, when, ctx, request)
        record(uow, deps, out)
        if request.evidence_ids:
            uow.evidence.attach(list(request.evidence_ids), out.case.id)
        return out.case


def open_case(cmd: c.OpenCase, uow: UnitOfWork, deps: Deps) -> Case:
    """A buyer opens a case on one of their order lines."""
    return _open_on_line(uow, deps, cmd.actor, cmd.order_id, cmd.line_id, cmd.request, case_engine.open_case, cmd.at)


def request_reopening(cmd: c.RequestReopening, uow: UnitOfWork, deps: Deps) -> Case:
    """A buyer past the window asks the platform to reopen it, with evidence."""
    return _open_on_line(uow, deps, cmd.actor, cmd.order_id, cmd.line_id, cmd.request, appeals.request_reopening,
                         cmd.at)


def appeal_ruling(cmd: c.AppealRuling, uow: UnitOfWork, deps: Deps) -> Case:
    """A party appeals a ruling: the ruled case records it and the appeal opens in review."""
    at = deps.now(cmd.at)
    with uow.transaction():
        original = access.visible_case(cmd.actor, uow.cases.get(cmd.case_id))
        # The appeal is another case on the line: the ruled case's own refund counts against it.
        ctx = dataclasses.replace(context_for(uow, deps, original, "appeal"),
                                  history=uow.cases.line_history(original.order_id, original.line_id))
        marked, opened = appeals.appeal(original, cmd.actor, at, ctx, deps.new_id("cs"), cmd.amount, cmd.note)
        record(uow, deps, opened)
        record(uow, deps, marked, original.version)
        return opened.case


def act(cmd: c.Act, uow: UnitOfWork, deps: Deps) -> Case:
    """A party takes an action of DESIGN 3.2 on a case."""
    if cmd.action not in PUBLIC_ACTIONS:
        raise errors.NotFound(f"no action {cmd.action!r}", f"没有操作 {cmd.action!r}")
    at = deps.now(cmd.at)
    with uow.transaction():
        case = access.visible_case(cmd.actor, uow.cases.get(cmd.case_id))
        ctx = context_for(uow, deps, case, cmd.action, cmd.params.evidence_ids)
        out = case_engine.act(case, cmd.action, cmd.actor, at, ctx, cmd.params, cmd.expected_version)
        ids = cmd.params.evidence_ids
        check_evidence(uow, cmd.actor, case.id, ids)
        record(uow, deps, out, case.version)
        if ids:
            uow.evidence.attach(list(ids), case.id)
        if out.event.action == "reopen_grant":
            uow.reopenings.add(appeals.reopening_granted(out.case, cmd.actor, at, ctx, cmd.params.days))
        return out.case


def preview_action(query: q.PreviewAction, uow: UnitOfWork, deps: Deps) -> Case:
    """What ``act`` would do, computed by the same rules in a read: nothing is written."""
    if query.action not in PUBLIC_ACTIONS:
        raise errors.NotFound(f"no action {query.action!r}", f"没有操作 {query.action!r}")
    with uow.read():
        case = access.visible_case(query.actor, uow.cases.get(query.case_id))
        ctx = context_for(uow, deps, case, query.action)
        return case_engine.act(case, query.action, query.actor, deps.now(), ctx, query.params).case


def post_message(cmd: c.PostMessage, uow: UnitOfWork, deps: Deps) -> Message:
    """A party or an agent writes in the case's negotiation."""
    text = cmd.text.strip()
    if not text:
        raise errors.ValidationFailed("a message needs text", "消息不能为空", field="text")
    at = deps.now(cmd.at)
    if cmd.private:
        access.require(cmd.actor, "private_notes")
        with uow.transaction():
            case = access.visible_case(cmd.actor, uow.cases.get(cmd.case_id))
            # The agents' working notes are not a change of the case: no history event the
            # parties could read, no new version; the notes themselves are append-only.
            note = Message(0, case.id, cmd.actor, text, at, "note")
            return dataclasses.replace(note, id=uow.messages.add(note))
    with uow.transaction():
        case = access.visible_case(cmd.actor, uow.cases.get(cmd.case_id))
        # Stored first for its id; a refusal below rolls it back with the rest.
        msg_id = uow.messages.add(Message(0, case.id, cmd.actor, text, at))
        out = case_engine.note(case, cmd.actor, at, "message", {"message_id": msg_id}, cmd.expected_version)
        record(uow, deps, out, case.version)
        return Message(msg_id, case.id, cmd.actor, text, at)


def _kept(cmd_kind: str, content: bytes, filename: str | None, deps: Deps) -> tuple[str, bytes, bytes | None]:
    """Check a file and make what is kept of it: its type, its bytes (images re-encoded) and an
    image's thumbnail. Slow (decoding): done before any transaction."""
    ctype = evidence_rules.check_file(cmd_kind, content, filename)
    kept = deps.files.inspect(content, ctype)
    return ctype, kept, deps.files.thumbnail(kept, ctype)


def _keep(deps: Deps, kept: bytes, thumb: bytes | None) -> None:
    """Write the bytes to the blob store as the last step of the transaction that records them,
    so a refused upload leaves no blob (and a blob whose row did not commit is an orphan that
    no one can read, named by its hash)."""
    deps.blobs.put(kept)
    if thumb is not None:
        deps.blobs.put(thumb)


def _item(deps: Deps, case_id: str | None, kind: str, ctype: str, kept: bytes, thumb: bytes | None,
          filename: str | None, actor: Actor, at: datetime) -> EvidenceItem:
    return EvidenceItem(deps.new_id("ev"), case_id, kind, hashlib.sha256(kept).hexdigest(), ctype, len(kept),
                        filename, actor, at, hashlib.sha256(thumb).hexdigest() if thumb is not None else None)


def upload_evidence(cmd: c.UploadEvidence, uow: UnitOfWork, deps: Deps) -> EvidenceItem:
    """Upload a file not yet on any case; the action that cites it attaches it."""
    access.require(cmd.actor, "note")
    ctype, kept, thumb = _kept(cmd.kind, cmd.content, cmd.filename, deps)
    item = _item(deps, None, cmd.kind, ctype, kept, thumb, cmd.filename, cmd.actor, deps.now(cmd.at))
    with uow.transaction():
        uow.evidence.add(item)
        _keep(deps, kept, thumb)
    return item


def attach_evidence(cmd: c.AttachEvidence, uow: UnitOfWork, deps: Deps) -> EvidenceItem:
    """Upload one file of evidence to a case (its history records who and which)."""
    files = (c.NewFile(kind=cmd.kind, content=cmd.content, filename=cmd.filename),)
    return attach_files(c.AttachFiles(actor=cmd.actor, case_id=cmd.case_id, files=files,
                                      expected_version=cmd.expected_version, at=cmd.at), uow, deps)[0]


def attach_files(cmd: c.AttachFiles, uow: UnitOfWork, deps: Deps) -> list[EvidenceItem]:
    """Upload up to nine files to a case at once: all of them, or (one refused) none; one
    history event names them all."""
    if not cmd.files:
        raise errors.ValidationFailed("choose a file", "请选择文件", field="file")
    if len(cmd.files) > evidence_rules.MAX_FILES:
        raise errors.BadFile(f"at most {evidence_rules.MAX_FILES} files at once, not {len(cmd.files)}",
                             f"每次最多上传 {evidence_rules.MAX_FILES} 个文件", reason="too_many_files", field="file")
    kept = [(f, *_kept(f.kind, f.content, f.filename, deps)) for f in cmd.files]
    at = deps.now(cmd.at)
    with uow.transaction():
        case = access.visible_case(cmd.actor, uow.cases.get(cmd.case_id))
        items = [_item(deps, case.id, f.kind, ctype, data, thumb, f.filename, cmd.actor, at)
                 for f, ctype, data, thumb in kept]
        first = items[0]
        data: dict[str, object] = {"evidence_id": first.id, "kind": first.kind, "sha256": first.sha256}
        if len(items) > 1:
            data["evidence_ids"] = [i.id for i in items]
        out = case_engine.note(case, cmd.actor, at, "evidence", data, cmd.expected_version)
        for extra in items[1:]:
            out.case.evidence_ids.append(extra.id)
        for item in items:
            uow.evidence.add(item)
        record(uow, deps, out, case.version)
        for _, _, data_, thumb in kept:
            _keep(deps, data_, thumb)
        return items


# --- reads ---


def get_case(query: q.GetCase, uow: UnitOfWork, deps: Deps) -> Case:
    with uow.read():
        return access.visible_case(query.actor, uow.cases.get(query.case_id))


def list_cases(query: q.ListCases, uow: UnitOfWork, deps: Deps) -> Page[Case]:
    buyer, store = access.case_scope(query.actor, query.store)
    with uow.read():
        rows = uow.cases.page(buyer_id=buyer, store_id=store, status=query.status.value if query.status else None,
                              before_seq=query.before, limit=query.limit + 1)
    page = Page.of(rows, query.limit, lambda row: (row[0],))
    return Page([case for _, case in page.items], page.after)


def workbench(query: q.Workbench, uow: UnitOfWork, deps: Deps) -> Page[Case]:
    """A store's own cases only: the store is the actor's (another's does not exist for it)."""
    if query.actor.role is not Role.SELLER:
        raise errors.Forbidden("the workbench is the store's", "工作台仅供店铺使用")
    with uow.read():
        return _waiting_page(uow, query, None)


def _waiting_page(uow: UnitOfWork, query: q.Workbench | q.WorkbenchView, due_by: datetime | None) -> Page[Case]:
    """A page of the store's cases in the statuses asked, the nearest deadline first (keyset)."""
    rows = uow.cases.workbench(store_id=query.actor.id, statuses=[s.value for s in query.statuses],
                               case_type=query.type.value if query.type else None, assignee=query.assignee,
                               order_id=query.order_id, after=query.after, limit=query.limit + 1, due_by=due_by)
    page = Page.of(rows, query.limit, lambda row: (row[1].deadline, row[0]))
    return Page([case for _, case in page.items], page.after)


def workbench_view(query: q.WorkbenchView, uow: UnitOfWork, deps: Deps) -> WorkbenchPage:
    """The store's own cases only; the tabs' counts come from the same read as the rows."""
    actor = query.actor
    if actor.role is not Role.SELLER:
        raise errors.Forbidden("the workbench is the store's", "工作台仅供店铺使用")
    now = deps.clock.now()
    with uow.read():
        counts, overdue = uow.cases.store_counts(actor.id, [s.value for s in q.STORE_TURN], now)
        after: tuple[object, ...] | None = None
        if query.search:
            cases = uow.cases.search(store_id=actor.id, text=query.search, limit=query.limit)
        elif query.statuses and all(s.terminal for s in query.statuses):
            # A finished status has no deadline: newest first, keyset on the sequence number.
            before = int(str(query.after[1])) if query.after else None
            done = uow.cases.page(buyer_id=None, store_id=actor.id, status=query.statuses[0].value,
                                  before_seq=before, limit=query.limit + 1)
            listed = Page.of(done, query.limit, lambda row: (row[1].status_since, row[0]))
            cases, after = [case for _, case in listed.items], listed.after
        else:
            waiting = _waiting_page(uow, query, now if query.overdue else None)
            cases, after = waiting.items, waiting.after
        extra = uow.cases.listed([case.id for case in cases])
    rows = [CaseRow(case, extra[case.id].title, extra[case.id].photo) if case.id in extra
            else CaseRow(case, "", None) for case in cases]
    return WorkbenchPage(rows, after, counts, overdue)


def assign_case(cmd: c.AssignCase, uow: UnitOfWork, deps: Deps) -> Case:
    at = deps.now(cmd.at)
    with uow.transaction():
        case = access.visible_case(cmd.actor, uow.cases.get(cmd.case_id))
        if cmd.assignee is not None:
            member = uow.users.by_name(cmd.assignee)
            if member is None or member.store_id != case.store_id or member.role == "viewer":
                raise errors.ValidationFailed(f"{cmd.assignee!r} is not on the store's team",
                                              f"{cmd.assignee!r} 不是本店可处理售后的成员", field="assignee")
        out = case_engine.assign(case, cmd.actor, at, cmd.assignee, cmd.expected_version)
        record(uow, deps, out, case.version)
        return out.case


def case_events(query: q.CaseEvents, uow: UnitOfWork, deps: Deps) -> Page[Event]:
    with uow.read():
        access.visible_case(query.actor, uow.cases.get(query.case_id))
        events = uow.cases.events(query.case_id, query.after, query.limit + 1)
    return Page.of(events, query.limit, lambda e: (e.seq,))


def case_messages(query: q.CaseMessages, uow: UnitOfWork, deps: Deps) -> Page[Message]:
    with uow.read():
        access.visible_case(query.actor, uow.cases.get(query.case_id))
        msgs = uow.messages.for_case(query.case_id, query.after, query.limit + 1,
                                     notes=query.actor.role in access.CAPABILITIES["private_notes"].roles)
    return Page.of(msgs, query.limit, lambda m: (m.id,))


def case_evidence(query: q.CaseEvidence, uow: UnitOfWork, deps: Deps) -> list[EvidenceItem]:
    with uow.read():
        access.visible_case(query.actor, uow.cases.get(query.case_id))
        return uow.evidence.for_case(query.case_id)


def evidence_content(query: q.EvidenceContent, uow: UnitOfWork, deps: Deps) -> tuple[EvidenceItem, bytes]:
    """A file's bytes (or its thumbnail's), to whoever may see its case, checked against its hash."""
    with uow.read():
        item = uow.evidence.get(query.evidence_id)
        case = uow.cases.get(item.case_id) if item is not None and item.case_id is not None else None
        item = access.visible_evidence(query.actor, item, case)
        stored = uow.evidence.content(item.id)  # uploads from before the blob store
    if query.thumbnail:
        if item.thumb_sha256 is None:
            raise errors.NotFound("this file has no thumbnail", "该文件没有缩略图")
        return item, deps.blobs.get(item.thumb_sha256)
    if stored is not None:
        if hashlib.sha256(stored).hexdigest() != item.sha256:
            raise BlobCorrupt(f"evidence {item.id} does not hash to its recorded sha256")
        return item, stored
    return item, deps.blobs.get(item.sha256)
