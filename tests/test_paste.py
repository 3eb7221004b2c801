"""A paste into a field, through the real app at 80×24: controls gone, its order kept, and a paste
longer than the field goes in up to the field's length (Textual refused it whole, without a word)."""

from __future__ import annotations

from support.backoffice import back_office_app, open_till, responsable
from test_ui_support import settle, wait_until
from textual import events

from carnet_tui.domain.text import strip_controls
from carnet_tui.services import backoffice as bo
from carnet_tui.store.models import CarnetModel
from carnet_tui.ui.screens.backoffice_forms import ModelDialog
from carnet_tui.ui.screens.backoffice_models import ModelsScreen
from carnet_tui.ui.widgets import QuietInput

# DESIGN.md's hostile texts, as a clipboard may hold them
HOSTILE = ("[@click=app.quit]x [link=file:///etc/passwd]y \x1b]0;t\x07 \x1bp\x00\x19\x19 \x1dVA "
           "\x1b@ \u202eevil مرحبا 中文 😀 [/] ") * 3


async def test_a_long_hostile_paste_goes_in_cut_to_the_field_and_in_order(ui_settings) -> None:
    app = back_office_app(ui_settings, open_till(responsable()))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("open_models")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelsScreen))
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelDialog))
        field = app.focused
        assert isinstance(field, QuietInput) and field.id == "bo-model-name"
        field.post_message(events.Paste(HOSTILE))
        await settle(pilot)
        expected = strip_controls(HOSTILE).splitlines()[0][: bo.NAME_MAX]
        assert len(HOSTILE) > bo.NAME_MAX and field.value == expected
        assert field.value.startswith("[@click=app.quit]x [link=file:///etc/passwd]y ]0;t p")
        await pilot.press("tab", "1", "0", "tab", "3", "0", "enter")
        await wait_until(pilot, lambda: CarnetModel.select().count() == 7)  # 6 in the demo
        made = CarnetModel.select().order_by(CarnetModel.id.desc()).get()
        assert made.name.startswith("[@click=app.quit]x") and "\x1b" not in made.name
