"""Tables of the carnet store. Numbers are unique by constraint, not only by code."""

from __future__ import annotations

from datetime import datetime

from peewee import (
    SQL,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Counter(BaseModel):
    """Gap-free series (``sale``, ``invoice:2019``), bumped by upsert inside the using transaction."""

    name = CharField(primary_key=True, max_length=32)
    value = IntegerField()


class Client(BaseModel):
    name = CharField(max_length=120, index=True)
    phone = CharField(max_length=16, default="")
    member_number = CharField(max_length=30, null=True, unique=True)
    beneficiary_type = CharField(max_length=1)
    note = TextField(default="")
    created_at = DateTimeField(default=now)
    # an inactive client (merged away) is offered nowhere; a default in the table too: the clients'
    # bulk insert (store/dialect.py) names its columns
    active = BooleanField(default=True, constraints=[SQL("DEFAULT TRUE")])


class CarnetModel(BaseModel):
    name = CharField(max_length=80, unique=True)
    billets_count = IntegerField()
    validity_days = IntegerField()
    active = BooleanField(default=True)
    position = IntegerField(default=0)


class Tariff(BaseModel):
    model = ForeignKeyField(CarnetModel, backref="tariffs", on_delete="RESTRICT")
    label = CharField(max_length=80)
    price_cents = IntegerField()
    beneficiary_types = CharField(max_length=3, default="")  # "" = every type
    active = BooleanField(default=True)
    # the period the tariff applies in, both days included; None: no bound on that side
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)


class User(BaseModel):
    """A person at the counter: a PIN (salted scrypt hash, ``domain/pins.py``) and a role."""

    name = CharField(max_length=40, unique=True)
    role = CharField(max_length=12)  # domain.context.Role
    pin_hash = CharField(max_length=200)
    active = BooleanField(default=True)
    failed_pins = IntegerField(default=0)  # wrong PINs in a row
    locked_until = FloatField(default=0)  # seconds since the epoch; 0: not locked
    created_at = DateTimeField(default=now)


class TillSession(BaseModel):
    """A desk's till from its opening float to its Z. At most one open a desk (partial index)."""

    desk = CharField(max_length=40)
    status = CharField(max_length=10, default="open")  # domain.till.SessionStatus
    opened_by = CharField(max_length=40)
    opened_at = DateTimeField(default=now)
    float_cents = IntegerField()
    float_counts = TextField()  # canonical JSON {"20000": pieces, …}
    closed_by = CharField(max_length=40, null=True)
    closed_at = DateTimeField(null=True)
    counted_cents = IntegerField(null=True)
    counted_counts = TextField(null=True)
    z_number = IntegerField(null=True)  # gap-free per desk (counter ``z:<desk>``)

    class Meta:
        indexes = ((("desk", "z_number"), True),)


class CashMovement(BaseModel):
    session = ForeignKeyField(TillSession, backref="movements", on_delete="RESTRICT")
    kind = CharField(max_length=10)  # domain.till.MovementKind
    amount_cents = IntegerField()
    reason = TextField()
    done_by = CharField(max_length=40)
    approved_by = CharField(max_length=40)
    done_at = DateTimeField(default=now)


class ZReport(BaseModel):
    """The Z as it was printed: its figures frozen, so a reprint (DUPLICATA) says the same."""

    session = ForeignKeyField(TillSession, unique=True, on_delete="RESTRICT")
    desk = CharField(max_length=40)
    number = IntegerField()
    body = TextField()  # canonical JSON of the figures
    journal_head = CharField(max_length=64)
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("desk", "number"), True),)


class JournalEntry(BaseModel):
    """One append-only row an event; ``hash`` = SHA-256(``prev_hash`` ‖ canonical content)."""

    seq = IntegerField(unique=True)  # 1, 2, 3… with no gap
    at = CharField(max_length=32)  # ISO text: the same bytes on SQLite and PostgreSQL
    kind = CharField(max_length=32)
    actor = CharField(max_length=40)
    approved_by = CharField(max_length=40, default="")
    desk = CharField(max_length=40, default="")
    data = TextField()  # canonical JSON (domain.journal.canonical_data)
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)

    class Meta:
        table_name = "journal"


class Sale(BaseModel):
    number = IntegerField(null=True, unique=True)  # allocated with the first paid line
    status = CharField(max_length=10, default="open")  # open → closed → finalized
    sale_date = DateField(null=True)
    cashier = CharField(max_length=40, default="")
    desk = CharField(max_length=40, default="")
    opened_at = DateTimeField(default=now)
    closed_at = DateTimeField(null=True)
    finalized_at = DateTimeField(null=True)


class SaleLine(BaseModel):
    sale = ForeignKeyField(Sale, backref="lines", on_delete="RESTRICT")
    position = IntegerField()
    client = ForeignKeyField(Client, null=True, on_delete="RESTRICT")
    beneficiary_type = CharField(max_length=1)
    model = ForeignKeyField(CarnetModel, on_delete="RESTRICT")
    tariff = ForeignKeyField(Tariff, on_delete="RESTRICT")
    model_name = CharField(max_length=80)  # as sold, even if the catalog changes later
    tariff_label = CharField(max_length=80)
    unit_price_cents = IntegerField()
    quantity = IntegerField()
    validity_days = IntegerField()
    valid_until = DateField()
    total_cents = IntegerField()
    paid_at = DateTimeField(default=now)
    voided = BooleanField(default=False)

    class Meta:
        indexes = ((("sale", "position"), True),)


class Payment(BaseModel):
    line = ForeignKeyField(SaleLine, backref="payments", on_delete="RESTRICT")
    method = CharField(max_length=10)
    amount_cents = IntegerField()
    tendered_cents = IntegerField()
    change_cents = IntegerField()
    cheque_number = CharField(max_length=20, null=True)
    reference = CharField(max_length=60, null=True)
    paid_at = DateTimeField(default=now)
    session = ForeignKeyField(TillSession, null=True, backref="payments", on_delete="RESTRICT")


class Carnet(BaseModel):
    sale = ForeignKeyField(Sale, backref="carnets", on_delete="RESTRICT")
    line = ForeignKeyField(SaleLine, backref="carnets", on_delete="RESTRICT")
    index = IntegerField()  # 0 for the sale's first carnet: no suffix
    number = CharField(max_length=40, unique=True)
    billets_count = IntegerField()
    valid_from = DateField()
    valid_until = DateField()

    class Meta:
        indexes = ((("sale", "index"), True),)


class Billet(BaseModel):
    carnet = ForeignKeyField(Carnet, backref="billets", on_delete="RESTRICT")
    seq = IntegerField()
    number = CharField(max_length=48, unique=True)
    # journal state of the original print: unprinted → pending → sent
    print_state = CharField(max_length=10, default="unprinted")
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("carnet", "seq"), True),)


class Void(BaseModel):
    line = ForeignKeyField(SaleLine, unique=True, on_delete="RESTRICT")
    reason = TextField()
    voided_by = CharField(max_length=40)
    voided_at = DateTimeField(default=now)
    approved_by = CharField(max_length=40, default="")


class PrintJournal(BaseModel):
    """One row per billet sent (or attempted) to a printer; duplicates included."""

    billet = ForeignKeyField(Billet, backref="journal", on_delete="RESTRICT")
    duplicate = BooleanField(default=False)
    status = CharField(max_length=10, default="pending")  # pending → sent | failed
    device = CharField(max_length=120, default="")
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)
    error = TextField(default="")


class PrintLease(BaseModel):
    """Which desk is printing a carnet now: one row a carnet, renewed while printing, deleted after.

    ``holder`` is ``host:pid:random`` (one per print run); ``expires_at`` is seconds since the
    epoch on the holder's clock. A row past its expiry, or whose process is gone, binds nobody.
    """

    carnet = ForeignKeyField(Carnet, primary_key=True, on_delete="RESTRICT")
    holder = CharField(max_length=120)
    expires_at = FloatField()
    taken_at = DateTimeField(default=now)


class Invoice(BaseModel):
    sale = ForeignKeyField(Sale, unique=True, on_delete="RESTRICT")
    number = CharField(max_length=16, unique=True)
    year = IntegerField()
    issued_at = DateTimeField(default=now)
    client = ForeignKeyField(Client, null=True, on_delete="RESTRICT")


class ReprintLog(BaseModel):
    """Who reprinted what, when and why: the sale's history."""

    sale = ForeignKeyField(Sale, backref="reprints", on_delete="RESTRICT")
    what = CharField(max_length=20)  # receipt | billets | invoice
    detail = CharField(max_length=120, default="")
    reason = TextField(default="")
    done_by = CharField(max_length=40)
    done_at = DateTimeField(default=now)
    approved_by = CharField(max_length=40, default="")


class DoorKey(BaseModel):
    """A venue key signing the billets' QR (domain/door.py). ``secret``: hex; never printed, never
    logged, never shown (services.door gives views without it). Retired: no longer verifies."""

    letter = CharField(max_length=1, unique=True)
    secret = CharField(max_length=128)
    created_at = DateTimeField(default=now)
    retired_at = DateTimeField(null=True)

    def __repr__(self) -> str:  # the secret stays out of any traceback or log line
        return f"<DoorKey {self.letter}>"

    __str__ = __repr__


class Entry(BaseModel):
    """A billet let in at a door. ``billet`` unique: accepting is one conditional write, so two doors
    scanning one billet at once accept it once (and its DUPLICATA, the same billet, never again)."""

    billet = ForeignKeyField(Billet, unique=True, on_delete="RESTRICT")
    carnet = ForeignKeyField(Carnet, backref="entries", index=True, on_delete="RESTRICT")
    door = CharField(max_length=40)  # the desk of the door agent
    agent = CharField(max_length=40)
    at = DateTimeField(default=now, index=True)
    manual = BooleanField(default=False)  # typed by the agent, not scanned
    legacy = BooleanField(default=False)  # an old billet without a signed QR
    key = CharField(max_length=1, default="")  # the letter that verified it ("" when unsigned)


TABLES: list[type[BaseModel]] = [
    Setting,
    Counter,
    Client,
    CarnetModel,
    Tariff,
    User,
    TillSession,  # before Payment: a copy (store/copy.py) inserts in this order, foreign keys checked
    Sale,
    SaleLine,
    Payment,
    Carnet,
    Billet,
    Void,
    PrintJournal,
    Invoice,
    ReprintLog,
    PrintLease,
    CashMovement,
    ZReport,
    JournalEntry,
    DoorKey,  # v5: the door (issue 11)
    Entry,
]
