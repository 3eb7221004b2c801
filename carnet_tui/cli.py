"""The ``carnet-tui`` command: run the counter, set up a database, import a catalog or clients,
manage the users, verify the journal, export a period.

Textual is imported only when the counter is opened, so ``init`` and ``import`` stay light.
Any refusal the user can correct is printed in French on stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import gc
import getpass
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from carnet_tui import settings as settings_module
from carnet_tui.domain.errors import DomainError
from carnet_tui.launch import counter_options
from carnet_tui.settings import Settings
from carnet_tui.store import location as store_location
from carnet_tui.texts import t

if TYPE_CHECKING:  # the services (and peewee) are imported by the commands that need them
    import argparse

    from carnet_tui.services.journal import Verdict
    from carnet_tui.services.people import UserView

EXIT_REFUSED = 2


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    # given again on each subcommand so that `carnet-tui init --db x` works as well as `--db x init`
    import argparse

    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", default=default, help=t("cli.help.db"))
    parser.add_argument("--config", default=default, help=t("cli.help.config"))
    parser.add_argument("--printer", default=default, metavar="URL", help=t("cli.help.printer"))
    parser.add_argument("--data-dir", default=default, metavar="DOSSIER", help=t("cli.help.data_dir"))
    parser.add_argument("--cashier", default=default, metavar="NOM", help=t("cli.help.cashier"))
    parser.add_argument("--desk", default=default, metavar="NOM", help=t("cli.help.desk"))


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not for a cashier's login (launch.counter_options)

    parser = argparse.ArgumentParser(prog="carnet-tui", description=t("cli.description"))
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(
        dest="command", metavar="{run,init,user,journal,export,key,import,demo-clients,copy,doctor}")

    run = commands.add_parser("run", help=t("cli.help.run"))
    _global_options(run, suppress=True)

    init = commands.add_parser("init", help=t("cli.help.init"))
    _global_options(init, suppress=True)
    init.add_argument("--demo", action="store_true", help=t("cli.help.init_demo"))
    init.add_argument("--admin", metavar="NOM", help=t("cli.help.init_admin"))

    user = commands.add_parser("user", help=t("cli.help.user"))
    users = user.add_subparsers(dest="user_command", metavar="{add,list,disable,pin}", required=True)
    add = users.add_parser("add", help=t("cli.help.user_add"))
    add.add_argument("name", metavar="NOM", help=t("cli.help.user_name"))
    add.add_argument("--role", required=True, metavar="RÔLE", help=t("cli.help.role"))
    listing = users.add_parser("list", help=t("cli.help.user_list"))
    disable = users.add_parser("disable", help=t("cli.help.user_disable"))
    disable.add_argument("name", metavar="NOM", help=t("cli.help.user_name"))
    pin = users.add_parser("pin", help=t("cli.help.user_pin"))
    pin.add_argument("name", metavar="NOM", help=t("cli.help.user_name"))
    for leaf in (user, add, listing, disable, pin):
        _global_options(leaf, suppress=True)

    journal = commands.add_parser("journal", help=t("cli.help.journal"))
    checks = journal.add_subparsers(dest="journal_command", metavar="{verify}", required=True)
    verify = checks.add_parser("verify", help=t("cli.help.journal_verify"))
    for leaf in (journal, verify):
        _global_options(leaf, suppress=True)

    export = commands.add_parser("export", help=t("cli.help.export"))
    _global_options(export, suppress=True)
    export.add_argument("--from", dest="export_from", required=True, metavar="AAAA-MM-JJ",
                        help=t("cli.help.export_from"))
    export.add_argument("--to", dest="export_to", required=True, metavar="AAAA-MM-JJ",
                        help=t("cli.help.export_to"))
    export.add_argument("--out", metavar="DOSSIER", help=t("cli.help.export_out"))

    from carnet_tui import door_cli

    door_cli.add_commands(commands, _global_options)

    imp = commands.add_parser("import", help=t("cli.help.import"))
    _global_options(imp, suppress=True)
    imp.add_argument("files", nargs="+", metavar="FICHIER", help=t("cli.help.files"))

    gen = commands.add_parser("demo-clients", help=t("cli.help.demo_clients"))
    _global_options(gen, suppress=True)
    gen.add_argument("--count", type=int, default=10_000, help=t("cli.help.count"))
    gen.add_argument("--seed", type=int, default=0, help=t("cli.help.seed"))

    copy = commands.add_parser("copy", help=t("cli.help.copy"))
    copy.add_argument("--from", dest="copy_from", required=True, metavar="URL", help=t("cli.help.copy_from"))
    copy.add_argument("--to", dest="copy_to", required=True, metavar="URL", help=t("cli.help.copy_to"))

    doctor = commands.add_parser("doctor", help=t("cli.help.doctor"))
    _global_options(doctor, suppress=True)
    return parser


def load_settings(args: argparse.Namespace) -> Settings:
    """``--db`` wins, then ``CARNET_DB``, then the settings file, then the user's data folder."""
    if args.config and not os.path.isfile(args.config):  # a mistyped --config must not pass silently
        raise DomainError("err.config.missing", path=args.config)
    try:
        settings = settings_module.load(args.config, args.db, args.printer, args.desk)
    except DomainError:
        raise  # each wrong key already named, in French
    except (ValueError, OSError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        path = args.config or os.environ.get("CARNET_CONFIG") or str(settings_module.default_config_path())
        raise DomainError("err.config.invalid", path=path, detail=str(exc)) from exc
    if args.cashier:  # only the name the sign-in screen preselects: who acts is who typed a PIN
        os.environ["CARNET_CASHIER"] = args.cashier
    if args.desk:  # the counter and anything it starts see the same desk
        os.environ["CARNET_DESK"] = settings.counter.desk
    if args.data_dir:  # the spool and the error log: a service account may have no writable home
        settings = replace(settings, data_dir=Path(args.data_dir).expanduser())
    location = args.db or os.environ.get("CARNET_DB") or settings.db
    return replace(settings, db=store_location.resolve_location(location))


def _open(settings: Settings) -> None:
    # peewee is imported here, not at the top: the counter opens its store after its first frame
    from peewee import DatabaseError

    from carnet_tui.store import db as store

    try:
        store.connect(settings.db)
    except DatabaseError as exc:  # not a database, corrupt file, server refused…
        from carnet_tui.store import faults

        if faults.kind_of(exc) in ("full", "io"):  # the disk, not the file: its own French words
            raise faults.refusal(exc, settings.db or "") from exc
        raise DomainError("err.db.open", location=settings.db, detail=str(exc)) from exc


def _store_is_empty() -> bool:
    from carnet_tui.store.models import CarnetModel, Client

    return not CarnetModel.select().exists() and not Client.select().exists()


def _load_demo() -> None:
    from carnet_tui.services import demo
    from carnet_tui.store.models import CarnetModel, Client, User

    if demo.load_demo():
        print(t("cli.demo.loaded", models=CarnetModel.select().count(), clients=Client.select().count()))
        names = [name for name, _role, _pin in demo.DEMO_USERS]
        if User.select().where(User.name.in_(names)).count() == len(names):  # not when users existed
            users = ", ".join(f"{name} ({role}) {pin}" for name, role, pin in demo.DEMO_USERS)
            print(t("cli.demo.users", users=users))
    else:
        print(t("cli.demo.skipped"))


def _open_for_counter(settings: Settings) -> None:
    """Open (upgrade) the store; the default one, new, is filled with the demo data. Runs after the
    first frame. Any other location must exist already (``init``): ``precheck`` said so."""
    if store_location.sqlite_path(settings.db or "") is not None:
        from carnet_tui.store.sqlite_only import import_peewee

        import_peewee()  # a file store: peewee without the PostgreSQL driver (~120 ms less)
    _open(settings)
    if settings.db == str(store_location.default_db_path()) and _store_is_empty():
        from carnet_tui.services import demo

        try:
            demo.load_demo()  # first use: a counter with something to sell
        except DomainError as exc:
            if exc.key != "err.demo.missing":  # an install without data/ still opens the counter
                raise
            print(t("cli.demo.unavailable"), file=sys.stderr)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    # what the manager must fix is refused here, before the screen; opening proper comes after it
    store_location.precheck(settings.db or "")
    from carnet_tui.ui.early_keys import held_keys, pin_ahead

    # no cyclic collection while the app starts: its passes over the imports and the first
    # screens' objects cost 10–35 ms of a ~250 ms start; the app turns it back on (ui/app.py)
    gc.disable()
    try:
        with held_keys():  # keys typed during the imports below are kept as typed, and not echoed
            if (pin := pin_ahead()) is not None:  # typed before the screen: checked meanwhile
                from carnet_tui.services.pin_ahead import check_in_background

                check_in_background(settings.db or "", pin)
            from carnet_tui.ui.app import run_app  # textual only now, not for init/import
            from carnet_tui.ui.terminal import terminal_missing

            if missing := terminal_missing():  # the screen goes to stderr, the keys come from stdin
                raise DomainError("cli.no_terminal",
                                  streams=", ".join(t(f"cli.stream.{name}") for name in missing))

            refusal, status = run_app(settings, open_store=lambda: _open_for_counter(settings))
    finally:
        gc.enable()  # an app that ended (or failed) before its own timer
    if refusal:
        print(refusal, file=sys.stderr)
        return EXIT_REFUSED
    return status


def cmd_init(settings: Settings, args: argparse.Namespace) -> int:
    if args.admin is not None:  # a wrong name is refused before anything is created
        from carnet_tui.services.people import check_name

        check_name(args.admin)
    _open(settings)
    from carnet_tui.services import door

    door.ensure_key()  # the venue's first QR key: billets printed from now on are signed
    print(t("cli.init.done", location=settings.db, version=store_location.SCHEMA_VERSION))
    if args.demo:
        _load_demo()
    _first_admin(args)
    return 0


# --- users ------------------------------------------------------------------------------------------

def _cli_actor() -> str:
    """Who acts from the command line, in the journal: the system, and the account that ran it."""
    from carnet_tui.services.people import SYSTEM

    try:
        account = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor the password database
        return SYSTEM
    return f"{SYSTEM} ({account})"[:40]


def _stdin_line() -> str | None:
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def _read_pin() -> str:
    """A new PIN, typed twice: without echo on a terminal; else two lines of stdin (scripts)."""
    from carnet_tui.domain.pins import check_pin

    if sys.stdin.isatty():
        try:
            first = getpass.getpass(t("cli.pin.ask"))
            check_pin(first)  # a wrong format refused before the second time
            second = getpass.getpass(t("cli.pin.again"))
        except EOFError:
            raise DomainError("err.cli.pin_missing") from None
    else:
        first, second = _stdin_line(), _stdin_line()
        if first is None or second is None:
            raise DomainError("err.cli.pin_missing")
        check_pin(first)
    if first != second:
        raise DomainError("err.pin.mismatch", field="pin")
    return first


def _first_admin(args: argparse.Namespace) -> None:
    """The first admin, when the store has none: ``--admin NAME``, else asked for (a terminal, or
    the name and the PIN twice on stdin); nothing read with ``--demo``, nor when stdin is empty."""
    from carnet_tui.domain.context import Role
    from carnet_tui.services import people

    if people.has_admin():
        if args.admin is not None:
            print(t("cli.init.admin_present"))
        return
    name = args.admin
    if name is None and not args.demo:
        if sys.stdin.isatty():
            try:
                name = input(t("cli.admin.ask"))
            except EOFError:
                name = None
        else:
            name = _stdin_line()
    if not (name or "").strip():
        print(t("cli.init.no_admin"))
        return
    people.check_new_user(name, Role.ADMIN)
    view = people.add_user(name, Role.ADMIN, _read_pin(), by=_cli_actor())
    print(t("cli.init.admin_created", name=view.name))


def cmd_user(settings: Settings, args: argparse.Namespace) -> int:
    from carnet_tui.domain.context import check_role
    from carnet_tui.services import people

    _open(settings)
    if args.user_command == "list":
        _print_users(people.list_users())
    elif args.user_command == "add":
        name, role = people.check_new_user(args.name, check_role(args.role))  # before the PIN
        view = people.add_user(name, role, _read_pin(), by=_cli_actor())
        print(t("cli.user.added", name=view.name, role=view.role.value))
    elif args.user_command == "disable":
        people.disable_user(args.name, by=_cli_actor())
        print(t("cli.user.disabled", name=people.check_name(args.name)))
    else:  # pin
        name = people.check_name(args.name)
        if name not in {u.name for u in people.list_users()}:
            raise DomainError("err.user.unknown", field="name", name=name)
        people.set_pin(name, _read_pin(), by=_cli_actor())
        print(t("cli.user.pin_set", name=name))
    return 0


def _print_users(users: Sequence[UserView]) -> None:
    from carnet_tui.domain.text import pad_cells

    if not users:
        print(t("cli.user.none"))
        return
    now = time.time()
    widths = (24, 12, 6)  # the last column (locked) as long as it is

    def line(cells: Sequence[str]) -> str:
        return "  ".join([*(pad_cells(c, w) for c, w in zip(cells, widths, strict=False)), cells[-1]])

    print(line([t("cli.user.col.name"), t("cli.user.col.role"), t("cli.user.col.active"),
                t("cli.user.col.locked")]))
    for user in users:
        until = time.strftime("%H:%M", time.localtime(user.locked_until))
        locked = t("cli.user.locked_until", time=until) if user.locked_until > now else t("cli.no")
        print(line([user.name, user.role.value, t("cli.yes") if user.active else t("cli.no"), locked]))


# --- journal and export -----------------------------------------------------------------------------

EXIT_FAULT = 1


def cmd_journal(settings: Settings, args: argparse.Namespace) -> int:
    from carnet_tui.services import journal

    _open(settings)
    verdict = journal.verify()
    if verdict.ok:
        if verdict.rows == 0:
            print(t("cli.journal.empty"))
        else:
            print(t("cli.journal.ok", rows=verdict.rows, head=verdict.head))
        return 0
    print(t("cli.journal.bad", what=fault_text(verdict)))
    print(t("cli.journal.checked", rows=verdict.rows, head=verdict.head))
    return EXIT_FAULT


def _row_named(seq: int | None) -> str | None:
    from carnet_tui.domain.text import clean_text
    from carnet_tui.store.models import JournalEntry

    row = JournalEntry.get_or_none(JournalEntry.seq == seq) if seq is not None else None
    if row is None:
        return None
    return t("cli.journal.row", seq=row.seq, kind=clean_text(row.kind)[:32], at=clean_text(row.at)[:32])


def _target_named(detail: str) -> tuple[str, str]:
    """``"payment 3 amount_cents"`` (services.journal's detail) → the row in words, and the column."""
    table, _, rest = detail.partition(" ")
    row_id, _, column = rest.partition(" ")
    key = f"journal.table.{table}"
    words = t(key, id=row_id, table=table)
    if words == key:
        words = t("journal.table.other", id=row_id, table=table)
    return words, column


def fault_text(verdict: Verdict) -> str:
    """What is wrong, in French, naming the journal row (seq, kind, time) where it was found."""
    from carnet_tui.services.journal import Fault
    from carnet_tui.store.models import JournalEntry

    fault, seq = verdict.fault, verdict.bad_seq
    row = _row_named(seq) or t("cli.journal.row", seq=seq, kind="?", at="?")
    target, column = _target_named(verdict.detail or "")
    if fault == Fault.GAP:
        following = (JournalEntry.select().where(JournalEntry.seq > seq).order_by(JournalEntry.seq)
                     .first())
        after = t("journal.fault.gap_after", row=_row_named(following.seq)) if following else ""
        return t("journal.fault.gap", seq=seq, after=after)
    return t(f"journal.fault.{fault}", row=row, target=target, column=column)


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from carnet_tui.services import export

    start, end = export.check_period(args.export_from, args.export_to)  # before the store opens
    _open(settings)
    account = _cli_actor()
    result = export.export_period(start, end, args.out, by=account, account=account)
    summary = ", ".join(t("cli.export.file", name=name, rows=rows) for name, rows in result.files.items())
    print(t("cli.export.done", start=start.isoformat(), end=end.isoformat(), path=result.folder,
            summary=summary))
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from carnet_tui.services import importing

    # files are read and checked before the store is even opened: a bad file touches nothing
    batch = importing.read_files(args.files)
    _open(settings)
    from carnet_tui.store import db as store

    result = store.write(lambda: importing.write_batch(batch))
    print(t("cli.import.done", models=result.models, tariffs=result.tariffs, clients=result.clients))
    return 0


def cmd_demo_clients(settings: Settings, args: argparse.Namespace) -> int:
    from carnet_tui.services import clients, demo

    _open(settings)
    started = time.perf_counter()
    added = demo.generate_clients(args.count, seed=args.seed)
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    print(t("cli.generate.done", count=added, seconds=seconds, total=clients.count()))
    return 0


def cmd_copy(settings: Settings, args: argparse.Namespace) -> int:
    from carnet_tui.store.copy import copy_store

    counts = copy_store(args.copy_from, args.copy_to)
    print(t("cli.copy.done", sales=counts["sale"], carnets=counts["carnet"], billets=counts["billet"],
            clients=counts["client"], rows=sum(counts.values())))
    return 0


def _door_keys(settings: Settings, args: argparse.Namespace) -> int:
    from carnet_tui import door_cli

    return door_cli.run(settings, args)


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run": cmd_run,
    "init": cmd_init,
    "user": cmd_user,
    "journal": cmd_journal,
    "export": cmd_export,
    "key": lambda settings, args: _door_keys(settings, args),
    "import": cmd_import,
    "demo-clients": cmd_demo_clients,
    "copy": cmd_copy,
}


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    options = counter_options(words)
    args = (build_parser().parse_args(words) if options is None
            else SimpleNamespace(**options, command=None))  # a cashier's login: only global options
    if args.command == "doctor":  # reports wrong settings among its findings, so it loads them itself
        from carnet_tui import doctor

        return doctor.run(args, load_settings)
    try:
        settings = load_settings(args)
        return COMMANDS[args.command or "run"](settings, args)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        # disk full, file vanished, server gone: a message, not a traceback
        from carnet_tui.store import faults

        print(faults.refusal(exc).message, file=sys.stderr)
        return EXIT_REFUSED
    finally:
        if "carnet_tui.store.db" in sys.modules:
            sys.modules["carnet_tui.store.db"].close()


def _is_database_error(exc: Exception) -> bool:
    from carnet_tui.store import faults  # peewee is never imported just to catch its errors

    return faults.is_storage_error(exc)


if __name__ == "__main__":
    raise SystemExit(main())
