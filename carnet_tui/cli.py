"""The ``carnet-tui`` command: run the counter, set up a database, import a catalog or clients.

Textual is imported only when the counter is opened, so ``init`` and ``import`` stay light.
Any refusal the user can correct is printed in French on stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from carnet_tui import settings as settings_module
from carnet_tui.domain.errors import DomainError
from carnet_tui.settings import Settings
from carnet_tui.store import location as store_location
from carnet_tui.texts import t

EXIT_REFUSED = 2


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    # given again on each subcommand so that `carnet-tui init --db x` works as well as `--db x init`
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", default=default, help=t("cli.help.db"))
    parser.add_argument("--config", default=default, help=t("cli.help.config"))
    parser.add_argument("--printer", default=default, metavar="URL", help=t("cli.help.printer"))
    parser.add_argument("--data-dir", default=default, metavar="DOSSIER", help=t("cli.help.data_dir"))
    parser.add_argument("--cashier", default=default, metavar="NOM", help=t("cli.help.cashier"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carnet-tui", description=t("cli.description"))
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="{run,init,import,demo-clients,copy,doctor}")

    run = commands.add_parser("run", help=t("cli.help.run"))
    _global_options(run, suppress=True)

    init = commands.add_parser("init", help=t("cli.help.init"))
    _global_options(init, suppress=True)
    init.add_argument("--demo", action="store_true", help=t("cli.help.init_demo"))

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
        settings = settings_module.load(args.config, args.db, args.printer)
    except DomainError:
        raise  # each wrong key already named, in French
    except (ValueError, tomllib.TOMLDecodeError, OSError) as exc:
        path = args.config or os.environ.get("CARNET_CONFIG") or str(settings_module.default_config_path())
        raise DomainError("err.config.invalid", path=path, detail=str(exc)) from exc
    if args.cashier:  # the name on receipts and in the journal; the services read it from there
        os.environ["CARNET_CASHIER"] = args.cashier
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
    from carnet_tui.store.models import CarnetModel, Client

    if demo.load_demo():
        print(t("cli.demo.loaded", models=CarnetModel.select().count(), clients=Client.select().count()))
    else:
        print(t("cli.demo.skipped"))


def _open_for_counter(settings: Settings) -> None:
    """Open (upgrade) the store; the default one, new, is filled with the demo data. Runs after the
    first frame. Any other location must exist already (``init``): ``precheck`` said so."""
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
    from carnet_tui.ui.app import run_app  # textual only now, not for init/import
    from carnet_tui.ui.terminal import terminal_missing

    if missing := terminal_missing():  # the screen goes to stderr, the keys come from stdin
        raise DomainError("cli.no_terminal", streams=", ".join(t(f"cli.stream.{name}") for name in missing))

    refusal, status = run_app(settings, open_store=lambda: _open_for_counter(settings))
    if refusal:
        print(refusal, file=sys.stderr)
        return EXIT_REFUSED
    return status


def cmd_init(settings: Settings, args: argparse.Namespace) -> int:
    _open(settings)
    print(t("cli.init.done", location=settings.db, version=store_location.SCHEMA_VERSION))
    if args.demo:
        _load_demo()
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


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run": cmd_run,
    "init": cmd_init,
    "import": cmd_import,
    "demo-clients": cmd_demo_clients,
    "copy": cmd_copy,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
