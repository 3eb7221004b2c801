"""Importing a venue's catalog and clients: every bad row named by file and line, nothing half-imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from carnet_tui.domain.errors import DomainError
from carnet_tui.services import catalog, clients, demo
from carnet_tui.services.importing import ImportRejected, import_files, read_file
from carnet_tui.store import dialect
from carnet_tui.store.models import CarnetModel, Client, Tariff, database

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)

CLIENTS_CSV = """name,phone,member_number,beneficiary_type,note
Élodie Chérif,06 57 99 84 82,abo-0001,a,
محمد العلوي,+212612345678,,V,Certificat médical fourni
Fatima Zahra Benjelloun,,PAR-0001,P,
"""

CATALOG_CSV = """model;billets_count;validity_days;tariff;price;beneficiary_types
Carnet 15 entrées;15;60;Tarif Visiteur;5 500,00;V
Carnet 10 entrées;10;30;Plein tarif;600;
Carnet 15 entrées;15;60;Tarif Abonné;4.400,00;A,P
"""

BOTH_TOML = """# a venue's own catalog and clients
[[model]]
name = "Carnet 15 entrées"
billets_count = 15
validity_days = 60
position = 1

[[model.tariff]]
label = "Tarif Visiteur"
price = "5500,00"
beneficiary_types = "V"

[[model.tariff]]
label = "Abonné ou Partenaire"
price = 4400
beneficiary_types = ["A", "P"]

[[client]]
name = "Élodie Chérif"
beneficiary_type = "A"
phone = "0657998482"
member_number = "ABO-0001"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> tuple:
    """Every row an import could touch, to prove a refused import changed nothing."""
    if dialect.current().name == "sqlite":
        fts = database.obj.execute_sql("SELECT rowid, text FROM client_fts ORDER BY rowid").fetchall()
    else:
        fts = database.obj.execute_sql("SELECT client_id, words FROM client_search ORDER BY 1").fetchall()
    return (
        list(Client.select().order_by(Client.id).tuples()),
        list(CarnetModel.select().order_by(CarnetModel.id).tuples()),
        list(Tariff.select().order_by(Tariff.id).tuples()),
        fts,
    )


def refused(paths: list[Path]) -> list[str]:
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_files(paths)
    assert snapshot() == before
    assert "rien n'a été importé" in caught.value.message
    return caught.value.errors


# ---------------------------------------------------------------- success


def test_clients_csv_is_imported_checked_and_searchable(connected, tmp_path: Path) -> None:
    result = import_files([write(tmp_path, "clients.csv", CLIENTS_CSV)])
    assert (result.models, result.clients) == (0, 3)
    elodie = clients.search("elodie")[0]
    assert (elodie.phone, elodie.member_number, elodie.beneficiary_type) == ("0657998482", "ABO-0001", "A")
    assert clients.search("محمد")[0].phone == "+212612345678"
    assert clients.search("PAR-0001")[0].name == "Fatima Zahra Benjelloun"


def test_catalog_csv_with_semicolons_groups_tariffs_by_model(connected, tmp_path: Path) -> None:
    result = import_files([write(tmp_path, "catalogue.csv", CATALOG_CSV)])
    assert (result.models, result.tariffs) == (2, 3)
    model = CarnetModel.get(CarnetModel.name == "Carnet 15 entrées")
    assert (model.billets_count, model.validity_days) == (15, 60)
    assert [t.price_cents for t in catalog.tariffs_for(model.id, "V")] == [550000]
    for_partner = catalog.tariffs_for(model.id, "P")
    assert [(t.price_cents, t.beneficiary_types) for t in for_partner] == [(440000, "AP")]
    hammam = CarnetModel.get(CarnetModel.name == "Carnet 10 entrées")
    assert [t.price_cents for t in catalog.tariffs_for(hammam.id, "A")] == [60000]


def test_toml_with_models_and_clients(connected, tmp_path: Path) -> None:
    result = import_files([write(tmp_path, "venue.toml", BOTH_TOML)])
    assert (result.models, result.tariffs, result.clients) == (1, 2, 1)
    model = catalog.active_models()[0]
    assert [(t.label, t.price_cents) for t in catalog.tariffs_for(model.id, "A")] == [
        ("Abonné ou Partenaire", 440000)
    ]
    assert clients.search("cherif")[0].member_number == "ABO-0001"


def test_the_demo_files_import_like_any_venue_file(connected) -> None:
    result = import_files([demo.DATA_DIR / "catalog.toml", demo.DATA_DIR / "clients.csv"])
    assert result.models >= 3 and result.clients >= 200


def test_csv_with_excel_bom_and_blank_lines(connected, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(("\ufeff" + CLIENTS_CSV + "\n\n").encode("utf-8"))
    assert import_files([path]).clients == 3


# ---------------------------------------------------------------- refusals, with the right line


def test_bad_client_rows_are_named_by_line(connected, tmp_path: Path) -> None:
    text = CLIENTS_CSV + "Bad Phone,12,,V,\n,0612345678,,A,\nKarim,0612345678,,Q,\n"
    errors = refused([write(tmp_path, "clients.csv", text)])
    assert errors[0].startswith("clients.csv, ligne 5 : Téléphone invalide")
    assert errors[1].startswith("clients.csv, ligne 6 : ")
    assert errors[2].startswith("clients.csv, ligne 7 : Type de bénéficiaire inconnu")
    assert len(errors) == 3


def test_duplicate_member_numbers_in_the_file(connected, tmp_path: Path) -> None:
    text = CLIENTS_CSV + "Karim Tazi,,ABO-0001,A,\n"
    errors = refused([write(tmp_path, "clients.csv", text)])
    assert errors == ["clients.csv, ligne 5 : N° d'adhérent ABO-0001 en double (déjà ligne 2)"]


def test_member_number_already_in_the_store(connected, tmp_path: Path) -> None:
    clients.create_client(clients.ClientInput("Karim Tazi", "A", "", "PAR-0001"))
    errors = refused([write(tmp_path, "clients.csv", CLIENTS_CSV)])
    assert errors == [
        "clients.csv, ligne 4 : N° d'adhérent PAR-0001 déjà attribué à un client de la base"
    ]


def test_duplicates_across_two_files_and_nothing_from_the_good_file(connected, tmp_path: Path) -> None:
    good = write(tmp_path, "a.csv", CLIENTS_CSV)
    toml = '[[client]]\nname = "X"\nbeneficiary_type = "V"\nmember_number = "ABO-0001"\n'
    other = write(tmp_path, "b.toml", toml)
    errors = refused([good, other])
    assert errors == ["b.toml, ligne 1 : N° d'adhérent ABO-0001 en double (déjà a.csv, ligne 2)"]


def test_a_quoted_field_over_two_lines_keeps_line_numbers_right(connected, tmp_path: Path) -> None:
    text = CLIENTS_CSV.replace("Certificat médical fourni", '"Certificat\nmédical"') + "Bad,1,,V,\n"
    errors = refused([write(tmp_path, "clients.csv", text)])
    assert errors[0].startswith("clients.csv, ligne 6 : Téléphone invalide")


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ("Carnet X;0;30;T;100;", "nombre de billets"),
        ("Carnet X;1000;30;T;100;", "nombre de billets"),
        ("Carnet X;abc;30;T;100;", "nombre de billets"),
        ("Carnet X;10;0;T;100;", "validité"),
        ("Carnet X;10;3651;T;100;", "validité"),
        ("Carnet X;10;30;T;-5;", "négatif"),
        ("Carnet X;10;30;T;douze;", "Montant invalide"),
        ("Carnet X;10;30;T;;", "Montant invalide"),
        ("Carnet X;10;30;T;100;AX", "types de bénéficiaires"),
        ("Carnet X;10;30;T;100;AA", "types de bénéficiaires"),
        ("Carnet X;10;30;;100;", "« label » est obligatoire"),
        (";10;30;T;100;", "« name » est obligatoire"),
        ("Carnet 15 entrées;12;60;Autre;100;", "autre nombre de billets"),
        ("Carnet 15 entrées;15;60;Tarif Visiteur;100;", "en double"),
    ],
)
def test_bad_catalog_rows(connected, tmp_path: Path, row: str, needle: str) -> None:
    errors = refused([write(tmp_path, "catalogue.csv", CATALOG_CSV + row + "\n")])
    assert len(errors) == 1
    assert errors[0].startswith("catalogue.csv, ligne 5 : ")
    assert needle in errors[0]


def test_model_already_in_the_store(connected, tmp_path: Path) -> None:
    import_files([write(tmp_path, "first.csv", CATALOG_CSV)])
    errors = refused([write(tmp_path, "again.csv", CATALOG_CSV.replace("Carnet 10", "Carnet 11"))])
    assert errors == ["again.csv, ligne 2 : le modèle « Carnet 15 entrées » existe déjà dans la base"]


def test_toml_errors_name_the_line_of_the_entry(connected, tmp_path: Path) -> None:
    text = BOTH_TOML.replace('price = 4400', 'price = "quatre"') + (
        '\n[[client]]\nname = "Sans type"\n\n[[model]]\nname = "Vide"\nbillets_count = 5\nvalidity_days = 9\n'
        '\n[[client]]\nname = "Typo"\nbeneficiary_type = "A"\nphnoe = "0612345678"\n'
    )
    errors = refused([write(tmp_path, "venue.toml", text)])
    assert "venue.toml, ligne 13 : Montant invalide : « quatre »." in errors
    assert "venue.toml, ligne 24 : « beneficiary_type » est obligatoire" in errors
    assert "venue.toml, ligne 27 : le modèle « Vide » n'a aucun tarif" in errors
    assert "venue.toml, ligne 32 : colonne ou clé inconnue « phnoe »" in errors
    assert len(errors) == 4


def test_toml_inline_tables_are_named_by_rank(connected, tmp_path: Path) -> None:
    text = 'client = [{name = "A", beneficiary_type = "A"}, {name = "B", beneficiary_type = "Z"}]\n'
    errors = refused([write(tmp_path, "inline.toml", text)])
    assert errors[0].startswith("inline.toml, client n° 2 : Type de bénéficiaire inconnu")


def test_toml_syntax_error_names_its_line(connected, tmp_path: Path) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        import_files([write(tmp_path, "bad.toml", '[[client]]\nname = "A"\nbeneficiary_type = A\n')])
    assert caught.value.message == "bad.toml, ligne 3 : syntaxe TOML invalide."
    assert snapshot() == before


@pytest.mark.parametrize(
    ("header", "needle"),
    [
        ("name,phnoe,member_number,beneficiary_type,note", "inconnue « phnoe »"),
        ("name,phone,member_number,note", "« beneficiary_type » manquante"),
        ("model,billets_count,tariff,price,beneficiary_types", "« validity_days » manquante"),
    ],
)
def test_bad_csv_header_is_line_1(connected, tmp_path: Path, header: str, needle: str) -> None:
    errors = refused([write(tmp_path, "x.csv", header + "\nA,B,C,D,E\n")])
    assert errors[0].startswith("x.csv, ligne 1 : ") and needle in errors[0]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("clients.xlsx", b"PK", "Format non reconnu"),
        ("vide.csv", b"", "aucune ligne"),
        ("binary.csv", b"name,beneficiary_type\n\x81\x8d,A\n", "ni en UTF-8 ni en Windows-1252"),
        ("other.csv", b"foo,bar\n1,2\n", "colonnes"),
        ("empty.toml", b"# nothing\n", "aucune ligne"),
        ("header.csv", b"name,phone,member_number,beneficiary_type,note\n\n", "aucune ligne"),
    ],
)
def test_unreadable_files_are_refused_clearly(
    connected, tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        import_files([path])
    assert needle in caught.value.message
    assert snapshot() == before


def test_missing_file(connected, tmp_path: Path) -> None:
    with pytest.raises(DomainError) as caught:
        import_files([tmp_path / "absent.csv"])
    assert "introuvable" in caught.value.message


def test_read_file_alone_checks_without_writing(connected, tmp_path: Path) -> None:
    batch = read_file(write(tmp_path, "catalogue.csv", CATALOG_CSV))
    assert [m.name for m in batch.models] == ["Carnet 15 entrées", "Carnet 10 entrées"]
    assert not CarnetModel.select().exists()


def test_many_bad_rows_report_is_capped(connected, tmp_path: Path) -> None:
    text = "name,phone,beneficiary_type\n" + "".join(f"N{i},1,A\n" for i in range(80))
    with pytest.raises(ImportRejected) as caught:
        import_files([write(tmp_path, "many.csv", text)])
    assert len(caught.value.errors) == 80
    assert "80 erreur(s)" in caught.value.message
    assert caught.value.message.count("\n") < 60


def test_catalog_csv_optional_columns(connected, tmp_path: Path) -> None:
    text = (
        "model,billets_count,validity_days,tariff,price,active,position\n"
        'Ancien,10,30,Unique,"100,00",non,9\n'
    )
    assert import_files([write(tmp_path, "cat.csv", text)]).models == 1
    model = CarnetModel.get(CarnetModel.name == "Ancien")
    assert (model.active, model.position) == (False, 9)
    assert Tariff.get(Tariff.model == model).beneficiary_types == ""
    assert catalog.active_models() == []


def test_a_row_with_too_many_cells(connected, tmp_path: Path) -> None:
    errors = refused([write(tmp_path, "clients.csv", CLIENTS_CSV + "Ali,0612345678,,V,note,extra\n")])
    assert errors == ["clients.csv, ligne 5 : 6 colonnes au lieu de 5"]
