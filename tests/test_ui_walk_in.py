"""A walk-in visitor: nothing typed in the search, the line carries no client's name."""

from __future__ import annotations

from support.ui import make_app, open_sale, pay_cash, settle, type_text

from carnet_tui.store.models import SaleLine


async def test_no_search_typed_means_no_client_on_the_line(ui_settings):
    app = make_app(ui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sale(pilot)
        await settle(pilot)
        assert str(app.screen.query_one("#client-chosen").render()) == ""
        await pilot.press("tab")  # client results: listed, none taken
        await pilot.press("tab")  # Liste des Carnets
        await pilot.press("tab")  # Tarifs du Carnet
        await pilot.press("tab")  # Quantité
        await type_text(pilot, "1")
        await settle(pilot)
        await pay_cash(pilot, "5500")
        line = SaleLine.get()
        assert line.client_id is None and line.quantity == 1
        # typing a name then takes the first answer, as before
        await pilot.press("f2")
        await type_text(pilot, "mohamed benn")
        await settle(pilot)
        assert "Mohamed Bennani" in str(app.screen.query_one("#client-chosen").render())
