"""What printing left owed: the carnets to offer at start.

Its own module, apart from ``services.printing``, because the question is asked right after each
sign-in: ``services.printing`` imports python-escpos, Pillow and the barcode library (~100 ms of
CPU), which then competed for the interpreter with the home screen and the sale window being built.
"""

from __future__ import annotations

from carnet_tui.services import print_lease, sales
from carnet_tui.services.sales import CarnetStatus
from carnet_tui.store import queries


def unfinished_carnets() -> list[CarnetStatus]:
    """The carnets to offer at start (after any stop, a crash included), in sale then carnet order.

    A carnet of a non-voided line, with billets not all sent, that is either
    - of a sale closed but not finalized (printing was due and did not end, never started
      included: a crash after carnet 815 leaves 815A unstarted, and it is owed too), or
    - started (a billet sent or pending) in any sale, a finalized one included.
    A carnet never started in a finalized sale was answered "Non" and the sale finalized anyway:
    it stays in the sale's table and history, not asked for at every start. Sales with a carnet
    under another desk's live lease are left out whole: that desk is printing them now.
    """
    found = sales._carnet_statuses(queries.UNFINISHED_CARNETS_WHERE, ())
    if not found:
        return found
    busy = print_lease.busy_sales()
    return [c for c in found if c.sale_id not in busy]
