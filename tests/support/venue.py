"""A venue whose legal IDs are filled (an invoice needs them; the defaults are empty)."""

from __future__ import annotations

from carnet_tui.settings import VenueSettings

# the default name and address (the screens' snapshots show them), real-looking IDs
LEGAL_VENUE = VenueSettings(ice="001525836000081", if_number="40123456", rc="345678", patente="35123456")
