"""The carnet models on sale and their tariffs for a beneficiary type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.rules import check_beneficiary_type, check_id, tariff_allows
from carnet_tui.domain.text import clean_text
from carnet_tui.store.models import CarnetModel, Tariff


@dataclass(frozen=True)
class ModelView:
    id: int
    name: str
    billets_count: int
    validity_days: int


@dataclass(frozen=True)
class TariffView:
    id: int
    model_id: int
    label: str
    price_cents: int
    beneficiary_types: str


def active_models() -> list[ModelView]:
    rows = (
        CarnetModel.select()
        .where(CarnetModel.active == True)  # noqa: E712 (peewee expression)
        .order_by(CarnetModel.position, CarnetModel.name)
    )
    # names written before the cleaning rule (an old store) come out clean all the same
    return [ModelView(r.id, clean_text(r.name), r.billets_count, r.validity_days) for r in rows]


def get_model(model_id: int) -> ModelView:
    model_id = check_id(model_id, "err.model.not_found", "model")
    row = CarnetModel.get_or_none((CarnetModel.id == model_id) & (CarnetModel.active == True))  # noqa: E712
    if row is None:
        raise DomainError("err.model.not_found", field="model")
    return ModelView(row.id, clean_text(row.name), row.billets_count, row.validity_days)


def tariffs_for(model_id: int, beneficiary_type: str, today: date | None = None) -> list[TariffView]:
    """The active tariffs of a model for a type, those whose period (if any) holds ``today``."""
    kind = check_beneficiary_type(beneficiary_type)
    model_id = check_id(model_id, "err.model.not_found", "model")
    day = today or date.today()
    rows = (
        Tariff.select()
        .where((Tariff.model == model_id) & (Tariff.active == True)  # noqa: E712
               & (Tariff.valid_from.is_null() | (Tariff.valid_from <= day))
               & (Tariff.valid_to.is_null() | (Tariff.valid_to >= day)))
        .order_by(Tariff.price_cents.desc(), Tariff.id)
    )
    return [
        TariffView(r.id, r.model_id, clean_text(r.label), r.price_cents, r.beneficiary_types)
        for r in rows
        if tariff_allows(r.beneficiary_types, kind)
    ]
