"""What shapes of path the search tries, by payment type and search level (rippled's
Pathfinder::initPathTable).

A payment falls in one of five types by whether its source and destination currencies are XRP
and whether they are the same. For each type a table lists path shapes, each with the search
level from which it is tried. A shape is a string of node types:

    s  the source                      a  accounts (ripple through a trust line)
    b  any order book                  x  the order book into XRP
    f  an order book into the destination currency
    d  the destination (an account link to it, or complete if already there)

An order book into an issued currency brings its issuer along (rippled adds the issuer's account
after the book), so "safad" is source -> gateway -> book -> (new issuer) -> account -> destination.
Shapes that would only rebuild the default path are left out: the engine tries that path anyway.
Levels, as rippled documents them: 0 nothing, 1 trivial paths, 4 a normal fast search, 7 a
normal slow search, 10 the most aggressive.
"""

from __future__ import annotations

from enum import Enum
from typing import Final


class PaymentType(Enum):
    XRP_TO_XRP = "XRP to XRP"
    XRP_TO_NON_XRP = "XRP to non-XRP"
    NON_XRP_TO_XRP = "non-XRP to XRP"
    NON_XRP_TO_SAME = "non-XRP to the same currency"
    NON_XRP_TO_NON_XRP = "non-XRP to another currency"


def payment_type(src_is_xrp: bool, dst_is_xrp: bool, same_currency: bool) -> PaymentType:
    if src_is_xrp and dst_is_xrp:
        return PaymentType.XRP_TO_XRP
    if src_is_xrp:
        return PaymentType.XRP_TO_NON_XRP
    if dst_is_xrp:
        return PaymentType.NON_XRP_TO_XRP
    if same_currency:
        return PaymentType.NON_XRP_TO_SAME
    return PaymentType.NON_XRP_TO_NON_XRP


PATH_TABLE: Final[dict[PaymentType, tuple[tuple[int, str], ...]]] = {
    PaymentType.XRP_TO_XRP: (),
    PaymentType.XRP_TO_NON_XRP: (
        (1, "sfd"),  # source -> book -> gateway
        (3, "sfad"),  # source -> book -> account -> destination
        (5, "sfaad"),
        (6, "sbfd"),
        (8, "sbafd"),
        (9, "sbfad"),
        (10, "sbafad"),
    ),
    PaymentType.NON_XRP_TO_XRP: (
        (1, "sxd"),  # the gateway buys XRP
        (2, "saxd"),  # source -> gateway -> book to XRP -> destination
        (6, "saaxd"),
        (7, "sbxd"),
        (8, "sabxd"),
        (9, "sabaxd"),
    ),
    PaymentType.NON_XRP_TO_SAME: (
        (1, "sad"),  # source -> gateway -> destination
        (1, "sfd"),  # source -> book -> destination
        (4, "safd"),  # source -> gateway -> book -> destination
        (4, "sfad"),
        (5, "saad"),
        (5, "sbfd"),
        (6, "sxfad"),
        (6, "safad"),
        (6, "saxfd"),  # source -> gateway -> book to XRP -> book -> destination
        (6, "saxfad"),
        (6, "sabfd"),
        (7, "saaad"),
    ),
    PaymentType.NON_XRP_TO_NON_XRP: (
        (1, "sfad"),
        (1, "safd"),
        (3, "safad"),
        (4, "sxfd"),
        (5, "saxfd"),
        (5, "sxfad"),
        (5, "sbfd"),
        (6, "saxfad"),
        (6, "sabfd"),
        (7, "saafd"),
        (8, "saafad"),
        (9, "safaad"),
    ),
}

MAX_SEARCH_LEVEL: Final = 10


def path_types(kind: PaymentType, level: int) -> tuple[str, ...]:
    """The shapes tried for `kind` at `level`, in table order."""
    return tuple(shape for cost, shape in PATH_TABLE[kind] if cost <= level)
