"""Demo data: the catalog, clients and users of a new store, and synthetic clients in bulk."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from peewee import fn

from carnet_tui.domain.clients import ClientInput, check_client
from carnet_tui.domain.errors import DomainError
from carnet_tui.services import importing, people
from carnet_tui.store import db as store
from carnet_tui.store.models import CarnetModel, Client, Counter, User

# the package is installed editable: data/ sits beside carnet_tui/ at the project's top level
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
CATALOG_FILE = "catalog.toml"
CLIENTS_FILE = "clients.csv"
# the manual's first sale is N° 815 (carnet 20191220-815): the counter holds the last number given
FIRST_SALE_NUMBER = 815
GENERATE_MAX = 1_000_000
# who can sign in on the demo store, one of each role; README gives them (demo only: change them)
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("Admin", "admin", "1234"),
    ("Nadia", "responsable", "2222"),
    ("Samir", "caissier", "1111"),
    ("Karim", "contrôleur", "3333"),
)
_GENERATE_BATCH = 5000  # one write transaction per batch: other desks are never locked out long

LATIN_FIRST = (
    "Mohamed", "Youssef", "Fatima Zahra", "Khadija", "Amine", "Hamza", "Salma", "Meryem", "Imane",
    "Othmane", "Hicham", "Nadia", "Karim", "Rachid", "Zineb", "Soukaina", "Ayoub", "Ilyas", "Hajar",
    "Driss", "Abdelkader", "Ghita", "Yasmine", "Houda", "Mehdi", "Anas", "Saad", "Laïla", "Btissam",
    "Najat", "Aïcha", "Réda",
)
LATIN_LAST = (
    "El Alaoui", "Benjelloun", "Bennani", "Tazi", "Berrada", "El Idrissi", "Chraïbi", "Fassi Fihri",
    "Lahlou", "Sqalli", "Kettani", "El Amrani", "Ouazzani", "Benkirane", "Zniber", "Belhaj",
    "Aït Ben Ali", "El Mansouri", "Haddad", "Chérif", "Naciri", "Skalli", "El Ouafi", "Boutaleb",
)
ARABIC_FIRST = (
    "محمد", "يوسف", "فاطمة الزهراء", "خديجة", "أمين", "حمزة", "سلمى", "مريم", "إيمان", "عثمان",
    "هشام", "نادية", "كريم", "رشيد", "زينب", "أيوب", "هاجر", "إدريس", "عبد القادر", "غيثة",
    "ياسمين", "مهدي", "سعد", "ليلى", "نجاة", "عائشة",
)
ARABIC_LAST = (
    "العلوي", "بنجلون", "بناني", "التازي", "برادة", "الإدريسي", "الشرايبي", "الفاسي", "لحلو",
    "الكتاني", "العمراني", "الوزاني", "بنكيران", "بلحاج", "المنصوري", "الحداد", "الناصري",
    "بوطالب", "الصقلي", "الزياني",
)
FRENCH_FIRST = (
    "Élodie", "Hélène", "Jérôme", "François", "Amélie", "Céline", "Loïc", "Gaëlle", "Noël", "Chloé",
    "Zoé", "Benoît", "Stéphane", "Frédéric", "Mélanie", "Thérèse", "Raphaël", "Anaïs", "Cécile",
    "Léa", "Émile", "Agnès", "Clément", "Sébastien", "Inès", "Jean", "Marie", "Pierre",
)
FRENCH_LAST = (
    "Chérif", "Lefèvre", "Dupré", "Gérard", "Bénard", "Lemaître", "Février", "Moreau", "Fournier",
    "Mercier", "Girard", "Rousseau", "Boucher", "Laurent", "Barthélemy", "Ménard", "Lacroix",
    "Desprès", "Garçon", "Crémieux",
)
NOTES = (
    "", "", "", "", "", "", "Préfère le créneau du matin", "Certificat médical fourni",
    "Réduction famille", "تخفيض عائلي", "Groupe scolaire", "Carte perdue remplacée",
)


def synthetic_client(rng: random.Random, beneficiary_type: str, member_number: str) -> ClientInput:
    """One plausible client: a Moroccan name in Latin or Arabic script, or a French one."""
    roll = rng.random()
    if roll < 0.4:
        name = f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"
    elif roll < 0.7:
        name = f"{rng.choice(ARABIC_FIRST)} {rng.choice(ARABIC_LAST)}"
    else:
        name = f"{rng.choice(FRENCH_FIRST)} {rng.choice(FRENCH_LAST)}"
    roll = rng.random()
    if roll < 0.1:
        phone = ""
    elif roll < 0.2:
        phone = f"+2126{rng.randrange(10**8):08d}"
    else:
        phone = f"0{rng.choice('67')}{rng.randrange(10**8):08d}"
    return ClientInput(name, beneficiary_type, phone, member_number, rng.choice(NOTES))


def _types(rng: random.Random) -> Iterator[str]:
    while True:
        yield rng.choices("AVP", weights=(5, 4, 1))[0]


def load_demo(data_dir: Path | None = None, with_users: bool = True) -> bool:
    """Fill an empty store with the demo catalog, clients and users (``DEMO_USERS``, when it has
    none; ``with_users=False``: the catalog and clients only, for a test that brings its own
    people); False (nothing done) if not empty."""
    folder = data_dir or DATA_DIR
    paths = [folder / CATALOG_FILE, folder / CLIENTS_FILE]
    for path in paths:
        if not path.is_file():
            raise DomainError("err.demo.missing", path=str(path))
    batch = importing.read_files(paths)  # checked before the transaction, like any import
    users = [(name, role, people.hashed_pin(pin)) for name, role, pin in DEMO_USERS
             if with_users]  # scrypt: outside the write

    def fill() -> bool:
        # checked inside the transaction: two desks starting at once fill the store once
        if CarnetModel.select().exists() or Client.select().exists():
            return False
        importing.write_batch(batch)
        Counter.insert(name="sale", value=FIRST_SALE_NUMBER - 1).on_conflict_ignore().execute()
        if not User.select().exists():  # a new store: without users nobody could sign in
            for name, role, stored in users:
                people.insert_user(name, role, stored, by=people.SYSTEM)
        return True

    return store.write(fill)


def generate_clients(count: int, seed: int = 0) -> int:
    """Add ``count`` synthetic clients (searchable at once), in batches of bulk inserts."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= GENERATE_MAX:
        raise DomainError("err.demo.count", min=1, max=GENERATE_MAX)
    rng = random.Random(seed)
    kinds = _types(rng)
    done = 0
    while done < count:
        size = min(_GENERATE_BATCH, count - done)

        def batch(size: int = size) -> int:
            start = (Client.select(fn.MAX(Client.id)).scalar() or 0) + 1
            members = [f"G{start + i:07d}" for i in range(size)]
            # an imported client may already hold one of these numbers: that one goes without
            taken = {
                m for (m,) in Client.select(Client.member_number)
                .where(Client.member_number.in_(members)).tuples()
            }
            rows = [
                check_client(synthetic_client(rng, next(kinds), "" if m in taken else m)) for m in members
            ]
            return importing.bulk_insert_clients(rows)

        done += store.write(batch)
    return done
