"""`aftersales orders import FILE`: orders from the order system's export, in bulk, as the API
takes them one by one (the same request model, the same checks, one transaction per order).

JSON lines: one order per line, shaped as `POST /api/v1/orders` takes it. CSV: one row per order
line, the order's columns repeated on each of its rows (`id, store, buyer, paid_at, shipped_at,
delivered_at, completed_at, shipping_fee, line_id, title, category, quantity, paid`, optionally
`no_reason_waived`, `usage_days`). An order already in, unchanged, is skipped, so a rerun after a
fix takes only what was refused; refused rows go to a file beside the input (`NAME.refused.EXT`,
the same format with an `error` column) to correct and import again.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from aftersales.domain import errors
from aftersales.domain.model import Actor, Role

orders_app = typer.Typer(help="Orders from the order system: bulk import.", no_args_is_help=True)

_LINE_COLUMNS = ("line_id", "title", "category", "quantity", "paid", "no_reason_waived", "usage_days")
_ORDER_COLUMNS = ("id", "store", "buyer", "paid_at", "shipped_at", "delivered_at", "completed_at", "shipping_fee",
                  "free_shipping_threshold")


@dataclass
class Entry:
    """One order of the file: its body for the request model, and the rows it came from."""

    body: Any
    rows: list[Any]
    where: str  # "line 3" or "rows 2-4"


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    refused: list[tuple[Entry, str]] = field(default_factory=list)


def read(path: Path) -> Iterator[Entry]:
    """The file's orders, in the order they come (an unreadable row is an entry that will be refused)."""
    if path.suffix.lower() == ".csv":
        yield from _csv(path)
        return
    with path.open(encoding="utf-8") as f:
        for n, text in enumerate(f, start=1):
            if text.strip():
                try:
                    body = json.loads(text)
                except json.JSONDecodeError as exc:
                    body = exc  # refused with its reason, the rest goes on
                yield Entry(body, [text.rstrip("\n")], f"line {n}")


def _csv(path: Path) -> Iterator[Entry]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        grouped.setdefault(row.get("id") or f"?{n}", []).append((n, row))
    for group in grouped.values():
        first = group[0][1]
        body: dict[str, Any] = {k: first[k] for k in _ORDER_COLUMNS if first.get(k)}
        body["lines"] = [{("id" if k == "line_id" else k): row[k] for k in _LINE_COLUMNS if row.get(k)}
                         for _, row in group]
        numbers = [n for n, _ in group]
        where = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {', '.join(map(str, numbers))}"
        yield Entry(body, [row for _, row in group], where)


def take(system: Any, actor: Actor, entry: Entry, summary: Summary) -> None:
    """Import one order: created, updated, skipped (already in as it is) or refused with why."""
    from pydantic import ValidationError

    from aftersales.entrypoints.schemas.requests import OrderIn
    from aftersales.services import queries as q

    if isinstance(entry.body, Exception):
        summary.refused.append((entry, f"not JSON: {entry.body}"))
        return
    try:
        command = OrderIn.model_validate(entry.body).command(actor)
        try:
            known = system.dispatch(q.GetOrder(actor=actor, order_id=command.order.id))
        except errors.NotFound:
            known = None
        if known is not None and dataclasses.replace(command.order, cancelled_at=known.cancelled_at) == known:
            summary.skipped += 1
            return
        created = system.dispatch(command)
    except ValidationError as exc:
        first = exc.errors()[0]
        summary.refused.append((entry, f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"))
        return
    except errors.DomainError as exc:
        summary.refused.append((entry, f"{exc.code}: {exc.en}"))
        return
    if created:
        summary.created += 1
    else:
        summary.updated += 1


def write_refused(path: Path, summary: Summary) -> Path:
    """The refused rows beside the input, in its format, each with its error, to fix and import again."""
    out = path.with_name(f"{path.stem}.refused{path.suffix}")
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            header = list(csv.DictReader(f).fieldnames or [])
        with out.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=[*header, "error"])
            writer.writeheader()
            for entry, why in summary.refused:
                for row in entry.rows:
                    writer.writerow({**row, "error": f"{entry.where}: {why}"})
    else:
        with out.open("w", encoding="utf-8") as f:
            for entry, why in summary.refused:
                f.write(json.dumps({"where": entry.where, "error": why, "row": entry.rows[0]}, ensure_ascii=False)
                        + "\n")
    return out


@orders_app.command("import")
def orders_import(
    file: Annotated[Path, typer.Argument(help="orders as JSON lines (.jsonl) or CSV (.csv, a row per order line)")],
) -> None:
    """Import orders as the API takes them; exit 1 when some were refused (listed in NAME.refused.EXT)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from aftersales.entrypoints.cli import _system

    if not file.is_file():
        typer.echo(f"no file at {file}", err=True)
        raise typer.Exit(2)
    entries = list(read(file))
    system = _system()
    summary, actor = Summary(), Actor(Role.OPERATOR, "cli-import")
    console = Console(stderr=True)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                      transient=True) as progress:
            task = progress.add_task("importing orders", total=len(entries))
            for entry in entries:
                take(system, actor, entry, summary)
                progress.advance(task)
    finally:
        system.close()
    taken = summary.created + summary.updated
    typer.echo(f"{len(entries)} orders read: {taken} taken ({summary.created} new, {summary.updated} updated), "
               f"{summary.skipped} already in, {len(summary.refused)} refused")
    if summary.refused:
        out = write_refused(file, summary)
        for entry, why in summary.refused[:10]:
            typer.echo(f"  {entry.where}: {why}")
        more = len(summary.refused) - 10
        typer.echo(f"  … and {more} more" if more > 0 else "", nl=more > 0)
        typer.echo(f"the refused rows, each with its error: {out}")
        raise typer.Exit(1)
