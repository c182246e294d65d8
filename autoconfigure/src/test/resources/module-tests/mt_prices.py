"""Functions behind the @PythonModule interfaces of the autoconfigure tests (fixtures.Prices, fixtures.Conversions)."""

import collections
import dataclasses
import datetime
import decimal
import enum

PRICES = {"A-17": decimal.Decimal("9.99"), "B-2": decimal.Decimal("0.10")}
EVENTS = []
TAX_RATE = 0.2


class Tier(enum.Enum):
    BRONZE = 1
    GOLD = 3


@dataclasses.dataclass
class Shipment:
    sku: str
    shipped: datetime.date
    at: datetime.datetime
    tier: Tier
    transit: datetime.timedelta


Point = collections.namedtuple("Point", "x y")


def quote(sku, quantity):
    return {"sku": sku, "quantity": quantity, "total": PRICES[sku] * quantity}


def quotes(skus, quantity):
    return [quote(sku, quantity) for sku in skus]


def find(sku):
    return quote(sku, 1) if sku in PRICES else None


def list_skus():
    return sorted(PRICES)


def count():
    return len(PRICES)


def price(sku):
    return float(PRICES[sku])


def known(sku):
    return sku in PRICES


def name_of(sku):
    return None if sku not in PRICES else sku.lower()


def record(event):
    EVENTS.append(event)
    return object()  # a void method does not convert what it gets


def events():
    return list(EVENTS)


def discounted(sku, quantity, *, percent=0, coupon=None):
    total = PRICES[sku] * quantity * (100 - percent) / 100
    return {"sku": sku, "quantity": quantity, "total": total - (5 if coupon == "FIVE" else 0)}


def describe(value):
    """What arrived, and as which Python type."""
    return {"type": type(value).__name__, "value": value}


def shipment(sku):
    return Shipment(sku, datetime.date(2026, 11, 29),
                    datetime.datetime(2026, 11, 29, 8, 30, tzinfo=datetime.timezone.utc), Tier.GOLD,
                    datetime.timedelta(days=2, seconds=1.5))


def point():
    return Point(3, 4)


def samples():
    return [1.5, 2.5]


def wrong_count():
    return "three"


def wrong_quote():
    return "not a quote"


def wrong_quotes():
    return 42


def unconvertible():
    return object()


def needs_missing():
    import mt_no_such_module  # noqa: F401
