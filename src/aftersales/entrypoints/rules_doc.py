"""docs/rules.md: every rule id of every pack with its numbers and source, generated from
the packs (``python -m aftersales.entrypoints.rules_doc > docs/rules.md``; a test fails
when the committed file differs)."""

from __future__ import annotations

import sys

from aftersales.adapters import packs
from aftersales.domain.model import REASON_CLASS, CaseType
from aftersales.domain.money import format_fen
from aftersales.domain.policy import EligibilityRule, Pack, TimeoutRule

CLOCK = {"hours": "natural hours", "days": "natural days", "business_days": "business days", "years": "years"}
EVENTS = {"paid_at": "payment", "shipped_at": "shipment", "delivered_at": "delivery", "completed_at": "completion"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _window(rule: EligibilityRule) -> str:
    w = rule.window
    opens = EVENTS[w.opens]
    if w.length is None:
        return f"from {opens} until {EVENTS[w.closes]}"
    start = "00:00 of the day after " if w.start == "next_day" else ""
    text = (f"from {opens} until {start}{EVENTS[w.closes]} + {w.length.amount} {CLOCK[w.length.unit.value]}"
            f" (`{w.length}`)")
    if w.cap:
        text += f", or the line's `{w.cap}` where shorter"
    return text


def _limits(rule: EligibilityRule) -> str:
    parts = [f"{t.value} only within `{d}` of {EVENTS[rule.window.opens]}"
             for t, d in sorted(rule.type_limits.items(), key=lambda x: x[0].value)]
    if rule.phase == "in_sale":
        parts.append("ends at completion")
    if rule.overrides:
        parts.append("replaces " + ", ".join(f"`{o}`" for o in sorted(rule.overrides)) + " where it applies")
    return "; ".join(parts) or "—"


def _reasons(rule: EligibilityRule) -> str:
    classes = ", ".join([*sorted(c.value for c in rule.reason_classes), *sorted(r.value for r in rule.reasons)])
    extra = "; ".join(f"{t.value} only for {', '.join(sorted(r.value for r in rs))}"
                      for t, rs in sorted(rule.reasons_by_type.items(), key=lambda x: x[0].value))
    return classes + (f" ({extra})" if extra else "")


def _categories(rule: EligibilityRule) -> str:
    parts = []
    if rule.only_categories is not None:
        parts.append("only " + ", ".join(sorted(c.value for c in rule.only_categories)))
    if rule.exclude_categories:
        parts.append("excluded: " + ", ".join(sorted(c.value for c in rule.exclude_categories)))
    if rule.optional_categories:
        parts.append("excluded where the buyer waived it at purchase: "
                     + ", ".join(sorted(c.value for c in rule.optional_categories)))
    return "; ".join(parts) or "all"


def _condition(rule: TimeoutRule) -> str:
    parts = []
    if rule.types is not None:
        parts.append(", ".join(sorted(t.value for t in rule.types)))
    if rule.goods is not None:
        parts.append("goods " + ", ".join(sorted(rule.goods)))
    return "; ".join(parts) or "any"


REVIEW_LABELS = {
    "evidence_round": "Evidence round (a party asked for evidence)",
    "negotiation": "Suspension to negotiate (both parties asked)",
    "proceedings_proof": "Proof that a court or the police accepted the dispute",
    "proceedings_limit": "Proven proceedings hold the dispute at most",
    "appeal_window": "Appeal of a ruling",
    "reopening_sla": "Review of a request to reopen a closed window",
    "reopening_window": "A granted reopening keeps the window open",
}


def pack_section(pack: Pack) -> list[str]:
    out = [f"## `{pack.id}` — {pack.text.en} ({pack.text.zh})", ""]
    attempts = (f"{pack.after_sale_attempts} per line, a withdrawn one counts — {pack.sources['after_sale_attempts']}"
                if pack.after_sale_attempts is not None else "no limit")
    out += [
        f"- Time zone: `{pack.zone.key}`; business days: `{pack.calendar}` calendar",
        f"- After-sale claims: {attempts}",
        f"- Platform review SLA: `{pack.intervention_sla}` ({CLOCK[pack.intervention_sla.unit.value]}) — "
        f"{pack.sources['intervention.sla']}. An evidence round or a suspension stops it; when the review goes "
        "on, the SLA gets back the business time it had left, so its due always falls on a workday; while a "
        "suspension runs, nothing but resuming it (and the buyer's withdrawal) acts on the review",
        *(f"- {label}: `{getattr(pack.review, key)}` ({CLOCK[getattr(pack.review, key).unit.value]}) — "
          f"{pack.sources['intervention.' + key]}" for key, label in REVIEW_LABELS.items()),
        f"- Return-fee compensation cap: {format_fen(pack.compensation_cap)} — "
        f"{pack.sources['freight.compensation_cap']}",
        f"- Outbound delivery on a buyer-preference return: `{pack.buyer_preference_outbound}` — "
        f"{pack.sources['freight.buyer_preference_outbound']}",
        "",
        "### Eligibility",
        "",
        "| rule | types | reasons | window | limits | categories | source | explanation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in pack.eligibility:
        types = ", ".join(t.value for t in CaseType if t in r.types)
        out.append(f"| `{r.id}` | {types} | {_reasons(r)} | {_window(r)} | {_limits(r)} | {_categories(r)} | "
                   f"{_cell(r.source)} | "
                   f"{_cell(r.text.zh)} / {_cell(r.text.en)} |")
    out += ["", "### Timeouts", "", "| rule | status | when | deadline | clock | on silence | source |",
            "|---|---|---|---|---|---|---|"]
    for t in pack.timeouts:
        out.append(f"| `{t.id}` | {t.status.value} | {_condition(t)} | `{t.after}` | {CLOCK[t.after.unit.value]} | "
                   f"{t.action} | {_cell(t.source)} |")
    out += ["", "### Evidence a claim needs", "",
            "| rule | before | party | reasons | categories | within | one of | source | explanation |",
            "|---|---|---|---|---|---|---|---|---|"]
    for e in pack.evidence_rules:
        cats = ", ".join(sorted(c.value for c in e.categories)) if e.categories is not None else "all"
        out.append(f"| `{e.id}` | {', '.join(sorted(e.actions))} | {e.party} | "
                   f"{', '.join(sorted(r.value for r in e.reasons))} | {cats} | "
                   f"{'`' + str(e.within) + '` of delivery' if e.within else 'any time'} | {', '.join(e.any_of)} | "
                   f"{_cell(e.source)} | {_cell(e.text.zh)} / {_cell(e.text.en)} |")
    evidence = " with evidence of the goods' condition" if pack.not_intact_needs_evidence else ""
    out += ["", "### Refusal reasons", "", "Not intact (不完好), the only reasons a no-reason return may be refused "
            f"at receipt{evidence}:", ""]
    out += [f"- `{r.id}` {r.text.zh} / {r.text.en}" for r in pack.not_intact]
    out += ["", "Common reasons offered to sellers (free text is accepted too):", ""]
    out += [f"- `{r.id}` {r.text.zh} / {r.text.en}" for r in pack.common_refusals]
    return [*out, ""]


def document() -> str:
    lines = [
        "# Rules",
        "",
        "Generated from the policy packs in `src/aftersales/policy/` by "
        "`python -m aftersales.entrypoints.rules_doc > docs/rules.md` (`make docs/rules.md`). "
        "Do not edit by hand: a test fails when this file and the packs disagree.",
        "",
        "Reason classes: " + "; ".join(
            f"{klass}: " + ", ".join(r.value for r, k in REASON_CLASS.items() if k.value == klass)
            for klass in dict.fromkeys(k.value for k in REASON_CLASS.values())) + ".",
        "",
        "A window is the half-open interval [start, deadline). Where the closing event has not "
        "happened yet the window is open with no deadline. An answer's deadline and rule come from "
        "the latest-ending rule that allows the pair.",
        "",
    ]
    for name in packs.available():
        lines += pack_section(packs.load(name))
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(document())
