"""Realistic values of the order fields page 002 lets a client update, in the shapes the pages show.

Addresses come in both documented forms: page 002's short one (`name`, `company`, `email`,
`phone`, `coords` as a string, `what3words`) and page 004's full one (`contact_name`,
`contact_phone`, `company_name`, `coords` as numbers, `area`, `type`, `address_codes`,
`custom_fields`, `personal_id`). Every seeded order carries every updatable field, so that a
service clobbering a field the request did not send is seen.
"""

from __future__ import annotations

from typing import Any

from ..oracle.model import Json, copied

SHORT_ADDRESSES: tuple[Json, ...] = (
    {
        "name": "Aisha Rahman",
        "company": "Rahman Trading",
        "email": "aisha.rahman@example.com",
        "phone": "+971501234567",
        "alternate_phone": "+97142345678",
        "address1": "Office 1204, Bay Square 7",
        "address2": "Business Bay",
        "city": "Dubai",
        "state": "Dubai",
        "postcode": "00000",
        "country": "AE",
        "coords": "25.1865,55.2826",
        "what3words": "///filled.count.soap",
    },
    {
        "name": "Omar Haddad",
        "email": "omar.haddad@example.com",
        "phone": "+966551234567",
        "address1": "King Fahd Road 2231",
        "city": "Riyadh",
        "postcode": "12271",
        "country": "SA",
    },
)
FULL_ADDRESSES: tuple[Json, ...] = (
    {
        "contact_name": "Jo Bloggs",
        "contact_phone": "+16175551212",
        "contact_email": "jo.bloggs@example.com",
        "company_name": "Bloggs & Co",
        "address1": "Villa 12, Street 4",
        "address2": "Al Barsha 2",
        "area": "Al Barsha",
        "city": "Dubai",
        "state": "Dubai",
        "country": "AE",
        "coords": [25.1012, 55.2043],
        "type": "residential",
        "notes": "Gate code 4321",
        "address_codes": [{"type": "WHAT_3_WORDS", "value": "///index.home.raft"}],
        "custom_fields": {"gate": ["B"]},
        "personal_id": {"id": "P1234567", "type": "Passport"},
    },
    {
        "contact_name": "Lena Fischer",
        "contact_phone": "+4915123456789",
        "address1": "Torstrasse 140",
        "city": "Berlin",
        "postcode": "10119",
        "country": "DE",
        "coords": [52.5293, 13.4013],
        "type": "residential",
    },
)
ADDRESSES = SHORT_ADDRESSES + FULL_ADDRESSES
PAYMENTS: tuple[Json, ...] = (
    {"payment_mode": "prepaid", "pending_amount": 0, "currency": "AED"},
    {"payment_mode": "CASH_ON_DELIVERY", "pending_amount": 149.5, "currency": "SAR"},
    {"currency": "AED", "order_total": 320, "payment_on_delivery": 0},
)
DISCOUNT_APPLICATIONS: tuple[list[Json], ...] = (
    [],
    [{"code": "WELCOME10", "type": "percentage", "value": 10, "description": "First order"}],
    [{"discount_application_id": 1, "type": "fixed", "coupon_code": "RAMADAN25"}],
)
SHIPPING_LINES: tuple[list[Json], ...] = (
    [],
    [{"code": "STANDARD", "title": "Standard delivery", "price": 15, "currency": "AED"}],
    [
        {
            "name": "Express",
            "carrier": "ARAMEX",
            "carrier_account_id": "ACC-77",
            "price": 30,
            "taxes": [{"description": "VAT", "rate": 0.05, "amount": 1.5}],
        }
    ],
)
LANGUAGES = ("en", "ar", "fr")
SALES_CHANNELS = ("web", "app", "store")
ORDER_DATES = ("2026-03-14T10:15:00Z", "2026-11-02T18:40:00+04:00")


def order_fields(ns: str, merchant: str, choice: dict[str, int] | None = None) -> Json:
    """Every field page 002 lets a client update, from the pools above (`choice` gives the index
    into each pool, by field; 0 by default: short shipping address, full billing address)."""
    pick = choice or {}

    def one(field: str, pool: tuple[Any, ...], default: int = 0) -> Any:
        return pool[pick.get(field, default) % len(pool)]

    fields = {
        "partner_order_reference": f"{ns}-REF",
        "order_date": one("order_date", ORDER_DATES),
        "merchant": merchant,
        "language": one("language", LANGUAGES),
        "sales_channel": one("sales_channel", SALES_CHANNELS),
        "taxes_included": bool(pick.get("taxes_included", 1)),
        "duties_included": bool(pick.get("duties_included", 0)),
        "shipping_address": one("shipping_address", ADDRESSES),
        "billing_address": one("billing_address", ADDRESSES, len(SHORT_ADDRESSES)),
        "customer": one("customer", ADDRESSES, 1),
        "payment": one("payment", PAYMENTS),
        "discount_applications": one("discount_applications", DISCOUNT_APPLICATIONS, 1),
        "shipping_lines": one("shipping_lines", SHIPPING_LINES, 1),
    }
    fresh: Json = copied(fields)
    return fresh
