"""The X and Z to the desk's printer, the way a receipt goes (from a worker thread, like printing).

The printer is opened through ``services.printing``'s own path: one document at a time from this
process (a report never interleaves with a carnet being printed), a printer saying "no paper" or
"offline" refused, a device failure turned into ``PrinterError`` with its French message.
What a Z says is already frozen and journaled by ``till.close_till``; printing it (again) changes
nothing in the store, so a failed print is simply tried again, or reprinted from the Rapports screen.
"""

from __future__ import annotations

from carnet_tui.printing import report_layout
from carnet_tui.printing.layouts import Page
from carnet_tui.printing.report_layout import Report
from carnet_tui.services import printing
from carnet_tui.settings import Settings


def print_report(report: Report, settings: Settings) -> None:
    """Send the X or Z (a DUPLICATA when ``report.duplicate``) to the configured printer.

    Raises ``printing.PrinterError`` when the printer fails (the UI offers Réessayer / Plus tard).
    """
    page = printing._page(settings)  # the profile and code page checked, as for a receipt
    data = report_layout.report_bytes(report, page, settings.venue.name)
    with printing._printer(settings) as device:
        device.write(data)


def report_preview(report: Report, settings: Settings) -> str:
    """The same report as plain text, for the screen."""
    return report_layout.report_text(report, Page.from_settings(settings.printer), settings.venue.name)
