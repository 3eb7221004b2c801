"""``python -m carnet_tui``: the same as the ``carnet-tui`` command."""

from carnet_tui.launch import main

raise SystemExit(main())
