"""``carnet-tui key rotate | list | retire K``: the venue keys that sign the billets' QR.

Wired into ``cli.py`` by ``add_commands(commands)`` (in ``build_parser``) and
``COMMANDS["key"] = door_cli.run``. A secret is never printed: only letters and dates.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from carnet_tui.texts import t


def add_commands(commands: argparse._SubParsersAction,
                 global_options: Callable[[argparse.ArgumentParser, bool], None] | None = None) -> None:
    if global_options is None:
        from carnet_tui.cli import _global_options as global_options
    key = commands.add_parser("key", help=t("cli.help.key"))
    global_options(key, True)
    actions = key.add_subparsers(dest="key_action", metavar="{rotate,list,retire}", required=True)
    for name in ("rotate", "list"):
        global_options(actions.add_parser(name, help=t(f"cli.help.key_{name}")), True)
    retire = actions.add_parser("retire", help=t("cli.help.key_retire"))
    global_options(retire, True)
    retire.add_argument("letter", metavar="LETTRE", help=t("cli.help.key_letter"))


def run(settings, args: argparse.Namespace) -> int:  # noqa: ANN001 (settings: carnet_tui.settings.Settings)
    from carnet_tui.cli import _open
    from carnet_tui.services import door

    _open(settings)
    if args.key_action == "rotate":
        print(t("door.cli.rotated", letter=door.rotate_key()))
    elif args.key_action == "retire":
        door.retire_key(args.letter)
        print(t("door.cli.retired", letter=args.letter.strip().upper()[:1]))
    else:
        keys = door.list_keys()
        if not keys:
            print(t("door.cli.none"))
        for key in keys:
            state = (t("door.cli.retired_on", date=f"{key.retired_at:%d/%m/%Y}") if key.retired_at
                     else t("door.cli.signing") if key.signing else t("door.cli.active"))
            print(t("door.cli.key_line", letter=key.letter, created=f"{key.created_at:%d/%m/%Y %H:%M}",
                    state=state))
    return 0
