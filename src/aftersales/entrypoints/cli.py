"""The ``aftersales`` command (DESIGN 3.6): serve, worker, demo, db upgrade, token, scenario run, orders import."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aftersales.domain.model import Actor, Role
from aftersales.entrypoints.order_import import orders_app
from aftersales.services import commands as c

if TYPE_CHECKING:
    from aftersales.bootstrap import System

app = typer.Typer(help="Aftersales: after-sales service and dispute resolution (售后服务与维权平台).",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
scenario_app = typer.Typer(help="Scenario files (DESIGN 3.7).", no_args_is_help=True)
calendar_app = typer.Typer(help="Business calendars: a year's official holidays.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(calendar_app, name="calendar")
policy_app = typer.Typer(help="Store policies (店铺售后政策).", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
user_app = typer.Typer(help="Staff who sign in to the pages: stores' teams, agents, operators.",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")
line_app = typer.Typer(help="Order lines: reopening their after-sale windows.", no_args_is_help=True)
app.add_typer(line_app, name="line")
app.add_typer(scenario_app, name="scenario")
app.add_typer(orders_app, name="orders")


def _logging() -> None:
    logging.basicConfig(level=os.environ.get("AFTERSALES_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _upgrade(url: str) -> None:
    from aftersales.bootstrap import upgrade_database

    # Each migration's name is the operator's business only when they ask (LOG_LEVEL=DEBUG):
    # `make demo` should open on its sign-ins, not on a page of schema history.
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    upgrade_database(url)


def _system() -> System:
    """The system at AFTERSALES_DATABASE_URL for a command that needs its data: refused in words
    where there is no database there, instead of leaving an empty file behind and failing on it."""
    from aftersales.bootstrap import Settings, bootstrap

    url = Settings.from_env().database_url
    hint = "set AFTERSALES_DATABASE_URL (the demo's is sqlite:///demo.db), or create one with `aftersales db upgrade`"
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        typer.echo(f"no database at {url.removeprefix('sqlite:///')}: {hint}", err=True)
        raise typer.Exit(2)
    system = bootstrap()
    if system.schema_missing():
        system.close()
        typer.echo(f"the database at {_redact(url)} has no tables yet: {hint}", err=True)
        raise typer.Exit(2)
    return system


def _cli_operator() -> Actor:
    """Who the command line acts as: whoever may run it on the server is its operator."""
    return Actor(Role.OPERATOR, "cli")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database at AFTERSALES_DATABASE_URL to the newest schema."""
    from aftersales.bootstrap import Settings

    url = Settings.from_env().database_url
    _upgrade(url)
    typer.echo(f"database at {_redact(url)} is up to date")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="do not fire timers in this process")] = False,
    migrate: Annotated[bool, typer.Option(help="upgrade the schema before serving")] = True,
) -> None:
    """Serve the API (and, unless --no-worker, run the timer worker in-process)."""
    import uvicorn

    from aftersales.bootstrap import Settings, bootstrap
    from aftersales.entrypoints.api.app import create_app

    _logging()
    settings = Settings.from_env()
    if migrate:
        _upgrade(settings.database_url)
    system = bootstrap(settings)
    level = os.environ.get("AFTERSALES_LOG_LEVEL", "INFO").upper()
    uvicorn.run(create_app(system, run_worker=not no_worker), host=host, port=port, log_level=level.lower(),
                access_log=logging.getLevelName(level) <= logging.INFO)


@app.command()
def worker() -> None:
    """Fire due timers, settle refunds and send webhooks until stopped (Ctrl-C or SIGTERM)."""
    from aftersales.entrypoints.worker import Worker

    _logging()
    w = Worker(_system())

    def stop(*_: object) -> None:
        w.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    w.run()


@app.command()
def token(
    role_arg: Annotated[str | None, typer.Argument(metavar="ROLE", help="as --role; or `list`, or `revoke ID`")] = None,
    subject_arg: Annotated[str | None, typer.Argument(metavar="SUBJECT", help="as --subject")] = None,
    role_opt: Annotated[str | None, typer.Option("--role", help="buyer, seller, agent, operator or integration")
                        ] = None,
    subject_opt: Annotated[str | None, typer.Option("--subject", help="buyer id, store id, or a name")] = None,
    expires_in: Annotated[str | None, typer.Option(help="the token expires after this long: 12h, 30d")] = None,
) -> None:
    """Issue an API token and print it (stored hashed; it cannot be shown again).

    `aftersales token buyer b1` and `aftersales token --role buyer --subject b1` are the same;
    with no subject an operator token for "admin" is issued. `aftersales token list` lists the
    tokens issued (never the tokens themselves); `aftersales token revoke ID` revokes one."""

    if role_arg in ("list", "revoke") and role_opt is None:
        _token_admin(role_arg, subject_arg)
        return
    role = role_opt or role_arg or "operator"
    subject = subject_opt or subject_arg or ("admin" if role == "operator" else None)
    if subject is None:
        typer.echo("a subject is needed: the buyer id, or the store id of a seller", err=True)
        raise typer.Exit(2)
    if role not in ("buyer", "seller", "agent", "operator", "integration"):
        typer.echo(f"unknown role {role!r}", err=True)
        raise typer.Exit(2)
    expires_at = _expiry(expires_in)
    system = _system()
    try:
        issued = system.dispatch(c.IssueToken(actor=_cli_operator(), role=role, subject=subject,
                                              expires_at=expires_at))
    finally:
        system.close()
    typer.echo(issued.token)


def _expiry(text: str | None) -> datetime | None:
    if text is None:
        return None
    m = re.fullmatch(r"(\d+)([hd])", text.strip())
    if m is None or int(m.group(1)) == 0:
        typer.echo("--expires-in is a number of hours or days: 12h, 30d", err=True)
        raise typer.Exit(2)
    hours = int(m.group(1)) * (24 if m.group(2) == "d" else 1)
    return datetime.now(UTC) + timedelta(hours=hours)


def _token_admin(verb: str, token_id: str | None) -> None:
    from aftersales.domain.errors import DomainError
    from aftersales.services import queries as q

    system = _system()
    try:
        if verb == "list":
            after = 0
            while True:
                page = system.dispatch(q.ListTokens(actor=_cli_operator(), after=after, limit=100))
                for t in page.items:
                    state = "revoked" if t.revoked_at else ("expires " + t.expires_at.isoformat() if t.expires_at
                                                            else "active")
                    typer.echo(f"{t.id:>6}  {t.role:<12} {t.subject:<24} {t.created_at:%Y-%m-%d %H:%M}  {state}")
                if page.after is None:
                    return
                after = int(page.after[0])  # type: ignore[call-overload]
        if token_id is None or not token_id.isdigit():
            typer.echo("revoke needs the token's id (see `aftersales token list`)", err=True)
            raise typer.Exit(2)
        try:
            system.dispatch(c.RevokeToken(actor=_cli_operator(), token_id=int(token_id)))
        except DomainError as exc:
            typer.echo(f"{exc.code}: {exc.en}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"token {token_id} revoked; every process refuses it from its next request")
    finally:
        system.close()


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="the name they sign in with")],
    role: Annotated[str, typer.Option(help="owner, after_sales or viewer (with --store); agent or operator")],
    store: Annotated[str | None, typer.Option(help="the store whose team they join")] = None,
) -> None:
    """Add a member of staff. The password is read from standard input (the first line), so it
    never appears in the shell's history or the process list; it is stored as an argon2 hash."""
    import sys

    from aftersales.domain.errors import DomainError

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    system = _system()
    try:
        user = system.dispatch(c.AddUser(actor=_cli_operator(), name=name, role=role, store_id=store,
                                         password=password))
    except DomainError as exc:
        typer.echo(f"{exc.code}: {exc.en}", err=True)
        raise typer.Exit(1) from exc
    finally:
        system.close()
    where = f" of store {user.store_id}" if user.store_id else ""
    typer.echo(f"user {user.name} added: {user.role}{where}")


@user_app.command("link")
def user_link(
    buyer: Annotated[str, typer.Argument(help="the buyer's id in the marketplace")],
    base_url: Annotated[str, typer.Option(help="the server's address, which the link starts with",
                                          envvar="AFTERSALES_BASE_URL")] = "http://127.0.0.1:8000",
) -> None:
    """Print a one-time sign-in link for a buyer (valid 10 minutes), as the marketplace's app
    gets one from POST /api/v1/login-links."""
    system = _system()
    try:
        issued = system.dispatch(c.IssueLoginLink(actor=_cli_operator(), buyer=buyer))
    finally:
        system.close()
    typer.echo(f"{base_url.rstrip('/')}/login/link/{issued.token}")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    keep: Annotated[bool, typer.Option(help="keep an existing demo database instead of starting afresh")] = False,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="seed and print, then exit")] = False,
) -> None:
    """Create a demo database with stores, buyers, orders and cases, then serve it."""
    from aftersales.entrypoints import demo as demo_mod

    _logging()
    url = os.environ.get("AFTERSALES_DATABASE_URL") or "sqlite:///demo.db"
    if url.startswith("sqlite:///") and not keep:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(f"{path}.blobs", ignore_errors=True)  # the evidence of the demo before
    os.environ["AFTERSALES_DATABASE_URL"] = url
    _upgrade(url)
    info = demo_mod.seed(url)
    demo_mod.print_intro(info, f"http://{host}:{port}", url)
    if no_serve:
        return
    serve(host=host, port=port, no_worker=False, migrate=False)


@calendar_app.command("load")
def calendar_load(
    file: Annotated[Path, typer.Argument(help="TOML: year, source, holidays = [dates], workdays = [dates]")],
) -> None:
    """Load a year's official holidays and adjusted workdays (调休); restart servers and workers after."""
    from aftersales.adapters import calendars

    try:
        year = calendars.read_year(file)
    except (OSError, calendars.InvalidCalendar, ValueError) as exc:
        typer.echo(f"cannot load {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    system = _system()
    try:
        system.dispatch(c.LoadCalendarYear(actor=_cli_operator(), year=year))
    finally:
        system.close()
    replaced = " (replacing the chinesecalendar package's data)" if year.year in calendars.PACKAGE_YEARS else ""
    typer.echo(f"{year.year}: {len(year.holidays)} days off, {len(year.workdays)} adjusted workdays{replaced}; "
               f"source: {year.source}")
    typer.echo("deadlines counted through this year are no longer provisional once servers and workers restart")


@policy_app.command("lint")
def policy_lint(
    file: Annotated[Path, typer.Argument(help="a store policy (TOML: store, [[clauses]])")],
    pack: Annotated[str, typer.Option(help="the policy pack to hold it to")] = "taobao",
) -> None:
    """Say which clauses stand, which apply and which are void (exit 1 if any is void, 2 if invalid)."""
    from aftersales.adapters import packs
    from aftersales.domain.errors import InvalidPolicy
    from aftersales.domain.store_policy import Verdict, lint
    from aftersales.entrypoints import policy_lint as render

    try:
        policy = render.load(file)
        the_pack = packs.load(pack)
    except (OSError, InvalidPolicy, ValueError) as exc:
        typer.echo(f"cannot lint {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    findings = lint(policy, the_pack)
    typer.echo(render.text(policy, the_pack, findings), nl=False)
    raise typer.Exit(1 if any(f.verdict is Verdict.VOID for f in findings) else 0)


@line_app.command("reopen")
def line_reopen(
    order: Annotated[str, typer.Argument(help="order id")],
    line: Annotated[str, typer.Argument(help="line id")],
    days: Annotated[int, typer.Option(help="how many days the windows reopen for")],
    by: Annotated[str, typer.Option(help="the agent granting it, after review")],
    note: Annotated[str | None, typer.Option(help="why (kept in the line's history)")] = None,
) -> None:
    """Reopen a line's closed windows for N days, after review (one more after-sale claim)."""
    from aftersales.domain.errors import DomainError

    system = _system()
    try:
        grant = system.dispatch(c.ReopenLine(actor=Actor(Role.AGENT, by), order_id=order, line_id=line, days=days,
                                             note=note))
    except DomainError as exc:
        typer.echo(f"{exc.code}: {exc.en}", err=True)
        raise typer.Exit(1) from exc
    finally:
        system.close()
    typer.echo(f"{order}/{line} reopened until {grant.until.astimezone(system.pack.zone).isoformat()} by {by}")


@scenario_app.command("run")
def scenario_run(
    files: Annotated[list[Path], typer.Argument(help="scenario YAML files")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print failures only")] = False,
) -> None:
    """Play scenario files; exit 0 when all pass, 1 when one fails, 2 when one is invalid."""
    from aftersales.entrypoints.scenario import run_files

    code, results = run_files(files)
    for r in results:
        if r.invalid:
            typer.echo(f"INVALID {r.path}: {r.invalid}")
        elif r.failures:
            typer.echo(f"FAIL    {r.path}: {r.name}")
            for f in r.failures:
                typer.echo(f"        {f}")
        elif not quiet:
            typer.echo(f"ok      {r.path}: {r.name} ({r.steps} steps)")
    passed = sum(1 for r in results if r.ok)
    typer.echo(f"{passed} of {len(results)} scenario files passed")
    raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
