"""A paste into a field, through the real app at 80×24: controls gone, its order kept; a paste
longer than the field is refused and said under the field (Textual refused it with a bell only)."""

from __future__ import annotations

from support.backoffice import back_office_app, open_till, responsable
from support.ui import settle, wait_until
from textual import events
from textual.widgets import Static

from carnet_tui.domain.text import clean_text, strip_controls
from carnet_tui.services import backoffice as bo
from carnet_tui.store.models import CarnetModel
from carnet_tui.texts import t
from carnet_tui.ui.screens.backoffice_forms import ModelDialog
from carnet_tui.ui.screens.backoffice_models import ModelsScreen
from carnet_tui.ui.widgets import QuietInput

# DESIGN.md's hostile texts, as a clipboard may hold them
HOSTILE = ("[@click=app.quit]x [link=file:///etc/passwd]y \x1b]0;t\x07 \x1bp\x00\x19\x19 \x1dVA "
           "\x1b@ \u202eevil مرحبا 中文 😀 [/]")


async def test_a_hostile_paste_in_order_and_a_too_long_one_said_under_its_field(ui_settings) -> None:
    app = back_office_app(ui_settings, open_till(responsable()))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("open_models")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelsScreen))
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelDialog))
        field = app.focused
        assert isinstance(field, QuietInput) and field.id == "bo-model-name"
        error = app.screen.query_one("#bo-model-name-error", Static)

        field.post_message(events.Paste(HOSTILE * 3))  # longer than a model's name
        await settle(pilot)
        assert len(strip_controls(HOSTILE * 3)) > bo.NAME_MAX and field.value == ""
        assert str(error.render()) == t("err.field.too_long", max=bo.NAME_MAX)

        field.post_message(events.Paste(HOSTILE))
        await settle(pilot)
        assert field.value == strip_controls(HOSTILE).strip("\n") and "\x1b" not in field.value
        assert field.value.startswith("[@click=app.quit]x [link=file:///etc/passwd]y ]0;t p")
        await pilot.press("tab", "1", "0", "tab", "3", "0", "enter")
        await wait_until(pilot, lambda: CarnetModel.select().count() == 7)  # 6 in the demo
        made = CarnetModel.select().order_by(CarnetModel.id.desc()).get()
        assert made.name == clean_text(strip_controls(HOSTILE))  # as pasted, controls gone
