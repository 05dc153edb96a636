"""The REST API of DESIGN 3.6 (FastAPI).

Handlers are thin: authenticate, parse, call one service, render. Every POST
honours ``Idempotency-Key`` (the stored response is replayed; the same key with
another body is 422); every POST that changes a case (actions, messages, evidence)
honours ``If-Match`` (412 on a stale version).
"""

# No ``from __future__ import annotations`` here: FastAPI reads the handlers'
# annotations at runtime, and several name types local to ``create_app``.

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import anyio.to_thread
from fastapi import Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from aftersales.adapters import ids
from aftersales.adapters.clocks import ClockMovedBackwards
from aftersales.adapters.db.sql import SqlUnitOfWork, StoredResponse
from aftersales.bootstrap import System
from aftersales.domain import errors
from aftersales.domain import store_policy as store_policies
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.evidence import MAX_BYTES
from aftersales.domain.model import Actor, Role, Status
from aftersales.domain.money import format_fen
from aftersales.domain.store_policy import StorePolicy
from aftersales.entrypoints import schemas as s
from aftersales.entrypoints.api import problems
from aftersales.entrypoints.api.problems import IdempotencyConflict, Unauthorized
from aftersales.services import handlers as svc

API = "/api/v1"
TOKEN_CACHE_SECONDS = 60.0
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": s.Problem, "content": {problems.PROBLEM_JSON: {}}} for code in (401, 403, 404, 409, 412, 422)
}


def token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 cannot be brute-forced; a slow
    # password hash (argon2) would only cost every request a few milliseconds.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(uow: SqlUnitOfWork, role: str, subject: str) -> str:
    token = f"as_{role[:3]}_{secrets.token_urlsafe(32)}"
    with uow.transaction():
        uow.tokens.create(token_hash(token), role, subject)
    return token


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status_code=status,
                    media_type="application/json", headers=headers)


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    """The version a client expects; None for no precondition (absent or ``*``)."""
    if value is None or value.strip() == "*":
        return None
    v = value.strip()
    if v.startswith("W/"):
        v = v[2:]
    v = v.strip('"')
    if not v.isdigit():
        raise errors.VersionConflict(f"If-Match {value!r} names no version of this case", "If-Match 无效")
    return int(v)


def encode_cursor(n: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": n}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)["k"]
        if not isinstance(value, int):
            raise ValueError
        return value
    except (ValueError, KeyError, TypeError) as exc:
        raise errors.ValidationFailed("cursor is not one this API gave out", "cursor 无效", field="cursor") from exc


def create_app(system: System, *, run_worker: bool = False) -> FastAPI:
    pack = system.deps.pack

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        # Handlers run in a thread pool. On SQLite writers queue on one lock anyway, and
        # 8 threads served 10-15% more requests than anyio's 40 with half the p99
        # (docs/performance.md); PostgreSQL keeps the default for real concurrency.
        threads = os.environ.get("AFTERSALES_THREADS") or ("8" if system.db.is_sqlite else None)
        if threads:
            anyio.to_thread.current_default_thread_limiter().total_tokens = int(threads)
        worker = None
        if run_worker:
            from aftersales.entrypoints.worker import Worker

            worker = Worker(system, name="serve")
            worker.start_thread()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = FastAPI(
        title="Aftersales API",
        version="1",
        summary="After-sales service and dispute resolution for online marketplaces (售后服务与维权平台)",
        lifespan=lifespan,
    )
    problems.install(app)

    # --- dependencies ---

    # Valid tokens seen lately, by hash: saves every request a database read. A token
    # revoked in the database stops working within TOKEN_CACHE_SECONDS; unknown tokens
    # are never cached, so a new one works at once.
    known: dict[str, tuple[Actor, float]] = {}

    def principal(authorization: Annotated[str | None, Header()] = None) -> Actor:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthorized("send Authorization: Bearer <token>", "请提供访问令牌")
        token = authorization[7:].strip()
        admin = system.settings.admin_token
        if admin and hmac.compare_digest(token.encode(), admin.encode()):
            return Actor(Role.OPERATOR, "admin")
        digest = token_hash(token)
        hit = known.get(digest)
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        uow = system.uow()
        with uow.read():
            found = uow.tokens.lookup(digest)
        if found is None:
            raise Unauthorized("the token is not valid", "访问令牌无效")
        actor = Actor(Role(found[0]), found[1])
        if len(known) > 10_000:
            known.clear()
        known[digest] = (actor, time.monotonic() + TOKEN_CACHE_SECONDS)
        return actor

    # async: it runs in the request's own context, so the zone it sets is seen by the
    # handler (a sync dependency runs in a copied context and its setting would be lost).
    async def zone(
        tz: Annotated[str | None, Query(description="IANA zone for the times in the answer")] = None,
        time_zone: Annotated[str | None, Header(alias="Time-Zone")] = None,
    ) -> None:
        name = tz or time_zone
        if name:
            try:
                s.display_zone.set(ZoneInfo(name))
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise errors.ValidationFailed(f"unknown time zone {name!r}", "未知时区", field="tz") from exc
        else:
            s.display_zone.set(None)

    Who = Annotated[Actor, Depends(principal)]
    TZ = Depends(zone)

    def now() -> datetime:
        return system.clock.now()

    def write(
        request: Request, actor: Actor, payload: Any, fn: Callable[[SqlUnitOfWork], Response]
    ) -> Response:
        """Run a state-changing handler, honouring Idempotency-Key.

        With a key, the lookup, the change and the stored response are one
        transaction; a refused request is stored too (in the same transaction,
        after its own changes were rolled back to a savepoint), so a retry gets the
        same answer.
        """
        key = request.headers.get("idempotency-key")
        uow = system.uow()
        if key is None:
            response = fn(uow)
            system.wake.set()
            return response
        if not 1 <= len(key) <= 255:
            raise errors.ValidationFailed("Idempotency-Key must be 1 to 255 characters", "Idempotency-Key 长度无效",
                                          field="Idempotency-Key")
        principal_key = f"{actor.role.value}:{actor.id}"
        canonical = json.dumps([request.method, request.url.path, payload], sort_keys=True, default=str)
        fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
        for attempt in range(2):
            try:
                with uow.transaction():
                    stored = uow.idempotency.get(principal_key, key)
                    if stored is not None:
                        if stored.fingerprint != fingerprint:
                            raise IdempotencyConflict(
                                "this Idempotency-Key was used with a different request",
                                "该 Idempotency-Key 已用于另一个请求",
                            )
                        return Response(stored.body, status_code=stored.status_code,
                                        headers={**stored.headers, "Idempotent-Replayed": "true"})
                    try:
                        with uow.savepoint():
                            response = fn(uow)
                    except errors.DomainError as exc:
                        response = problems.from_domain(exc, request)
                    keep = {k: v for k, v in response.headers.items() if k.lower() in ("etag", "location",
                                                                                          "content-type")}
                    uow.idempotency.put(principal_key, key, StoredResponse(
                        fingerprint, response.status_code, bytes(response.body), keep))
                system.wake.set()
                return response
            except IntegrityError:
                # A concurrent request with the same key committed first (PostgreSQL);
                # go round once more and replay what it stored.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def case_response(case: Any, actor: Actor, status: int = 200, location: bool = False) -> Response:
        headers = {"ETag": etag(case.version)}
        if location:
            headers["Location"] = f"{API}/cases/{case.id}"
        return json_response(s.case_view(case, pack, actor.role), status, headers)

    # --- health and the test clock ---

    @app.get("/healthz", response_model=s.Health, tags=["system"], operation_id="healthz")
    def healthz() -> Response:
        with system.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return json_response({"status": "ok"})

    def require_test_clock() -> Any:
        clock = system.test_clock
        if clock is None:
            raise errors.NotFound("test clocks are off (set AFTERSALES_CLOCK=test)", "测试时钟未启用")
        return clock

    @app.get(f"{API}/test-clock", response_model=s.ClockOut, responses=ERRORS, tags=["system"],
             operation_id="test_clock_get", dependencies=[TZ])
    def test_clock_get(actor: Who) -> Response:
        clock = require_test_clock()
        stored = clock.stored()
        return json_response({"now": s.iso(stored or datetime.now(UTC), pack), "set": stored is not None})

    @app.post(f"{API}/test-clock", response_model=s.ClockOut, responses=ERRORS, tags=["system"],
              operation_id="test_clock_set", dependencies=[TZ])
    def test_clock_set(body: s.ClockIn, actor: Who, request: Request) -> Response:
        clock = require_test_clock()
        if actor.role is not Role.OPERATOR:
            raise errors.Forbidden("only an operator sets the test clock", "只有运营可以设置测试时钟")

        def run(uow: SqlUnitOfWork) -> Response:
            try:
                clock.set(body.now)
            except ClockMovedBackwards as exc:
                return problems.problem(409, "clock_moved_backwards", str(exc), instance=request.url.path)
            return json_response({"now": s.iso(body.now, pack), "set": True})

        return write(request, actor, body.model_dump(mode="json"), run)

    # --- tokens, stores, orders ---

    @app.post(f"{API}/tokens", response_model=s.TokenOut, status_code=201, responses=ERRORS, tags=["auth"],
              operation_id="token_create")
    def token_create(body: s.TokenIn, actor: Who, request: Request) -> Response:
        if actor.role is not Role.OPERATOR:
            raise errors.Forbidden("only an operator issues tokens", "只有运营可以签发令牌")

        def run(uow: SqlUnitOfWork) -> Response:
            token = issue_token(uow, body.role, body.subject)
            return json_response({"token": token, "role": body.role, "subject": body.subject}, 201)

        return write(request, actor, body.model_dump(mode="json"), run)

    @app.post(f"{API}/stores", response_model=s.StoreOut, status_code=201, responses=ERRORS, tags=["orders"],
              operation_id="store_upsert")
    def store_upsert(body: s.StoreIn, actor: Who, request: Request) -> Response:
        def run(uow: SqlUnitOfWork) -> Response:
            store = body.to_domain()
            created = svc.upsert_store(uow, actor, store)
            return json_response({"id": store.id, "name": store.name, "return_address": store.return_address},
                                 201 if created else 200)

        return write(request, actor, body.model_dump(mode="json"), run)

    @app.get(f"{API}/stores/{{store_id}}", response_model=s.StoreOut, responses=ERRORS, tags=["orders"],
             operation_id="store_get")
    def store_get(store_id: str, actor: Who) -> Response:
        uow = system.uow()
        with uow.read():
            store = uow.stores.get(store_id)
        visible = actor.role in (Role.OPERATOR, Role.INTEGRATION, Role.AGENT) or (
            actor.role is Role.SELLER and actor.id == store_id)
        if store is None or not visible:
            raise errors.NotFound("no such store", "店铺不存在")
        return json_response({"id": store.id, "name": store.name, "return_address": store.return_address})

    def policy_from(store_id: str, body: s.StorePolicyIn) -> StorePolicy:
        try:
            return StorePolicy.from_dict({"store": store_id, "clauses": body.clauses})
        except InvalidPolicy as exc:
            raise errors.ValidationFailed(str(exc), f"店铺售后政策无效:{exc}", field="clauses") from exc

    def policy_response(policy: StorePolicy | None, store_id: str, findings: list[Any]) -> Response:
        return json_response({"store": store_id, "clauses": policy.as_dict()["clauses"] if policy else [],
                              "findings": [f.as_dict() for f in findings]})

    @app.put(f"{API}/stores/{{store_id}}/policy", response_model=s.StorePolicyOut, responses=ERRORS,
             tags=["orders"], operation_id="store_policy_set")
    def store_policy_set(store_id: str, body: s.StorePolicyIn, actor: Who) -> Response:
        policy = policy_from(store_id, body)
        findings = svc.set_store_policy(system.uow(), system.deps, actor, store_id, policy)
        return policy_response(policy, store_id, findings)

    @app.get(f"{API}/stores/{{store_id}}/policy", response_model=s.StorePolicyOut, responses=ERRORS,
             tags=["orders"], operation_id="store_policy_get")
    def store_policy_get(store_id: str, actor: Who) -> Response:
        uow = system.uow()
        with uow.read():
            store = uow.stores.get(store_id)
        if store is None:
            raise errors.NotFound("no such store", "店铺不存在")
        findings = store_policies.lint(store.policy, pack) if store.policy else []
        return policy_response(store.policy, store_id, findings)

    @app.post(f"{API}/policy/lint", response_model=s.StorePolicyOut, responses=ERRORS, tags=["orders"],
              operation_id="store_policy_lint")
    def store_policy_lint(body: s.StorePolicyIn, actor: Who) -> Response:
        """Lint clauses without storing them: which stand, which apply, which are void and why."""
        policy = policy_from("draft", body)
        return policy_response(policy, "draft", store_policies.lint(policy, pack))

    @app.post(f"{API}/orders", response_model=s.OrderOut, status_code=201, responses=ERRORS, tags=["orders"],
              operation_id="order_upsert", dependencies=[TZ])
    def order_upsert(body: s.OrderIn, actor: Who, request: Request) -> Response:
        def run(uow: SqlUnitOfWork) -> Response:
            order = body.to_domain()
            created = svc.upsert_order(uow, actor, order)
            return json_response(s.order_view(order, pack), 201 if created else 200)

        return write(request, actor, body.model_dump(mode="json"), run)

    @app.get(f"{API}/orders/{{order_id}}", response_model=s.OrderOut, responses=ERRORS, tags=["orders"],
             operation_id="order_get", dependencies=[TZ])
    def order_get(order_id: str, actor: Who) -> Response:
        uow = system.uow()
        with uow.read():
            order = uow.orders.get(order_id)
        if order is None or not svc.can_see_order(actor, order):
            raise errors.NotFound("no such order", "订单不存在")
        return json_response(s.order_view(order, pack))

    @app.get(f"{API}/orders/{{order_id}}/lines/{{line_id}}/eligibility", response_model=s.EligibilityOut,
             responses=ERRORS, tags=["cases"], operation_id="line_eligibility", dependencies=[TZ])
    def line_eligibility(
        order_id: str, line_id: str, actor: Who,
        at: Annotated[datetime | None, Query(description="ask as of this instant (default: now)")] = None,
    ) -> Response:
        if at is not None and at.tzinfo is None:
            raise errors.ValidationFailed("at needs an offset, like 2026-03-04T09:00:00+08:00", "时间需带时区",
                                          field="at")
        when = at or now()
        opts = svc.line_options(system.uow(), system.deps, actor, order_id, line_id, when)
        return json_response({"order_id": order_id, "line_id": line_id, "at": s.iso(when, pack),
                              "options": [s.option_view(o, pack) for o in opts]})

    @app.post(f"{API}/orders/{{order_id}}/lines/{{line_id}}/reopen", response_model=s.ReopeningOut,
              status_code=201, responses=ERRORS, tags=["cases"], operation_id="line_reopen", dependencies=[TZ])
    def line_reopen(order_id: str, line_id: str, body: s.ReopenIn, actor: Who, request: Request) -> Response:
        """After review, reopen a line's closed windows for N days (one more after-sale claim)."""
        at = now()

        def run(uow: SqlUnitOfWork) -> Response:
            grant = svc.reopen_line(uow, system.deps, actor, order_id, line_id, body.days, body.note, at)
            return json_response(s.reopening_view(grant, pack), 201)

        return write(request, actor, body.model_dump(mode="json"), run)

    @app.get(f"{API}/orders/{{order_id}}/lines/{{line_id}}/reopenings", response_model=s.ReopeningList,
             responses=ERRORS, tags=["cases"], operation_id="line_reopenings", dependencies=[TZ])
    def line_reopenings(order_id: str, line_id: str, actor: Who) -> Response:
        uow = system.uow()
        with uow.read():
            order = uow.orders.get(order_id)
            if order is None or order.line(line_id) is None or not svc.can_see_order(actor, order):
                raise errors.NotFound("no such order line", "订单商品不存在")
            grants = uow.reopenings.for_line(order_id, line_id)
        return json_response({"data": [s.reopening_view(g, pack) for g in grants], "has_more": False,
                              "next_cursor": None})

    # --- cases ---

    @app.post(f"{API}/cases", response_model=s.CaseOut, status_code=201, responses=ERRORS, tags=["cases"],
              operation_id="case_open", dependencies=[TZ])
    def case_open(body: s.CaseOpenIn, actor: Who, request: Request) -> Response:
        at = now()

        def run(uow: SqlUnitOfWork) -> Response:
            case = svc.open_case(uow, system.deps, actor, body.order_id, body.line_id, body.type, body.reason,
                                 s.fen(body.amount), at, body.description, tuple(body.evidence_ids))
            return case_response(case, actor, 201, location=True)

        return write(request, actor, body.model_dump(mode="json"), run)

    @app.get(f"{API}/cases", response_model=s.CaseList, responses=ERRORS, tags=["cases"], operation_id="case_list",
             dependencies=[TZ])
    def case_list(
        actor: Who,
        status: Annotated[Status | None, Query()] = None,
        store: Annotated[str | None, Query(max_length=64)] = None,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> Response:
        before = decode_cursor(cursor)
        buyer = None
        if actor.role is Role.BUYER:
            buyer = actor.id
        elif actor.role is Role.SELLER:
            if store is not None and store != actor.id:
                raise errors.Forbidden("a seller lists its own store's cases only", "卖家只能查看本店售后单")
            store = actor.id
        uow = system.uow()
        with uow.read():
            rows = uow.cases.page(before_seq=before, limit=limit + 1, status=status.value if status else None,
                                  store_id=store, buyer_id=buyer)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = encode_cursor(page[-1][0]) if more else None
        headers = {"Link": f'<{API}/cases?cursor={next_cursor}&limit={limit}>; rel="next"'} if next_cursor else None
        return json_response({"data": [s.case_view(c, pack, actor.role) for _, c in page], "has_more": more,
                              "next_cursor": next_cursor}, headers=headers)

    @app.get(f"{API}/cases/{{case_id}}", response_model=s.CaseOut, responses=ERRORS, tags=["cases"],
             operation_id="case_get", dependencies=[TZ])
    def case_get(case_id: str, actor: Who) -> Response:
        return case_response(svc.get_case(system.uow(), actor, case_id), actor)

    @app.get(f"{API}/cases/{{case_id}}/events", response_model=s.EventList, responses=ERRORS, tags=["cases"],
             operation_id="case_events", dependencies=[TZ])
    def case_events(
        case_id: str, actor: Who,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 100,
    ) -> Response:
        after = decode_cursor(cursor) or 0
        uow = system.uow()
        svc.get_case(uow, actor, case_id)
        with uow.read():
            events = uow.cases.events(case_id, after, limit + 1)
        page, more = events[:limit], len(events) > limit
        return json_response({"data": [s.event_view(e, pack) for e in page], "has_more": more,
                              "next_cursor": encode_cursor(page[-1].seq) if more else None})

    def add_action_route(action: str, body_model: type[s.Strict]) -> None:
        def handler(case_id: str, body: Any, actor: Actor, request: Request, if_match: str | None) -> Response:
            at = now()

            def run(uow: SqlUnitOfWork) -> Response:
                expected = parse_if_match(if_match)
                case = svc.act(uow, system.deps, actor, case_id, action, at, body.params(), expected)
                return case_response(case, actor)

            return write(request, actor, {"body": body.model_dump(mode="json"), "if_match": if_match}, run)

        if any(f.is_required() for f in body_model.model_fields.values()):
            # refuse, ship_return, rule …: a body is required, and FastAPI says so with a 422.
            def endpoint(
                case_id: str,
                actor: Who,
                request: Request,
                body: body_model,  # type: ignore[valid-type]
                if_match: Annotated[str | None, Header(alias="If-Match")] = None,
            ) -> Response:
                return handler(case_id, body, actor, request, if_match)
        else:
            def endpoint(  # type: ignore[misc]  # agree, withdraw …: the body (a note, evidence) is optional
                case_id: str,
                actor: Who,
                request: Request,
                body: body_model | None = None,  # type: ignore[valid-type]
                if_match: Annotated[str | None, Header(alias="If-Match")] = None,
            ) -> Response:
                return handler(case_id, body if body is not None else body_model(), actor, request, if_match)

        app.post(
            f"{API}/cases/{{case_id}}/{action}", response_model=s.CaseOut, responses=ERRORS, tags=["actions"],
            operation_id=f"case_{action}", name=f"case_{action}", dependencies=[TZ],
            summary=action.replace("_", " "),
        )(endpoint)

    from aftersales.domain.case import PUBLIC_ACTIONS

    for action in PUBLIC_ACTIONS:
        add_action_route(action, s.ACTION_BODIES[action])

    # --- evidence and messages ---

    def read_upload(file: UploadFile) -> bytes:
        data = file.file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise errors.ValidationFailed("the file is larger than 10 MB", "文件超过 10 MB", field="file")
        return data

    @app.post(f"{API}/evidence", response_model=s.EvidenceOut, status_code=201, responses=ERRORS,
              tags=["evidence"], operation_id="evidence_upload", dependencies=[TZ])
    def evidence_upload(
        actor: Who, request: Request, file: Annotated[UploadFile, File()], kind: Annotated[str, Form()],
    ) -> Response:
        data = read_upload(file)
        at = now()

        def run(uow: SqlUnitOfWork) -> Response:
            item = svc.upload_evidence(uow, actor, kind, data, file.filename, ids.new_id("ev"), at)
            return json_response(s.evidence_view(item, pack), 201)

        return write(request, actor, {"kind": kind, "sha256": hashlib.sha256(data).hexdigest()}, run)

    @app.post(f"{API}/cases/{{case_id}}/evidence", response_model=s.EvidenceOut, status_code=201,
              responses=ERRORS, tags=["evidence"], operation_id="case_evidence_upload", dependencies=[TZ])
    def case_evidence_upload(
        case_id: str, actor: Who, request: Request, file: Annotated[UploadFile, File()],
        kind: Annotated[str, Form()], if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    ) -> Response:
        data = read_upload(file)
        at = now()

        def run(uow: SqlUnitOfWork) -> Response:
            item = svc.attach_evidence(uow, actor, case_id, kind, data, file.filename, ids.new_id("ev"), at,
                                       parse_if_match(if_match))
            return json_response(s.evidence_view(item, pack), 201)

        return write(request, actor, {"kind": kind, "sha256": hashlib.sha256(data).hexdigest()}, run)

    @app.get(f"{API}/cases/{{case_id}}/evidence", response_model=s.EvidenceList, responses=ERRORS,
             tags=["evidence"], operation_id="case_evidence_list", dependencies=[TZ])
    def case_evidence_list(case_id: str, actor: Who) -> Response:
        uow = system.uow()
        svc.get_case(uow, actor, case_id)
        with uow.read():
            items = uow.evidence.for_case(case_id)
        return json_response({"data": [s.evidence_view(e, pack) for e in items], "has_more": False,
                              "next_cursor": None})

    @app.get(f"{API}/evidence/{{evidence_id}}/content", responses={200: {"content": {"*/*": {}}}, **ERRORS},
             tags=["evidence"], operation_id="evidence_content")
    def evidence_content(evidence_id: str, actor: Who) -> Response:
        uow = system.uow()
        with uow.read():
            item = uow.evidence.get(evidence_id)
            data = uow.evidence.content(evidence_id) if item is not None else None
        if item is None or data is None:
            raise errors.NotFound("no such evidence", "凭证不存在")
        if item.case_id is None:
            if item.uploaded_by != actor and actor.role not in (Role.AGENT, Role.OPERATOR):
                raise errors.NotFound("no such evidence", "凭证不存在")
        else:
            svc.get_case(uow, actor, item.case_id)
        return Response(data, media_type=item.content_type, headers={
            "Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff",
            "ETag": f'"{item.sha256}"'})

    @app.post(f"{API}/cases/{{case_id}}/messages", response_model=s.MessageOut, status_code=201,
              responses=ERRORS, tags=["messages"], operation_id="case_message_post", dependencies=[TZ])
    def case_message_post(
        case_id: str, body: s.MessageIn, actor: Who, request: Request,
        if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    ) -> Response:
        at = now()

        def run(uow: SqlUnitOfWork) -> Response:
            msg = svc.post_message(uow, actor, case_id, body.text, at, parse_if_match(if_match))
            return json_response(s.message_view(msg, pack), 201)

        return write(request, actor, body.model_dump(mode="json"), run)

    @app.get(f"{API}/cases/{{case_id}}/messages", response_model=s.MessageList, responses=ERRORS,
             tags=["messages"], operation_id="case_message_list", dependencies=[TZ])
    def case_message_list(
        case_id: str, actor: Who,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 100,
    ) -> Response:
        after = decode_cursor(cursor) or 0
        uow = system.uow()
        svc.get_case(uow, actor, case_id)
        with uow.read():
            msgs = uow.messages.for_case(case_id, after, limit + 1)
        page, more = msgs[:limit], len(msgs) > limit
        return json_response({"data": [s.message_view(m, pack) for m in page], "has_more": more,
                              "next_cursor": encode_cursor(page[-1].id) if more else None})

    # --- the agents' queue ---

    @app.get(f"{API}/interventions", response_model=s.InterventionList, responses=ERRORS, tags=["interventions"],
             operation_id="intervention_list", dependencies=[TZ])
    def intervention_list(
        actor: Who,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ) -> Response:
        if actor.role not in (Role.AGENT, Role.OPERATOR):
            raise errors.Forbidden("the intervention queue is for agents", "介入队列仅供客服查看")
        offset = decode_cursor(cursor) or 0
        uow = system.uow()
        with uow.read():
            cases = uow.cases.in_review()
        at = now()
        items = []
        for c in cases:
            due = svc.sla_due(system.deps, c)
            items.append((not (at >= due), due, c))
        # Breached first, then by how soon the SLA runs out (DESIGN 3.3).
        items.sort(key=lambda x: (x[0], x[1]))
        page = items[offset:offset + limit]
        more = len(items) > offset + limit
        return json_response({
            "data": [
                {"case_id": c.id, "status": c.status.value, "sla_due": s.iso(due, pack), "breached": not ok,
                 "escalated_at": s.iso(c.status_since, pack), "order_id": c.order_id, "line_id": c.line_id,
                 "store_id": c.store_id, "type": c.type.value, "reason": c.reason.value,
                 "amount": format_fen(c.amount)}
                for ok, due, c in page
            ],
            "has_more": more,
            "next_cursor": encode_cursor(offset + limit) if more else None,
        })

    return app

