"""Quick phrases (快捷短语): a store keeps its own for its team, the platform its own for the
agents, and both insert them in messages and refusals instead of typing the same words again."""

from __future__ import annotations

from aftersales.domain import access, errors
from aftersales.domain.model import Role
from aftersales.services import commands as c
from aftersales.services import queries as q
from aftersales.services.deps import Deps
from aftersales.services.ports import UnitOfWork
from aftersales.services.values import Phrase

MAX_PHRASES = 50  # a list to pick from, not a library
MAX_LENGTH = 500


def phrases(query: q.Phrases, uow: UnitOfWork, deps: Deps) -> list[Phrase]:
    """The phrases the actor inserts: their store's, or the platform's (none for a buyer)."""
    uses, store_id = access.phrase_scope(query.actor)
    if not uses:
        return []
    with uow.read():
        return uow.phrases.of(store_id)


def add_phrase(cmd: c.AddPhrase, uow: UnitOfWork, deps: Deps) -> Phrase:
    store_id = None if cmd.platform or cmd.actor.role is not Role.SELLER else cmd.actor.id
    access.manage_phrases(cmd.actor, store_id)
    text = " ".join(cmd.text.split())
    if not 1 <= len(text) <= MAX_LENGTH:
        raise errors.ValidationFailed(f"a quick phrase has 1 to {MAX_LENGTH} characters",
                                      f"快捷短语须为 1 到 {MAX_LENGTH} 个字符", field="text")
    with uow.transaction():
        kept = uow.phrases.of(store_id)
        if len(kept) >= MAX_PHRASES:
            raise errors.ValidationFailed(f"at most {MAX_PHRASES} quick phrases; remove one first",
                                          f"快捷短语最多 {MAX_PHRASES} 条,请先删除一条", field="text")
        if any(p.text == text for p in kept):
            raise errors.ValidationFailed("that quick phrase is already there", "该快捷短语已存在", field="text")
        return uow.phrases.add(store_id, text, cmd.actor.staff or cmd.actor.id, deps.clock.now())


def remove_phrase(cmd: c.RemovePhrase, uow: UnitOfWork, deps: Deps) -> None:
    """Another's phrase is not found, as another party's object always is."""
    with uow.transaction():
        found = uow.phrases.get(cmd.phrase_id)
        uses, scope = access.phrase_scope(cmd.actor)
        if found is None or not uses or found.store_id != scope:
            raise errors.NotFound("no such quick phrase", "快捷短语不存在")
        access.manage_phrases(cmd.actor, found.store_id)
        uow.phrases.remove(found.id)
