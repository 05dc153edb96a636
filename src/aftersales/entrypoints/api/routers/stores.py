"""Stores and their own after-sales policies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from aftersales.domain import errors
from aftersales.domain import store_policy as store_policies
from aftersales.domain.errors import InvalidPolicy
from aftersales.domain.stores import Store, StorePolicy
from aftersales.entrypoints.api.deps import Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS
from aftersales.entrypoints.schemas.requests import StoreIn, StorePolicyIn
from aftersales.entrypoints.schemas.responses import StoreOut, StorePolicyOut
from aftersales.services import commands as c
from aftersales.services import queries as q

router = APIRouter(tags=["orders"])


@router.post(f"{API}/stores", response_model=StoreOut, status_code=201, operation_id="store_upsert",
             responses={200: {"model": StoreOut, "description": "Updated"}, **WRITE_ERRORS})
async def store_upsert(body: StoreIn, actor: Who, request: Request, response: Response) -> Any:
    """Create a store (201) or update its name and return address (200)."""
    sys = system_of(request)
    command = body.command(actor)

    def render(created: bool) -> Reply:
        return Reply(StoreOut.from_store(command.store), 201 if created else 200)

    return await off_loop(write, sys, request, actor, body, command, render, response)


@router.get(f"{API}/stores/{{store_id}}", response_model=StoreOut, responses=READ_ERRORS, operation_id="store_get")
async def store_get(store_id: str, actor: Who, request: Request) -> StoreOut:
    sys = system_of(request)
    store: Store = await off_loop(sys.dispatch, q.GetStore(actor=actor, store_id=store_id))
    return StoreOut.from_store(store)


def policy_from(store_id: str, body: StorePolicyIn) -> StorePolicy:
    try:
        return store_policies.parse({"store": store_id, "clauses": body.clauses})
    except InvalidPolicy as exc:
        raise errors.ValidationFailed(str(exc), f"店铺售后政策无效:{exc}", field="clauses") from exc


@router.put(f"{API}/stores/{{store_id}}/policy", response_model=StorePolicyOut, responses=WRITE_ERRORS,
            operation_id="store_policy_set")
async def store_policy_set(store_id: str, body: StorePolicyIn, actor: Who, request: Request) -> StorePolicyOut:
    sys = system_of(request)
    policy = policy_from(store_id, body)
    findings = await off_loop(sys.dispatch, c.SetStorePolicy(actor=actor, store_id=store_id, policy=policy))
    return StorePolicyOut.from_policy(store_id, policy, findings)


@router.get(f"{API}/stores/{{store_id}}/policy", response_model=StorePolicyOut, responses=READ_ERRORS,
            operation_id="store_policy_get")
async def store_policy_get(store_id: str, actor: Who, request: Request) -> StorePolicyOut:
    """The store's policy with each clause's finding; seen by whoever may see the store."""
    sys = system_of(request)
    policy, findings = await off_loop(sys.dispatch, q.GetStorePolicy(actor=actor, store_id=store_id))
    return StorePolicyOut.from_policy(store_id, policy, findings)


@router.post(f"{API}/policy/lint", response_model=StorePolicyOut, responses=WRITE_ERRORS,
             operation_id="store_policy_lint")
async def store_policy_lint(body: StorePolicyIn, actor: Who, request: Request) -> StorePolicyOut:
    """Lint clauses without storing them: which stand, which apply, which are void and why."""
    sys = system_of(request)
    policy = policy_from("draft", body)
    findings = await off_loop(sys.dispatch, q.LintPolicy(actor=actor, policy=policy))
    return StorePolicyOut.from_policy("draft", policy, findings)

